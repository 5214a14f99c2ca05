using GeneratedArm.Identity;
using GeneratedArm.TestServer;
using GeneratedArm.TestServer.Rbac;
using Microsoft.Extensions.Time.Testing;
#if ARM_SPECS
using GeneratedArm.IntegrationTests.Arm;
#endif

namespace GeneratedArm.IntegrationTests;

/// <summary>
/// The typed client generated from the real <c>resources.json</c> (2021-04-01, from ../shared/specs), as a consumer
/// uses it, against the in-process emulator: get, list by pages, create, delete started then rehydrated — and a
/// consumer's code tested with a hand-written mock of an operation group.
/// </summary>
public sealed class ResourceManagementClientTests
{
#if !ARM_SPECS
    [Test]
    public void Typed_client_tests_are_skipped_without_the_spec_corpus()
        => Assert.Ignore("../shared/specs/azure-rest-api-specs is absent at build time, so ResourceManagementClient was not generated.");
#else
    private const string Subscription = TutorialDefaults.SubscriptionId;

    [Test]
    public async Task ResourceGroups_GetAsync_returns_the_group_with_status_and_request_id_and_converts_to_the_model()
    {
        await using var session = new Session();
        var resources = new ResourceManagementClient(session.Arm, Subscription);

        ArmResponse<ResourceGroup> response = await resources.ResourceGroups.GetAsync("DevTest");
        ResourceGroup group = await resources.ResourceGroups.GetAsync("DevTest");

        Assert.Multiple(() =>
        {
            Assert.That(response.Status, Is.EqualTo(200));
            Assert.That(response.RequestId, Is.Not.Null.And.Not.Empty);
            Assert.That(response.Value.Name, Is.EqualTo("DevTest"));
            Assert.That(group.Location, Is.EqualTo("westus"));
            Assert.That(session.Emulator.Requests[^1].Uri.Query, Does.Contain("api-version=2021-04-01"));
        });
    }

    [Test]
    public async Task ResourceGroups_ListAsync_pages_follow_nextLink_and_a_continuation_token_resumes_where_a_page_ended()
    {
        await using var session = new Session(b => b
            .AddRoleAssignment(TutorialDefaults.SystemAssignedPrincipalId, BuiltInRoles.ReaderId, "/subscriptions/" + Subscription)
            .AddResourceGroup("Alpha")
            .AddResourceGroup("Beta")
            .WithArmPageSize(2));
        var resources = new ResourceManagementClient(session.Arm, Subscription);

        var all = new List<string?>();
        await foreach (ResourceGroup g in resources.ResourceGroups.ListAsync())
        {
            all.Add(g.Name);
        }

        var pages = new List<ArmPage<ResourceGroup>>();
        await foreach (ArmPage<ResourceGroup> page in resources.ResourceGroups.ListAsync().AsPages())
        {
            pages.Add(page);
        }

        var resumed = new List<string?>();
        await foreach (ArmPage<ResourceGroup> page in resources.ResourceGroups.ListAsync().AsPages(pages[0].ContinuationToken))
        {
            resumed.AddRange(page.Values.Select(g => g.Name));
        }

        Assert.Multiple(() =>
        {
            Assert.That(all, Is.EquivalentTo(new[] { "DevTest", "Alpha", "Beta" }));
            Assert.That(pages.Select(p => p.Values.Count), Is.EqualTo(new[] { 2, 1 }));
            Assert.That(pages[0].ContinuationToken, Does.StartWith("https://management.azure.com/"));
            Assert.That(pages[1].ContinuationToken, Is.Null);
            Assert.That(pages[0].GetRawResponse().Status, Is.EqualTo(200));
            Assert.That(resumed, Is.EqualTo(pages[1].Values.Select(g => g.Name)));
        });
    }

