using GeneratedArm.Identity;
using GeneratedArm.TestServer;
#if SHARED_SPECS
using GeneratedArm.IntegrationTests.Msi;
using MsiIdentity = GeneratedArm.IntegrationTests.Msi.Identity;
#endif

namespace GeneratedArm.IntegrationTests;

/// <summary>
/// Full circle: the generator and the emulator read the same Microsoft.ManagedIdentity 2024-11-30 spec (../shared/specs). The
/// client generated from it (and, separately, its models through untyped <see cref="ArmClient"/> calls) drive the in-process
/// emulator serving that spec, with the VM's managed identity from the emulator's IMDS. Skipped without the corpus.
/// </summary>
public class ProviderSpecFullCircleTests
{
    private const string Version = "2024-11-30";
    private const string Identities = $"/subscriptions/{TutorialDefaults.SubscriptionId}/resourceGroups/{TutorialDefaults.ResourceGroupName}/providers/Microsoft.ManagedIdentity/userAssignedIdentities";

    private static string SpecPath()
    {
        string? root = AppContext.BaseDirectory;
        while (root is not null && !File.Exists(Path.Combine(root, "GeneratedArm.sln"))) root = Path.GetDirectoryName(root);
        return Path.GetFullPath(Path.Combine(root ?? "/", "..", "shared", "specs", "azure-rest-api-specs", "specification", "msi", "resource-manager",
            "Microsoft.ManagedIdentity", "stable", Version, "ManagedIdentity.json"));
    }

#if SHARED_SPECS
    [Test]
    public async Task Generated_models_round_trip_through_ArmClient_and_the_emulator_that_learned_the_same_spec()
    {
        await using var emulator = AzureEmulator.Create(b => b.AddResourceProviderSpecs(SpecPath())
            .AddRoleAssignment(TutorialDefaults.SystemAssignedPrincipalId, TestServer.Rbac.BuiltInRoles.ContributorId, TutorialDefaults.ResourceGroupId));
        var handler = emulator.CreateHandler();
        using var credential = new ManagedIdentityCredential(new ManagedIdentityCredentialOptions { Endpoint = new Uri("http://169.254.169.254"), Transport = handler });
        using var arm = new ArmClient(credential, new ArmClientOptions { Endpoint = new Uri("https://management.azure.com"), Transport = handler });

        var created = await arm.PutAsync<MsiIdentity, MsiIdentity>($"{Identities}/circle", Version,
            new MsiIdentity { Location = "West US", Tags = new Dictionary<string, string> { ["from"] = "generated" } });
        var patched = await arm.PatchAsync<IdentityUpdate, MsiIdentity>($"{Identities}/circle", Version,
            new IdentityUpdate { Tags = new Dictionary<string, string> { ["from"] = "generated", ["step"] = "2" } });
        var credentialResource = await arm.PutAsync<FederatedIdentityCredential, FederatedIdentityCredential>($"{Identities}/circle/federatedIdentityCredentials/gh", Version,
            new FederatedIdentityCredential
            {
                Properties = new FederatedIdentityCredentialProperties
                {
                    Issuer = new Uri("https://token.actions.githubusercontent.com"),
                    Subject = "repo:contoso/app:ref:refs/heads/main",
                    Audiences = ["api://AzureADTokenExchange"],
                },
            });
        var read = await arm.GetAsync<MsiIdentity>($"{Identities}/circle", Version);
        var listed = new List<FederatedIdentityCredential>();
        await foreach (var item in arm.ListAsync<FederatedIdentityCredential>($"{Identities}/circle/federatedIdentityCredentials", Version)) listed.Add(item);
        var invalid = Assert.ThrowsAsync<ArmRequestException>(() => arm.PutAsync<FederatedIdentityCredential, FederatedIdentityCredential>(
            $"{Identities}/circle/federatedIdentityCredentials/bad", Version, new FederatedIdentityCredential { Properties = new FederatedIdentityCredentialProperties { Subject = "s" } }));

        Assert.Multiple(() =>
        {
            Assert.That(created.Id, Is.EqualTo($"{Identities}/circle"));
            Assert.That(created.Location, Is.EqualTo("westus"));
            Assert.That(created.Properties?.TenantId, Is.EqualTo(Guid.Parse(TutorialDefaults.TenantId)));
            Assert.That(created.Properties?.PrincipalId, Is.Not.Null.And.Not.EqualTo(Guid.Empty));
            Assert.That(created.SystemData?.CreatedAt, Is.Not.Null);
            Assert.That(created.SystemData?.CreatedByType?.ToString(), Is.EqualTo("ManagedIdentity"));
            Assert.That(patched.Tags, Does.ContainKey("step"));
            Assert.That(patched.Properties?.ClientId, Is.EqualTo(created.Properties?.ClientId));
            Assert.That(read.Properties?.PrincipalId, Is.EqualTo(created.Properties?.PrincipalId));
            Assert.That(credentialResource.Properties?.Issuer, Is.EqualTo(new Uri("https://token.actions.githubusercontent.com")));
            Assert.That(listed.Select(c => c.Name), Is.EqualTo(new[] { "gh" }));
            Assert.That(listed[0].Properties?.Audiences, Is.EqualTo(new[] { "api://AzureADTokenExchange" }));
            Assert.That(invalid!.Status, Is.EqualTo(400));
            Assert.That(invalid.Error?.Code, Is.EqualTo("InvalidRequestContent"));
            Assert.That(invalid.Error?.Target, Is.EqualTo("properties.audiences"));
        });
    }
    [Test]
    public async Task Generated_ManagedServiceIdentityClient_drives_the_emulator_that_learned_the_same_spec()
    {
        await using var emulator = AzureEmulator.Create(b => b.AddResourceProviderSpecs(SpecPath())
            .AddRoleAssignment(TutorialDefaults.SystemAssignedPrincipalId, TestServer.Rbac.BuiltInRoles.ContributorId, TutorialDefaults.ResourceGroupId));
        var handler = emulator.CreateHandler();
        using var credential = new ManagedIdentityCredential(new ManagedIdentityCredentialOptions { Transport = handler });
        using var arm = new ArmClient(credential, new ArmClientOptions { Transport = handler });
        var msi = new ManagedServiceIdentityClient(arm, TutorialDefaults.SubscriptionId);
        string rg = TutorialDefaults.ResourceGroupName;

        ArmResponse<MsiIdentity> created = await msi.UserAssignedIdentities.CreateOrUpdateAsync(rg, "typed", new MsiIdentity { Location = "westus" });
        FederatedIdentityCredential federated = await msi.FederatedIdentityCredentials.CreateOrUpdateAsync(rg, "typed", "gh", new FederatedIdentityCredential
        {
            Properties = new FederatedIdentityCredentialProperties
            {
                Issuer = new Uri("https://token.actions.githubusercontent.com"),
                Subject = "repo:contoso/app:environment:prod",
                Audiences = ["api://AzureADTokenExchange"],
            },
        });
        var names = new List<string?>();
        await foreach (MsiIdentity identity in msi.UserAssignedIdentities.ListByResourceGroupAsync(rg)) names.Add(identity.Name);
        var credentials = new List<string?>();
        await foreach (FederatedIdentityCredential item in msi.FederatedIdentityCredentials.ListAsync(rg, "typed")) credentials.Add(item.Name);
        ArmResponse deleted = await msi.UserAssignedIdentities.DeleteAsync(rg, "typed");
        var gone = Assert.ThrowsAsync<ArmRequestException>(() => msi.UserAssignedIdentities.GetAsync(rg, "typed"));

        Assert.Multiple(() =>
        {
            Assert.That(created.Status, Is.EqualTo(201));
            Assert.That(created.RequestId, Is.Not.Null.And.Not.Empty);
            Assert.That(created.Value.Properties?.PrincipalId, Is.Not.Null.And.Not.EqualTo(Guid.Empty));
            Assert.That(federated.Properties?.Subject, Is.EqualTo("repo:contoso/app:environment:prod"));
            Assert.That(names, Does.Contain("typed"));
            Assert.That(credentials, Is.EqualTo(new[] { "gh" }));
            Assert.That(deleted.Status, Is.EqualTo(200));
            Assert.That(gone!.Status, Is.EqualTo(404));
        });
    }
#else
    [Test]
    public void Generated_models_round_trip_through_ArmClient_and_the_emulator_that_learned_the_same_spec() =>
        Assert.Ignore($"The spec corpus is absent: expected {SpecPath()} (../shared/specs next to the repository) when building.");

    [Test]
    public void Generated_ManagedServiceIdentityClient_drives_the_emulator_that_learned_the_same_spec() =>
        Assert.Ignore($"The spec corpus is absent: expected {SpecPath()} (../shared/specs next to the repository) when building.");
#endif
}
