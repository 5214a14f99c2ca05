using System.Net;
using System.Text.Json;
using static GeneratedArm.TestServer.Tests.Arm.ArmTestKit;

namespace GeneratedArm.TestServer.Tests.Arm.Providers;

/// <summary>
/// The real Microsoft.ManagedIdentity specs (../shared/specs, 2023-01-31 and 2024-11-30): user-assigned identities and their nested
/// federated identity credentials, served from the spec alone. Skipped with the reason when the corpus is absent.
/// </summary>
public class ManagedIdentitySpecTests
{
    private const string Identities = $"/subscriptions/{Sub}/resourceGroups/DevTest/providers/Microsoft.ManagedIdentity/userAssignedIdentities";

    /// <summary>The spec of <paramref name="apiVersion"/> in ../shared/specs beside the repository; the test is skipped when it is absent.</summary>
    internal static string Spec(string apiVersion)
    {
        string? root = AppContext.BaseDirectory;
        while (root is not null && !File.Exists(Path.Combine(root, "GeneratedArm.sln"))) root = Path.GetDirectoryName(root);
        string path = Path.GetFullPath(Path.Combine(root ?? "/", "..", "shared", "specs", "azure-rest-api-specs", "specification", "msi", "resource-manager",
            "Microsoft.ManagedIdentity", "stable", apiVersion, "ManagedIdentity.json"));
        if (!File.Exists(path)) Assert.Ignore($"The spec corpus is absent: expected {path} (../shared/specs next to the repository).");
        return path;
    }

    private static string Identity(string name, string version, string? suffix = null) => $"{Identities}/{name}{suffix}?api-version={version}";

