using System.Diagnostics;
using Azure;
using Azure.Core;
using Azure.Core.Pipeline;
using Azure.Identity;
using Azure.ResourceManager;
using Azure.ResourceManager.Resources;
using static GeneratedArm.TestServer.Tests.Arm.ArmTestKit;

namespace GeneratedArm.TestServer.Tests.Arm;

/// <summary>
/// Azure.ResourceManager 1.7.0's <c>ArmClient</c> against the in-process emulator: <c>ArmEnvironment</c> = the public cloud
/// (<c>https://management.azure.com</c>, audience <c>https://management.azure.com/</c>), transport = the emulator's handler (it routes by
/// host, so HTTPS to management.azure.com and HTTP to 169.254.169.254 both reach it), credentials = the VM's managed identity
/// (Azure.Identity 1.21.0 through the emulator's IMDS) or the administrator's token.
/// </summary>
public class ArmClientTests
{
    /// <summary>A credential handing out a fixed token (the administrator's).</summary>
    private sealed class StaticTokenCredential(string token) : TokenCredential
    {
        public override AccessToken GetToken(TokenRequestContext requestContext, CancellationToken cancellationToken) => new(token, DateTimeOffset.UtcNow.AddHours(1));
        public override ValueTask<AccessToken> GetTokenAsync(TokenRequestContext requestContext, CancellationToken cancellationToken) => new(GetToken(requestContext, cancellationToken));
    }

    private static ArmClientOptions Options(AzureEmulator emulator)
    {
        var options = new ArmClientOptions
        {
            Environment = new ArmEnvironment(new Uri("https://management.azure.com"), "https://management.azure.com/"),
            Transport = new HttpClientTransport(emulator.CreateHandler()),
        };
        options.Retry.Delay = TimeSpan.FromMilliseconds(10);
        options.Retry.MaxDelay = TimeSpan.FromMilliseconds(50);
        return options;
    }

    /// <summary>
    /// An ArmClient authenticating as a user-assigned identity of the VM that holds Reader on DevTest, as the tutorial's identity does.
    /// MSAL caches managed-identity tokens process-wide per (identity, resource); a fresh identity per test keeps tests independent
    /// of each other (a system-assigned token cached by another test would skip this emulator's IMDS).
    /// </summary>
    private static (AzureEmulator Emulator, ArmClient Arm) VmClient(Action<EmulatorBuilder>? configure = null)
    {
        string clientId = Guid.NewGuid().ToString(), principalId = Guid.NewGuid().ToString();
        var emulator = AzureEmulator.Create(b =>
        {
            b.AddUserAssignedIdentity("app", clientId, principalId).AddRoleAssignment(principalId, GeneratedArm.TestServer.Rbac.BuiltInRoles.ReaderId, TutorialDefaults.ResourceGroupId);
            configure?.Invoke(b);
        });
        var mi = new ManagedIdentityCredentialOptions(ManagedIdentityId.FromUserAssignedClientId(clientId)) { Transport = new HttpClientTransport(emulator.CreateHandler()) };
        return (emulator, new ArmClient(new ManagedIdentityCredential(mi), Sub, Options(emulator)));
    }

    private static ArmClient AdminClient(AzureEmulator emulator) => new(new StaticTokenCredential(emulator.CreateAdministratorToken()), Sub, Options(emulator));

    private static SubscriptionResource Subscription(ArmClient arm) => arm.GetSubscriptionResource(SubscriptionResource.CreateResourceIdentifier(Sub));

    [Test]
    public async Task ArmClient_with_a_managed_identity_token_gets_DevTest_and_its_default_subscription()
    {
        var (emulator, arm) = VmClient();
        using var _ = emulator;

        ResourceGroupResource group = await Subscription(arm).GetResourceGroupAsync("DevTest");
        SubscriptionResource subscription = await arm.GetDefaultSubscriptionAsync();

        Assert.That(group.Data.Name, Is.EqualTo("DevTest"));
        Assert.That(group.Data.Location.Name, Is.EqualTo("westus"));
        Assert.That(group.Data.ResourceGroupProvisioningState, Is.EqualTo("Succeeded"));
        Assert.That(group.Id.ToString(), Is.EqualTo(TutorialDefaults.ResourceGroupId));
        Assert.That(subscription.Data.DisplayName, Is.EqualTo(TutorialDefaults.SubscriptionDisplayName));
        Assert.That(subscription.Data.TenantId, Is.EqualTo(Guid.Parse(TutorialDefaults.TenantId)));
        var armRequest = emulator.Requests.First(r => r.Uri.AbsolutePath.Contains("/resourcegroups/", StringComparison.OrdinalIgnoreCase));
        Assert.That(armRequest.Uri.Query, Does.Contain("api-version=2022-09-01"), "the SDK's own api-version");
        Assert.That(emulator.Requests.Any(r => r.Uri.Host == "169.254.169.254" && r.StatusCode == 200), Is.True, "token from the emulator's IMDS");
    }

    [Test]
    public async Task ArmClient_lists_resource_groups_across_pages()
    {
        using var emulator = AzureEmulator.Create(b =>
        {
            b.WithArmPageSize(2);
            for (int i = 0; i < 5; i++) b.AddResourceGroup($"group-{i}", "eastus");
        });
        var arm = AdminClient(emulator);

        var names = new List<string>();
        await foreach (var group in Subscription(arm).GetResourceGroups().GetAllAsync()) names.Add(group.Data.Name);

        Assert.That(names, Is.EqualTo(new[] { "DevTest", "group-0", "group-1", "group-2", "group-3", "group-4" }));
        Assert.That(emulator.Requests.Count(r => r.Uri.AbsolutePath.EndsWith("/resourcegroups", StringComparison.OrdinalIgnoreCase)), Is.EqualTo(3));
        Assert.That(emulator.Requests.Count(r => r.Uri.Query.Contains("$skiptoken", StringComparison.Ordinal)), Is.EqualTo(2));
    }

