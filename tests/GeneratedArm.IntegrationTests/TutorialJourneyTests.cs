using System.Text.Json;
using GeneratedArm.Identity;
using GeneratedArm.IntegrationTests.Models;
using GeneratedArm.TestServer;

namespace GeneratedArm.IntegrationTests;

/// <summary>
/// The tutorial "Use a Windows VM system-assigned managed identity to access Resource Manager", end to end:
/// the real runtime, the generated model and the in-process emulator, with nothing stubbed between them.
/// </summary>
public sealed class TutorialJourneyTests
{
    private const string TutorialJson =
        """{"id":"/subscriptions/98f51385-2edc-4b79-bed9-7718de4cb861/resourceGroups/DevTest","name":"DevTest","location":"westus","properties":{"provisioningState":"Succeeded"}}""";

    private static readonly string DevTestPath = $"/subscriptions/{TutorialDefaults.SubscriptionId}/resourceGroups/{TutorialDefaults.ResourceGroupName}";

    [Test]
    public async Task Managed_identity_token_reads_DevTest_into_the_generated_model()
    {
        await using var journey = new Journey();

        ResourceGroup group = await journey.Arm.GetAsync<ResourceGroup>(DevTestPath, "2016-06-01");

        var expected = JsonSerializer.Deserialize<ResourceGroup>(TutorialJson)!;
        Assert.Multiple(() =>
        {
            Assert.That(group.Id, Is.EqualTo(expected.Id));
            Assert.That(group.Name, Is.EqualTo("DevTest"));
            Assert.That(group.Location, Is.EqualTo("westus"));
            Assert.That(group.Properties?.ProvisioningState, Is.EqualTo("Succeeded"));
        });
    }

    [Test]
    public async Task Token_comes_from_IMDS_as_the_tutorial_requests_it_and_is_sent_to_ARM_as_a_bearer()
    {
        await using var journey = new Journey();

        await journey.Arm.GetAsync<ResourceGroup>(DevTestPath, "2016-06-01");

        var imdsCall = journey.Emulator.Requests.Single(r => r.Uri.AbsolutePath.StartsWith("/metadata/identity/oauth2/token", StringComparison.Ordinal));
        var armCall = journey.Emulator.Requests.Single(r => r.Uri.AbsolutePath.Contains("/resourceGroups/", StringComparison.OrdinalIgnoreCase));
        Assert.Multiple(() =>
        {
            Assert.That(imdsCall.Uri.Host, Is.EqualTo("169.254.169.254"));
            Assert.That(imdsCall.Uri.Query, Does.Contain("api-version=2018-02-01"));
            Assert.That(Uri.UnescapeDataString(imdsCall.Uri.Query), Does.Contain("resource=https://management.azure.com/"));
            Assert.That(imdsCall.Headers["Metadata"], Is.EqualTo("true"));
            Assert.That(armCall.Uri.Scheme, Is.EqualTo("https"));
            Assert.That(armCall.Uri.Host, Is.EqualTo("management.azure.com"));
            Assert.That(armCall.Uri.Query, Does.Contain("api-version=2016-06-01"));
            Assert.That(armCall.Headers.ContainsKey("Authorization"), Is.True, "ARM call carries a bearer token");
        });
    }

    [Test]
    public async Task Reader_on_DevTest_does_not_reach_another_group_and_the_denial_says_why()
    {
        await using var journey = new Journey();

        var failure = Assert.ThrowsAsync<ArmRequestException>(() =>
            journey.Arm.GetAsync<ResourceGroup>($"/subscriptions/{TutorialDefaults.SubscriptionId}/resourceGroups/Production", "2016-06-01"));

        Assert.Multiple(() =>
        {
            Assert.That(failure!.Status, Is.EqualTo(403));
            Assert.That(failure.ErrorCode, Is.EqualTo("AuthorizationFailed"));
            Assert.That(failure.RequestId, Is.Not.Null.And.Not.Empty);
            Assert.That(failure.Message, Does.Contain("AuthorizationFailed"));
        });
    }

    /// <summary>The tutorial's cast: the emulator, and the runtime pointed at Azure's own addresses through it.</summary>
    private sealed class Journey : IAsyncDisposable
    {
        private readonly ManagedIdentityCredential _credential;

        public Journey()
        {
            Emulator = AzureEmulator.Create();
            var handler = Emulator.CreateHandler();
            _credential = new ManagedIdentityCredential(new ManagedIdentityCredentialOptions
            {
                Endpoint = new Uri("http://169.254.169.254"),
                Transport = handler,
            });
            Arm = new ArmClient(_credential, new ArmClientOptions { Endpoint = new Uri("https://management.azure.com"), Transport = handler });
        }

        public AzureEmulator Emulator { get; }

        public ArmClient Arm { get; }

        public async ValueTask DisposeAsync()
        {
            Arm.Dispose();
            _credential.Dispose();
            await Emulator.DisposeAsync();
        }
    }
}
