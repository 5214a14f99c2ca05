using Azure.Core.Pipeline;
using Azure.ResourceManager.Resources;
using GeneratedArm;
using GeneratedArm.Azure;
using GeneratedArm.TestServer;
using NUnit.Framework;
using AzureArmClient = Azure.ResourceManager.ArmClient;
using AzureArmClientOptions = Azure.ResourceManager.ArmClientOptions;
using AzureArmEnvironment = Azure.ResourceManager.ArmEnvironment;
using AzureIdentity = Azure.Identity;
using GeneratedArmIdentity = GeneratedArm.Identity;

namespace Contoso.Arm.Tests;

/// <summary>The tutorial's DevTest, read by a consumer that has only the packages.</summary>
public class DevTestTests
{
    /// <summary>A fresh user-assigned identity with Reader on DevTest (MSAL caches managed-identity tokens process-wide per identity).</summary>
    private static (AzureEmulator Emulator, string ClientId) EmulatorWithReader()
    {
        string clientId = Guid.NewGuid().ToString(), principalId = Guid.NewGuid().ToString();
        var emulator = AzureEmulator.Create(b => b
            .AddUserAssignedIdentity("contoso", clientId, principalId)
            .AddRoleAssignment(principalId, GeneratedArm.TestServer.Rbac.BuiltInRoles.ReaderId, TutorialDefaults.ResourceGroupId));
        return (emulator, clientId);
    }

    [Test]
    public async Task Generated_model_reads_DevTest_through_the_packaged_in_process_emulator()
    {
        await using var emulator = AzureEmulator.Create();
        var handler = emulator.CreateHandler();
        using var credential = new GeneratedArmIdentity.ManagedIdentityCredential(new() { Transport = handler });
        using var arm = new ArmClient(credential, new ArmClientOptions { Transport = handler });

        ResourceGroup group = await ResourceGroupReader.GetAsync(arm, TutorialDefaults.SubscriptionId, "DevTest");

        Assert.That(group.Name, Is.EqualTo("DevTest"));
        Assert.That(group.Location, Is.EqualTo("westus"));
        Assert.That(group.Properties?.ProvisioningState, Is.EqualTo("Succeeded"));
    }

    [Test]
    public async Task Azure_Identity_credential_drives_GeneratedArm_ArmClient()
    {
        var (emulator, clientId) = EmulatorWithReader();
        await using (emulator)
        {
            var azureCredential = new AzureIdentity.ManagedIdentityCredential(new AzureIdentity.ManagedIdentityCredentialOptions(AzureIdentity.ManagedIdentityId.FromUserAssignedClientId(clientId))
            {
                Transport = new HttpClientTransport(emulator.CreateHandler()),
            });
            using var arm = new ArmClient(azureCredential.AsGeneratedArmCredential(), new ArmClientOptions { Transport = emulator.CreateHandler() });

            ResourceGroup group = await ResourceGroupReader.GetAsync(arm, TutorialDefaults.SubscriptionId, "DevTest");

            Assert.That(group.Name, Is.EqualTo("DevTest"));
        }
    }

    [Test]
    public async Task GeneratedArm_credential_serves_Azure_ResourceManager_ArmClient()
    {
        var (emulator, clientId) = EmulatorWithReader();
        await using (emulator)
        {
            using var credential = new GeneratedArmIdentity.ManagedIdentityCredential(new()
            {
                Identity = GeneratedArmIdentity.ManagedIdentityId.FromClientId(clientId),
                Transport = emulator.CreateHandler(),
            });
            var options = new AzureArmClientOptions
            {
                Environment = new AzureArmEnvironment(new Uri("https://management.azure.com"), "https://management.azure.com/"),
                Transport = new HttpClientTransport(emulator.CreateHandler()),
            };
            var arm = new AzureArmClient(credential.AsAzureCoreCredential(), TutorialDefaults.SubscriptionId, options);

            ResourceGroupResource group = await arm.GetSubscriptionResource(SubscriptionResource.CreateResourceIdentifier(TutorialDefaults.SubscriptionId))
                .GetResourceGroupAsync("DevTest");

            Assert.That(group.Data.Name, Is.EqualTo("DevTest"));
        }
    }
}
