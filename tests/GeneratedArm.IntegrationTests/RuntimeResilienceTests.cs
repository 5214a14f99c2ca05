using GeneratedArm.Identity;
using GeneratedArm.IntegrationTests.Models;
using GeneratedArm.TestServer;
using GeneratedArm.TestServer.Faults;
using Microsoft.Extensions.Time.Testing;

namespace GeneratedArm.IntegrationTests;

/// <summary>
/// The runtime's retry and error handling against the emulator's fault rules for IMDS's and ARM's real failure
/// modes (how-to-use-vm-token.md "Error handling"/"Retry guidance"; ARM request-limits-and-throttling.md).
/// Emulator and runtime share one fake clock, so a 70-second outage costs milliseconds.
/// </summary>
public sealed class RuntimeResilienceTests
{
    private const string ArmResource = "https://management.azure.com/";
    private static readonly string DevTestPath = $"/subscriptions/{TutorialDefaults.SubscriptionId}/resourceGroups/{TutorialDefaults.ResourceGroupName}";

    private static ManagedIdentityCredential Credential(AzureEmulator emulator, FakeTimeProvider clock, ManagedIdentityId? identity = null) =>
        new(new ManagedIdentityCredentialOptions
        {
            Endpoint = new Uri("http://169.254.169.254"),
            Transport = emulator.CreateHandler(),
            TimeProvider = clock,
            Identity = identity ?? ManagedIdentityId.SystemAssigned,
        });

    private static int ImdsTokenCalls(AzureEmulator emulator) =>
        emulator.Requests.Count(r => r.Uri.AbsolutePath.StartsWith("/metadata/identity/oauth2/token", StringComparison.Ordinal));

    [Test]
    public async Task Token_arrives_after_IMDS_answers_410_while_updating_for_70_seconds()
    {
        var clock = FakeClock.Create();
        await using var emulator = AzureEmulator.Create(b => b.UseTimeProvider(clock).WithFault(FaultRules.ImdsUpdating(TimeSpan.FromSeconds(70))));
        using var credential = Credential(emulator, clock);
        var start = clock.GetUtcNow();

        var task = credential.GetTokenAsync(ArmResource).AsTask();
        await FakeClock.DriveAsync(task, clock, TimeSpan.FromSeconds(1), TimeSpan.FromMinutes(3));

        var token = await task;
        Assert.Multiple(() =>
        {
            Assert.That(token.Token.Split('.'), Has.Length.EqualTo(3));
            Assert.That(clock.GetUtcNow() - start, Is.GreaterThanOrEqualTo(TimeSpan.FromSeconds(70)));
            Assert.That(ImdsTokenCalls(emulator), Is.GreaterThan(1));
        });
    }

    [Test]
    public async Task IMDS_429_with_Retry_After_is_waited_out_then_the_token_arrives()
    {
        var clock = FakeClock.Create();
        await using var emulator = AzureEmulator.Create(b => b.UseTimeProvider(clock).WithFault(FaultRules.ImdsThrottled(2, TimeSpan.FromSeconds(5))));
        using var credential = Credential(emulator, clock);
        var start = clock.GetUtcNow();

        var task = credential.GetTokenAsync(ArmResource).AsTask();
        await FakeClock.DriveAsync(task, clock, TimeSpan.FromSeconds(1), TimeSpan.FromMinutes(2));

        await task;
        Assert.Multiple(() =>
        {
            Assert.That(ImdsTokenCalls(emulator), Is.EqualTo(3));
            Assert.That(clock.GetUtcNow() - start, Is.GreaterThanOrEqualTo(TimeSpan.FromSeconds(10)), "two Retry-After: 5 waits");
        });
    }

    [Test]
    public async Task A_burst_of_IMDS_500s_is_retried_through()
    {
        var clock = FakeClock.Create();
        await using var emulator = AzureEmulator.Create(b => b.UseTimeProvider(clock).WithFault(new FaultRule
        {
            Name = "imds-500-burst",
            Target = FaultTarget.ImdsToken,
            Effect = FaultEffect.Status(500, """{"error":"unknown","error_description":"Failed to retrieve token from the Active directory"}"""),
            Trigger = FaultTrigger.FirstN(3),
        }));
        using var credential = Credential(emulator, clock);

        var task = credential.GetTokenAsync(ArmResource).AsTask();
        await FakeClock.DriveAsync(task, clock, TimeSpan.FromSeconds(1), TimeSpan.FromMinutes(2));

        await task;
        Assert.That(ImdsTokenCalls(emulator), Is.EqualTo(4));
    }

    [Test]
    public async Task Unknown_user_assigned_identity_fails_with_IMDS_error_and_a_plain_hint()
    {
        var clock = FakeClock.Create();
        await using var emulator = AzureEmulator.Create(b => b.UseTimeProvider(clock));
        using var credential = Credential(emulator, clock, ManagedIdentityId.FromClientId("11111111-2222-3333-4444-555555555555"));

        var task = credential.GetTokenAsync(ArmResource).AsTask();
        await FakeClock.DriveAsync(task, clock, TimeSpan.FromSeconds(1), TimeSpan.FromMinutes(2));

        var failure = Assert.ThrowsAsync<ManagedIdentityException>(() => task);
        Assert.Multiple(() =>
        {
            Assert.That(failure!.Status, Is.EqualTo(400));
            Assert.That(failure.Error, Is.EqualTo("invalid_request"));
            Assert.That(failure.ErrorDescription, Is.EqualTo("Identity not found"));
            Assert.That(failure.Hint, Does.Contain("client id").IgnoreCase);
        });
    }

    [Test]
    public async Task ARM_429_with_Retry_After_is_honoured_and_the_GET_succeeds()
    {
        var clock = FakeClock.Create();
        await using var emulator = AzureEmulator.Create(b => b.UseTimeProvider(clock).WithFault(FaultRules.ArmThrottled(1, TimeSpan.FromSeconds(4), "GET")));
        var handler = emulator.CreateHandler();
        using var credential = Credential(emulator, clock);
        using var arm = new ArmClient(credential, new ArmClientOptions { Transport = handler, TimeProvider = clock });
        var start = clock.GetUtcNow();

        var task = arm.GetAsync<ResourceGroup>(DevTestPath, "2016-06-01");
        await FakeClock.DriveAsync(task, clock, TimeSpan.FromSeconds(1), TimeSpan.FromMinutes(1));

        var group = await task;
        Assert.Multiple(() =>
        {
            Assert.That(group.Name, Is.EqualTo("DevTest"));
            Assert.That(clock.GetUtcNow() - start, Is.GreaterThanOrEqualTo(TimeSpan.FromSeconds(4)));
        });
    }

    [Test]
    public async Task Token_never_appears_in_the_exception_when_ARM_refuses_the_call()
    {
        await using var emulator = AzureEmulator.Create();
        var handler = emulator.CreateHandler();
        using var credential = new ManagedIdentityCredential(new ManagedIdentityCredentialOptions { Transport = handler, Endpoint = new Uri("http://169.254.169.254") });
        var token = await credential.GetTokenAsync(ArmResource);
        using var arm = new ArmClient(credential, new ArmClientOptions { Transport = handler });

        var failure = Assert.ThrowsAsync<ArmRequestException>(() => arm.GetAsync<ResourceGroup>($"/subscriptions/{TutorialDefaults.SubscriptionId}/resourceGroups/Other", "2016-06-01"));

        Assert.Multiple(() =>
        {
            Assert.That(failure!.ToString(), Does.Not.Contain(token.Token));
            Assert.That(token.ToString(), Does.Not.Contain(token.Token));
        });
    }
}