    [Test]
    public async Task A_created_group_deleted_with_WaitUntil_Started_completes_after_rehydration_in_a_new_client()
    {
        var clock = FakeClock.Create();
        await using var session = new Session(b => b
            .AddRoleAssignment(TutorialDefaults.SystemAssignedPrincipalId, BuiltInRoles.ContributorId, "/subscriptions/" + Subscription)
            .WithResourceGroupDeletion(polls: 1), clock);
        var resources = new ResourceManagementClient(session.Arm, Subscription);

        ArmResponse<ResourceGroup> created = await resources.ResourceGroups.CreateOrUpdateAsync("Old", new ResourceGroup { Location = "westus" });
        ArmOperation started = await resources.ResourceGroups.DeleteAsync(WaitUntil.Started, "Old");
        string id = started.Id;

        // A restart: another ArmClient continues from the Id alone.
        using var restarted = session.NewArm();
        var wait = ArmOperation.Rehydrate(restarted, id).WaitForCompletionAsync();
        await FakeClock.DriveAsync(wait, clock, TimeSpan.FromSeconds(1), TimeSpan.FromMinutes(2));
        ArmResponse final = await wait;
        ArmResponse<bool> exists = await resources.ResourceGroups.CheckExistenceAsync("Old");

        Assert.Multiple(() =>
        {
            Assert.That(created.Status, Is.EqualTo(201));
            Assert.That(created.Value.Properties?.ProvisioningState, Is.EqualTo("Succeeded"));
            Assert.That(started.HasCompleted, Is.False);
            Assert.That(started.GetRawResponse().Status, Is.EqualTo(202));
            Assert.That(final.Status, Is.EqualTo(200));
            Assert.That(exists.Value, Is.False);
            Assert.That(exists.Status, Is.EqualTo(404));
        });
    }

    [Test]
    public async Task A_consumer_is_tested_with_a_hand_written_mock_of_the_ResourceGroups_group()
    {
        var resources = new FakeResourceManagementClient();

        string? location = await LocationOfAsync(resources, "Anything");

        Assert.That(location, Is.EqualTo("northeurope"));
        Assert.That(((FakeResourceGroups)resources.ResourceGroups).Asked, Is.EqualTo(new[] { "Anything" }));
    }

    /// <summary>Consumer code under test: it knows only the generated client.</summary>
    private static async Task<string?> LocationOfAsync(ResourceManagementClient resources, string name)
    {
        ResourceGroup group = await resources.ResourceGroups.GetAsync(name);
        return group.Location;
    }

    private sealed class FakeResourceManagementClient : ResourceManagementClient
    {
        public override ResourceGroupsOperations ResourceGroups { get; } = new FakeResourceGroups();
    }

    private sealed class FakeResourceGroups : ResourceGroupsOperations
    {
        public List<string> Asked { get; } = [];

        public override Task<ArmResponse<ResourceGroup>> GetAsync(string resourceGroupName, CancellationToken cancellationToken = default)
        {
            Asked.Add(resourceGroupName);
            return Task.FromResult<ArmResponse<ResourceGroup>>(new FakeResponse<ResourceGroup>(new ResourceGroup { Name = resourceGroupName, Location = "northeurope" }));
        }
    }

    private sealed class FakeResponse<T>(T value) : ArmResponse<T>
    {
        public override T Value => value;

        public override int Status => 200;
    }

    /// <summary>The emulator in-process, and the runtime pointed at Azure's own addresses through it.</summary>
    private sealed class Session : IAsyncDisposable
    {
        private readonly HttpMessageHandler _handler;
        private readonly FakeTimeProvider? _clock;
        private readonly ManagedIdentityCredential _credential;

        public Session(Action<EmulatorBuilder>? configure = null, FakeTimeProvider? clock = null)
        {
            _clock = clock;
            Emulator = AzureEmulator.Create(configure);
            _handler = Emulator.CreateHandler();
            _credential = new ManagedIdentityCredential(new ManagedIdentityCredentialOptions { Transport = _handler });
            Arm = NewArm();
        }

        public AzureEmulator Emulator { get; }

        public ArmClient Arm { get; }

        public ArmClient NewArm() => new(_credential, new ArmClientOptions { Transport = _handler, TimeProvider = _clock ?? TimeProvider.System });

        public async ValueTask DisposeAsync()
        {
            Arm.Dispose();
            _credential.Dispose();
            await Emulator.DisposeAsync();
        }
    }
#endif
}