    [TestCase("2023-01-31")]
    [TestCase("2024-11-30")]
    public async Task Identity_create_read_update_delete_fills_and_keeps_the_server_ids(string version)
    {
        await using var emulator = AzureEmulator.Create(b => b.AddResourceProviderSpecs(Spec(version)));
        using var client = emulator.CreateClient();
        string admin = emulator.CreateAdministratorToken();

        using var created = await SendAsync(client, HttpMethod.Put, Identity("app", version), admin,
            """{"location":"West US","tags":{"env":"test"},"properties":{"principalId":"00000000-0000-0000-0000-000000000000"}}""");
        var first = await JsonAsync(created);
        using var replaced = await SendAsync(client, HttpMethod.Put, Identity("app", version), admin, """{"location":"westus"}""");
        var second = await JsonAsync(replaced);
        using var patched = await SendAsync(client, HttpMethod.Patch, Identity("app", version), admin, """{"tags":{"team":"x"}}""");
        var third = await JsonAsync(patched);
        using var read = await SendAsync(client, HttpMethod.Get, Identity("APP", version), admin);
        using var deleted = await SendAsync(client, HttpMethod.Delete, Identity("app", version), admin);
        using var deletedAgain = await SendAsync(client, HttpMethod.Delete, Identity("app", version), admin);
        using var gone = await SendAsync(client, HttpMethod.Get, Identity("app", version), admin);

        var properties = first.GetProperty("properties");
        Assert.That(created.StatusCode, Is.EqualTo(HttpStatusCode.Created));
        Assert.That(first.GetProperty("id").GetString(), Is.EqualTo(Identities + "/app"));
        Assert.That(first.GetProperty("type").GetString(), Is.EqualTo("Microsoft.ManagedIdentity/userAssignedIdentities"));
        Assert.That(first.GetProperty("location").GetString(), Is.EqualTo("westus"));
        Assert.That(properties.GetProperty("tenantId").GetString(), Is.EqualTo(TutorialDefaults.TenantId));
        Assert.That(properties.GetProperty("principalId").GetString(), Is.Not.EqualTo("00000000-0000-0000-0000-000000000000"), "read-only: the client's value is ignored");
        Assert.That(Guid.TryParse(properties.GetProperty("clientId").GetString(), out _), Is.True);
        Assert.That(first.GetProperty("systemData").GetProperty("createdAt").GetString(), Is.Not.Empty);
        Assert.That(replaced.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That(second.GetProperty("properties").GetProperty("principalId").GetString(), Is.EqualTo(properties.GetProperty("principalId").GetString()), "generated once and kept");
        Assert.That(second.TryGetProperty("tags", out _), Is.False, "PUT replaces");
        Assert.That(patched.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That(third.GetProperty("tags").GetProperty("team").GetString(), Is.EqualTo("x"));
        Assert.That(third.GetProperty("properties").GetProperty("clientId").GetString(), Is.EqualTo(properties.GetProperty("clientId").GetString()));
        Assert.That(third.GetProperty("systemData").GetProperty("createdAt").GetString(), Is.EqualTo(first.GetProperty("systemData").GetProperty("createdAt").GetString()));
        Assert.That(read.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That(deleted.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That(deletedAgain.StatusCode, Is.EqualTo(HttpStatusCode.NoContent));
        Assert.That(gone.StatusCode, Is.EqualTo(HttpStatusCode.NotFound));
    }

    [TestCase("2023-01-31", """{"properties":{"subject":"s","audiences":["api://AzureADTokenExchange"]}}""", "properties.issuer")]
    [TestCase("2024-11-30", """{"properties":{"issuer":"not a uri","subject":"s","audiences":["a"]}}""", "properties.issuer")]
    [TestCase("2024-11-30", """{"properties":{"issuer":"https://token.actions.githubusercontent.com","subject":"s","audiences":"a"}}""", "properties.audiences")]
    [TestCase("2024-11-30", """{"properties":{"issuer":"https://token.actions.githubusercontent.com","subject":7,"audiences":["a"]}}""", "properties.subject")]
    public async Task Invalid_federated_credential_is_400_InvalidRequestContent_with_the_property_as_target(string version, string body, string target)
    {
        await using var emulator = AzureEmulator.Create(b => b.AddResourceProviderSpecs(Spec(version)));
        using var client = emulator.CreateClient();
        string admin = emulator.CreateAdministratorToken();
        await SendAsync(client, HttpMethod.Put, Identity("app", version), admin, """{"location":"westus"}""");

        using var response = await SendAsync(client, HttpMethod.Put, Identity("app", version, "/federatedIdentityCredentials/gh"), admin, body);

        var error = (await JsonAsync(response)).GetProperty("error");
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest));
        Assert.That(error.GetProperty("code").GetString(), Is.EqualTo("InvalidRequestContent"));
        Assert.That(error.GetProperty("target").GetString(), Is.EqualTo(target));
    }

    [TestCase("2023-01-31")]
    [TestCase("2024-11-30")]
    public async Task Lists_by_group_by_subscription_and_children_follow_nextLink_pages(string version)
    {
        await using var emulator = AzureEmulator.Create(b => b.AddResourceProviderSpecs(Spec(version)).WithArmPageSize(2).AddResourceGroup("Other"));
        using var client = emulator.CreateClient();
        string admin = emulator.CreateAdministratorToken();
        foreach (string name in new[] { "a", "b", "c" }) await SendAsync(client, HttpMethod.Put, Identity(name, version), admin, """{"location":"westus"}""");
        await SendAsync(client, HttpMethod.Put, $"/subscriptions/{Sub}/resourceGroups/Other/providers/Microsoft.ManagedIdentity/userAssignedIdentities/d?api-version={version}", admin, """{"location":"westus"}""");
        foreach (string name in new[] { "f1", "f2", "f3" })
        {
            await SendAsync(client, HttpMethod.Put, Identity("a", version, "/federatedIdentityCredentials/" + name), admin,
                """{"properties":{"issuer":"https://issuer.example","subject":"s","audiences":["api://AzureADTokenExchange"]}}""");
        }

        var inGroup = await AllPagesAsync(client, $"{Identities}?api-version={version}", admin);
        var inSubscription = await AllPagesAsync(client, $"/subscriptions/{Sub}/providers/Microsoft.ManagedIdentity/userAssignedIdentities?api-version={version}", admin);
        var credentials = await AllPagesAsync(client, Identity("a", version, "/federatedIdentityCredentials"), admin);

        Assert.That(inGroup.Names, Is.EquivalentTo(new[] { "a", "b", "c" }));
        Assert.That(inGroup.Pages, Is.EqualTo(2));
        Assert.That(inSubscription.Names, Is.EquivalentTo(new[] { "a", "b", "c", "d" }));
        Assert.That(credentials.Names, Is.EquivalentTo(new[] { "f1", "f2", "f3" }));
        Assert.That(credentials.Pages, Is.EqualTo(2));
    }

    [Test]
    public async Task Writes_without_the_role_are_denied_with_the_provider_action()
    {
        await using var emulator = AzureEmulator.Create(b => b.AddResourceProviderSpecs(Spec("2024-11-30")));
        using var client = emulator.CreateClient();

        // The tutorial VM's identity holds Reader on DevTest.
        using var denied = await SendAsync(client, HttpMethod.Put, Identity("app", "2024-11-30"), VmToken(emulator), """{"location":"westus"}""");

        var (code, message) = await ErrorAsync(denied);
        Assert.That(denied.StatusCode, Is.EqualTo(HttpStatusCode.Forbidden));
        Assert.That(code, Is.EqualTo("AuthorizationFailed"));
        Assert.That(message, Does.Contain("'Microsoft.ManagedIdentity/userAssignedIdentities/write'"));
    }

    [Test]
    public async Task A_credential_of_a_missing_identity_is_404_ParentResourceNotFound()
    {
        await using var emulator = AzureEmulator.Create(b => b.AddResourceProviderSpecs(Spec("2024-11-30")));
        using var client = emulator.CreateClient();

        using var response = await SendAsync(client, HttpMethod.Put, Identity("missing", "2024-11-30", "/federatedIdentityCredentials/gh"), emulator.CreateAdministratorToken(),
            """{"properties":{"issuer":"https://issuer.example","subject":"s","audiences":["a"]}}""");

        var (code, message) = await ErrorAsync(response);
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.NotFound));
        Assert.That(code, Is.EqualTo("ParentResourceNotFound"));
        Assert.That(message, Does.Contain("Microsoft.ManagedIdentity/userAssignedIdentities/missing"));
    }

