using System.Net;
using Azure.Core;
using Azure.Core.Pipeline;
using Azure.ResourceManager;
using Azure.ResourceManager.Resources;
using GeneratedArm.Azure;
using GeneratedArm.TestServer;
using AzureArmClient = Azure.ResourceManager.ArmClient;
using AzureArmClientOptions = Azure.ResourceManager.ArmClientOptions;
using AzureIdentity = Azure.Identity;

namespace GeneratedArm.Azure.Tests;

/// <summary>Real Azure SDK clients and GeneratedArm, mixed both ways, against the in-process emulator.</summary>
public class AzureSdkInteropTests
{
    private static readonly string DevTestPath = $"/subscriptions/{TutorialDefaults.SubscriptionId}/resourceGroups/{TutorialDefaults.ResourceGroupName}";

    /// <summary>
    /// The emulator with a fresh user-assigned identity holding Reader on DevTest: MSAL caches managed-identity tokens
    /// process-wide per identity, so a fresh one keeps this test's tokens coming from this test's emulator.
    /// </summary>
    private static (AzureEmulator Emulator, string ClientId, string PrincipalId) EmulatorWithReader()
    {
        string clientId = Guid.NewGuid().ToString(), principalId = Guid.NewGuid().ToString();
        var emulator = AzureEmulator.Create(b => b
            .AddUserAssignedIdentity("app", clientId, principalId)
            .AddRoleAssignment(principalId, GeneratedArm.TestServer.Rbac.BuiltInRoles.ReaderId, TutorialDefaults.ResourceGroupId));
        return (emulator, clientId, principalId);
    }

    /// <summary>Azure.ResourceManager pointed at the emulator: public-cloud ARM address, emulator transport, no retries to wait out.</summary>
    private static AzureArmClientOptions ResourceManagerOptions(AzureEmulator emulator)
    {
        var options = new AzureArmClientOptions
        {
            Environment = new ArmEnvironment(new Uri("https://management.azure.com"), "https://management.azure.com/"),
            Transport = new HttpClientTransport(emulator.CreateHandler()),
        };
        options.Retry.MaxRetries = 0;
        return options;
    }

    private static GeneratedArm.Identity.ManagedIdentityCredential GeneratedArmCredential(AzureEmulator emulator, string clientId) =>
        new(new GeneratedArm.Identity.ManagedIdentityCredentialOptions
        {
            Identity = GeneratedArm.Identity.ManagedIdentityId.FromClientId(clientId),
            Transport = emulator.CreateHandler(),
        });

    [Test]
    public async Task Azure_Identity_ManagedIdentityCredential_drives_GeneratedArm_ArmClient_to_read_DevTest()
    {
        var (emulator, clientId, _) = EmulatorWithReader();
        using (emulator)
        {
            var azureCredential = new AzureIdentity.ManagedIdentityCredential(new AzureIdentity.ManagedIdentityCredentialOptions(AzureIdentity.ManagedIdentityId.FromUserAssignedClientId(clientId))
            {
                Transport = new HttpClientTransport(emulator.CreateHandler()),
            });
            using var arm = new GeneratedArm.ArmClient(azureCredential.AsGeneratedArmCredential(), new GeneratedArm.ArmClientOptions { Transport = emulator.CreateHandler() });

            var first = await arm.SendAsync(HttpMethod.Get, DevTestPath, "2021-04-01");
            var second = await arm.SendAsync(HttpMethod.Get, DevTestPath, "2021-04-01");

            Assert.That(first.Status, Is.EqualTo(200), first.ContentAsString());
            Assert.That(first.ContentAsString(), Does.Contain("\"name\":\"DevTest\""));
            Assert.That(second.Status, Is.EqualTo(200));
            Assert.That(emulator.Requests.Count(r => r.Uri.AbsolutePath == "/metadata/identity/oauth2/token"), Is.EqualTo(1), "the second call reuses the cached token");
        }
    }

    [Test]
    public async Task GeneratedArm_ManagedIdentityCredential_serves_Azure_ResourceManager_ArmClient_reading_DevTest()
    {
        var (emulator, clientId, _) = EmulatorWithReader();
        using (emulator)
        {
            using var credential = GeneratedArmCredential(emulator, clientId);
            var arm = new AzureArmClient(credential.AsAzureCoreCredential(), TutorialDefaults.SubscriptionId, ResourceManagerOptions(emulator));

            ResourceGroupResource group = await arm.GetSubscriptionResource(SubscriptionResource.CreateResourceIdentifier(TutorialDefaults.SubscriptionId))
                .GetResourceGroupAsync(TutorialDefaults.ResourceGroupName);

            Assert.That(group.Data.Name, Is.EqualTo("DevTest"));
            var tokenRequest = emulator.Requests.First(r => r.Uri.AbsolutePath == "/metadata/identity/oauth2/token");
            Assert.That(tokenRequest.Uri.Query, Does.Contain($"client_id={clientId}"));
        }
    }

    [Test]
    public async Task An_identity_without_a_role_gets_ARMs_403_through_either_client()
    {
        string clientId = Guid.NewGuid().ToString();
        using var emulator = AzureEmulator.Create(b => b.AddUserAssignedIdentity("norole", clientId, Guid.NewGuid().ToString()));
        using var credential = GeneratedArmCredential(emulator, clientId);
        var arm = new AzureArmClient(credential.AsAzureCoreCredential(), TutorialDefaults.SubscriptionId, ResourceManagerOptions(emulator));

        var failure = Assert.ThrowsAsync<global::Azure.RequestFailedException>(async () =>
            await arm.GetSubscriptionResource(SubscriptionResource.CreateResourceIdentifier(TutorialDefaults.SubscriptionId)).GetResourceGroupAsync(TutorialDefaults.ResourceGroupName));

        Assert.That(failure!.Status, Is.EqualTo((int)HttpStatusCode.Forbidden));
        Assert.That(failure.ErrorCode, Is.EqualTo("AuthorizationFailed"));
    }
}