    [Test]
    public async Task ArmClient_creates_and_deletes_a_group_and_its_long_running_delete_polling_completes()
    {
        using var emulator = AzureEmulator.Create(b => b.WithResourceGroupDeletion(polls: 1));
        var arm = AdminClient(emulator);
        var groups = Subscription(arm).GetResourceGroups();

        var created = await groups.CreateOrUpdateAsync(WaitUntil.Completed, "CreatedBySdk", new ResourceGroupData(AzureLocation.EastUS) { Tags = { ["owner"] = "sdk" } });
        bool existsBefore = (await groups.ExistsAsync("createdbysdk")).Value;
        var watch = Stopwatch.StartNew();
        // The SDK's own polling (Azure.Core waits max(Retry-After, 1 s) between polls — RetryAfterDelayStrategy — so one 202 poll costs about a second).
        var deletion = await created.Value.DeleteAsync(WaitUntil.Completed);
        watch.Stop();
        bool existsAfter = (await groups.ExistsAsync("CreatedBySdk")).Value;

        Assert.That(created.Value.Data.Name, Is.EqualTo("CreatedBySdk"));
        Assert.That(created.Value.Data.Tags["owner"], Is.EqualTo("sdk"));
        Assert.That(existsBefore, Is.True);
        Assert.That(deletion.HasCompleted, Is.True);
        Assert.That(existsAfter, Is.False);
        Assert.That(emulator.Requests.Count(r => r.Uri.AbsolutePath.Contains("/operationresults/", StringComparison.Ordinal)), Is.EqualTo(2), "polled: 202, then 200");
        TestContext.Out.WriteLine($"delete with LRO polling took {watch.ElapsedMilliseconds} ms");
    }

    [Test]
    public async Task ArmClient_generic_resources_resolve_their_api_version_from_the_providers_and_round_trip()
    {
        using var emulator = AzureEmulator.Create();
        var arm = AdminClient(emulator);
        var id = new ResourceIdentifier($"/subscriptions/{Sub}/resourceGroups/DevTest/providers/Microsoft.Web/sites/sdk-site");

        var created = await arm.GetGenericResources().CreateOrUpdateAsync(WaitUntil.Completed, id,
            new GenericResourceData(AzureLocation.WestUS) { Tags = { ["via"] = "GenericResource" }, Properties = BinaryData.FromString("""{"httpsOnly":true}""") });
        GenericResource read = await arm.GetGenericResource(id).GetAsync();
        var tenants = new List<string>();
        await foreach (var t in arm.GetTenants().GetAllAsync()) tenants.Add(t.Data.TenantId!.Value.ToString());

        Assert.That(created.Value.Data.Name, Is.EqualTo("sdk-site"));
        Assert.That(read.Data.ResourceType.ToString(), Is.EqualTo("Microsoft.Web/sites"));
        Assert.That(read.Data.Tags["via"], Is.EqualTo("GenericResource"));
        Assert.That(read.Data.Properties.ToString(), Does.Contain("\"httpsOnly\":true"));
        Assert.That(emulator.Requests.Any(r => r.Uri.AbsolutePath.EndsWith("/providers/Microsoft.Web", StringComparison.Ordinal)), Is.True, "the SDK looked up the provider's api-versions");
        Assert.That(tenants, Is.EqualTo(new[] { TutorialDefaults.TenantId }));
    }

    [Test]
    public async Task ArmClient_waits_out_ARM_throttling_using_Retry_After_and_succeeds()
    {
        // One read in the bucket, refilled at 1 per second (real clock): the second read is throttled with Retry-After: 1.
        using var emulator = AzureEmulator.Create(b => b.EnableArmThrottling(new GeneratedArm.TestServer.Arm.ThrottlingLimits(1, 1, 10, 10, 10, 10)));
        var arm = AdminClient(emulator);

        await Subscription(arm).GetResourceGroupAsync("DevTest");
        ResourceGroupResource second = await Subscription(arm).GetResourceGroupAsync("DevTest");

        Assert.That(second.Data.Name, Is.EqualTo("DevTest"));
        var throttled = emulator.Requests.Where(r => r.StatusCode == 429).ToList();
        Assert.That(throttled, Has.Count.GreaterThanOrEqualTo(1), "the SDK saw a 429 and retried");
    }

    [Test]
    public void ArmClient_surfaces_a_denial_as_RequestFailedException_with_ErrorCode_AuthorizationFailed()
    {
        var (emulator, arm) = VmClient();
        using var _ = emulator;

        var e = Assert.ThrowsAsync<RequestFailedException>(() =>
            Subscription(arm).GetResourceGroups().CreateOrUpdateAsync(WaitUntil.Completed, "NotAllowed", new ResourceGroupData(AzureLocation.WestUS)));

        Assert.That(e!.Status, Is.EqualTo(403));
        Assert.That(e.ErrorCode, Is.EqualTo("AuthorizationFailed"));
        Assert.That(e.Message, Does.Contain("does not have authorization to perform action 'Microsoft.Resources/subscriptions/resourcegroups/write'"));
    }

    [Test]
    public void ArmClient_surfaces_a_missing_group_as_404_ResourceGroupNotFound()
    {
        using var emulator = AzureEmulator.Create();
        var arm = AdminClient(emulator);

        var e = Assert.ThrowsAsync<RequestFailedException>(() => Subscription(arm).GetResourceGroupAsync("Missing"));

        Assert.That(e!.Status, Is.EqualTo(404));
        Assert.That(e.ErrorCode, Is.EqualTo("ResourceGroupNotFound"));
    }
}