    [Test]
    public async Task Deleting_the_resource_group_deletes_identities_and_their_credentials()
    {
        await using var emulator = AzureEmulator.Create(b => b.AddResourceProviderSpecs(Spec("2024-11-30")).AddResourceGroup("Temp").WithResourceGroupDeletion(polls: 0));
        using var client = emulator.CreateClient();
        string admin = emulator.CreateAdministratorToken();
        string identity = $"/subscriptions/{Sub}/resourceGroups/Temp/providers/Microsoft.ManagedIdentity/userAssignedIdentities/app";
        await SendAsync(client, HttpMethod.Put, identity + "?api-version=2024-11-30", admin, """{"location":"westus"}""");
        await SendAsync(client, HttpMethod.Put, identity + "/federatedIdentityCredentials/gh?api-version=2024-11-30", admin,
            """{"properties":{"issuer":"https://issuer.example","subject":"s","audiences":["a"]}}""");
        Assert.That(emulator.State.Resources, Has.Count.EqualTo(2));

        using var delete = await SendAsync(client, HttpMethod.Delete, Rg("Temp"), admin);
        using var gone = await SendAsync(client, HttpMethod.Get, identity + "?api-version=2024-11-30", admin);

        Assert.That(delete.StatusCode, Is.EqualTo(HttpStatusCode.Accepted));
        Assert.That(emulator.State.Resources, Is.Empty);
        Assert.That(gone.StatusCode, Is.EqualTo(HttpStatusCode.NotFound));
    }

    [Test]
    public async Task Both_versions_loaded_accept_both_and_reject_others_with_the_supported_list()
    {
        var builder = new EmulatorBuilder().AddResourceProviderSpecs(Spec("2023-01-31"), Spec("2024-11-30"));
        await using var emulator = AzureEmulator.Create(b => b.AddResourceProviderSpecs(Spec("2023-01-31"), Spec("2024-11-30")));
        using var client = emulator.CreateClient();
        string admin = emulator.CreateAdministratorToken();

        using var older = await SendAsync(client, HttpMethod.Put, Identity("app", "2023-01-31"), admin, """{"location":"westus"}""");
        using var newer = await SendAsync(client, HttpMethod.Get, Identity("app", "2024-11-30"), admin);
        using var unknown = await SendAsync(client, HttpMethod.Get, Identity("app", "2018-11-30"), admin);

        Assert.That(older.StatusCode, Is.EqualTo(HttpStatusCode.Created));
        Assert.That(newer.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That((await ErrorAsync(unknown)).Code, Is.EqualTo("NoRegisteredProviderFound"));
        Assert.That((await ErrorAsync(unknown)).Message, Does.Contain("for type 'userAssignedIdentities'. The supported api-versions are '2023-01-31, 2024-11-30'."));
        // The extension-resource and tenant-level paths are reported once and keep their generic behaviour.
        Assert.That(builder.ResourceProviderSpecProblems, Has.Some.Contains("/{scope}/providers/Microsoft.ManagedIdentity/identities/default"));
    }

    [Test]
    public async Task Resources_survive_a_restart_with_a_data_directory_and_keep_their_ids()
    {
        string dir = Path.Combine(Path.GetTempPath(), "garm-spec-state-" + Guid.NewGuid().ToString("N"));
        try
        {
            string principalId;
            await using (var first = AzureEmulator.Create(b => b.AddResourceProviderSpecs(Spec("2024-11-30")).UseDataDirectory(dir)))
            {
                using var client = first.CreateClient();
                using var put = await SendAsync(client, HttpMethod.Put, Identity("durable", "2024-11-30"), first.CreateAdministratorToken(), """{"location":"westus"}""");
                principalId = (await JsonAsync(put)).GetProperty("properties").GetProperty("principalId").GetString()!;
            }
            await using var second = AzureEmulator.Create(b => b.AddResourceProviderSpecs(Spec("2024-11-30")).UseDataDirectory(dir));
            using var again = second.CreateClient();

            using var read = await SendAsync(again, HttpMethod.Get, Identity("durable", "2024-11-30"), second.CreateAdministratorToken());

            Assert.That(read.StatusCode, Is.EqualTo(HttpStatusCode.OK));
            Assert.That((await JsonAsync(read)).GetProperty("properties").GetProperty("principalId").GetString(), Is.EqualTo(principalId));
        }
        finally
        {
            // Absent when the test was skipped (no ../shared/specs) before the emulator created it.
            if (Directory.Exists(dir)) Directory.Delete(dir, recursive: true);
        }
    }

    [Test]
    public async Task An_identity_seeded_on_the_identity_side_reads_and_updates_with_its_own_ids_and_lists_once()
    {
        const string principalId = "5b1b0e54-7ab6-4a5f-8a3c-2a9f4c1e0d11";
        await using var emulator = AzureEmulator.Create(b => b.AddResourceProviderSpecs(Spec("2024-11-30")).AddUserAssignedIdentity("seeded", principalId: principalId));
        using var client = emulator.CreateClient();
        string admin = emulator.CreateAdministratorToken();

        using var patched = await SendAsync(client, HttpMethod.Patch, Identity("seeded", "2024-11-30"), admin, """{"tags":{"a":"b"}}""");
        var list = await AllPagesAsync(client, $"{Identities}?api-version=2024-11-30", admin);

        Assert.That(patched.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That((await JsonAsync(patched)).GetProperty("properties").GetProperty("principalId").GetString(), Is.EqualTo(principalId));
        Assert.That(list.Names, Is.EqualTo(new[] { "seeded" }));
    }

    private static async Task<(List<string> Names, int Pages)> AllPagesAsync(HttpClient client, string url, string token)
    {
        var names = new List<string>();
        int pages = 0;
        string? next = url;
        while (next is not null)
        {
            using var response = await SendAsync(client, HttpMethod.Get, next, token);
            Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK), await response.Content.ReadAsStringAsync());
            var page = await JsonAsync(response);
            pages++;
            names.AddRange(page.GetProperty("value").EnumerateArray().Select(v => v.GetProperty("name").GetString()!));
            next = page.TryGetProperty("nextLink", out var link) && link.ValueKind == JsonValueKind.String ? link.GetString() : null;
        }
        return (names, pages);
    }
}
