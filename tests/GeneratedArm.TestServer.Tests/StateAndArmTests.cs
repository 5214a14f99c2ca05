using System.Net;
using Azure.Core;
using Azure.Core.Pipeline;
using Azure.Identity;
using Azure.ResourceManager;
using Azure.ResourceManager.Resources;
using GeneratedArm.TestServer.Hosting;
using GeneratedArm.TestServer.Rbac;
using GeneratedArm.TestServer.State;
using Microsoft.Extensions.Time.Testing;
using Microsoft.IdentityModel.JsonWebTokens;

namespace GeneratedArm.TestServer.Tests;

public class StateAndArmTests
{
    private const string StateFileJson = """
        {
          // Comments are allowed.
          "tokenLifetime": "01:00:00",
          "clockSkew": "00:02:00",
          "tenants": [ { "tenantId": "22222222-0000-4000-8000-000000000000" } ],
          "subscriptions": [ { "subscriptionId": "33333333-0000-4000-8000-000000000000", "tenantId": "22222222-0000-4000-8000-000000000000" } ],
          "resourceGroups": [ { "name": "Prod", "location": "northeurope", "subscriptionId": "33333333-0000-4000-8000-000000000000" } ],
          "userAssignedIdentities": [ { "name": "app-identity", "clientId": "44444444-0000-4000-8000-000000000000", "principalId": "55555555-0000-4000-8000-000000000000" } ],
          "virtualMachines": [ { "name": "otherVM", "principalId": "66666666-0000-4000-8000-000000000000", "clientId": "77777777-0000-4000-8000-000000000000" } ],
          "roleAssignments": [ { "principalId": "55555555-0000-4000-8000-000000000000", "roleDefinitionId": "acdd72a7-3385-48ef-bd42-f606fba81ae7", "scope": "/subscriptions/98f51385-2edc-4b79-bed9-7718de4cb861" } ],
          "faults": [ { "name": "jwks-down", "target": "Entra", "effect": { "kind": "Status", "statusCode": 503 }, "trigger": { "kind": "EveryNth", "count": 2 } } ]
        }
        """;

    [Test]
    public async Task State_file_adds_tenants_identities_vms_role_assignments_faults_and_token_settings_to_the_tutorial()
    {
        string path = Path.Combine(TestContext.CurrentContext.WorkDirectory, $"state-{Guid.NewGuid():N}.json");
        await File.WriteAllTextAsync(path, StateFileJson);
        var clock = new FakeTimeProvider(DateTimeOffset.Parse("2026-03-01T00:00:00Z", System.Globalization.CultureInfo.InvariantCulture));
        try
        {
            using var emulator = AzureEmulator.Create(b => b.UseTimeProvider(clock).LoadStateFile(path));
            using var client = emulator.CreateClient();

            var jwt = new JsonWebToken(await TestHelpers.GetTokenAsync(client, "&client_id=44444444-0000-4000-8000-000000000000"));
            using var devTest = await client.SendAsync(TestHelpers.ArmGet(TestHelpers.DevTestUrl, jwt.EncodedToken));

            Assert.That(emulator.State.IsKnownTenant("22222222-0000-4000-8000-000000000000"), Is.True);
            Assert.That(emulator.State.FindResourceGroup("33333333-0000-4000-8000-000000000000", "prod")!.Location, Is.EqualTo("northeurope"));
            Assert.That(emulator.State.FindResourceGroup(TutorialDefaults.SubscriptionId, "DevTest"), Is.Not.Null, "the tutorial's state is kept");
            Assert.That(emulator.State.VirtualMachines.Select(v => v.Name), Is.EqualTo(new[] { "myVM", "otherVM" }));
            Assert.That(jwt.GetClaim("oid").Value, Is.EqualTo("55555555-0000-4000-8000-000000000000"));
            Assert.That(jwt.IssuedAt, Is.EqualTo(clock.GetUtcNow().AddMinutes(2).UtcDateTime));
            Assert.That(jwt.ValidTo - jwt.IssuedAt, Is.EqualTo(TimeSpan.FromHours(1)));
            Assert.That(devTest.StatusCode, Is.EqualTo(HttpStatusCode.OK), "Reader on the subscription covers DevTest");
            Assert.That(emulator.Faults.Single().Name, Is.EqualTo("jwks-down"));
            Assert.That(emulator.Faults.Single().Trigger.Kind, Is.EqualTo(Faults.FaultTriggerKind.EveryNth));
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Test]
    public void State_file_with_an_unknown_property_is_rejected_with_its_path()
    {
        string path = Path.Combine(TestContext.CurrentContext.WorkDirectory, $"state-{Guid.NewGuid():N}.json");
        File.WriteAllText(path, """{ "identities": [] }""");
        try
        {
            Assert.That(() => StateFile.Load(path), Throws.InstanceOf<InvalidDataException>().With.Message.Contains(path));
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Test]
    public void State_snapshot_round_trips_through_JSON()
    {
        var snapshot = TutorialDefaults.CreateSnapshot();

        var copy = EmulatorJson.DeserializeSnapshot(EmulatorJson.SerializeSnapshot(snapshot));

        Assert.That(EmulatorJson.SerializeSnapshot(copy), Is.EqualTo(EmulatorJson.SerializeSnapshot(snapshot)));
        Assert.That(copy.VirtualMachines[0].SystemAssignedIdentity, Is.EqualTo(snapshot.VirtualMachines[0].SystemAssignedIdentity));
    }

    [Test]
    public async Task IMDS_can_answer_as_another_virtual_machine()
    {
        using var emulator = AzureEmulator.Create(b => b.AddVirtualMachine("vm2", principalId: "88888888-0000-4000-8000-000000000000"));
        using var client = emulator.CreateClient();

        emulator.State.UseVirtualMachineForImds("vm2");
        var jwt = new JsonWebToken(await TestHelpers.GetTokenAsync(client));

        Assert.That(jwt.GetClaim("oid").Value, Is.EqualTo("88888888-0000-4000-8000-000000000000"));
        Assert.That(jwt.GetClaim("xms_mirid").Value, Does.EndWith("/virtualMachines/vm2"));
    }

    [Test]
    public async Task Admin_api_refuses_non_loopback_callers()
    {
        using var emulator = AzureEmulator.Create();

        var context = await emulator.Server.SendAsync(c =>
        {
            c.Request.Method = "GET";
            c.Request.Path = "/_emulator/state";
            c.Connection.RemoteIpAddress = IPAddress.Parse("10.0.0.5");
        });

        Assert.That(context.Response.StatusCode, Is.EqualTo(403));
    }

    [Test]
    public async Task ArmClient_reads_DevTest_in_process_with_a_managed_identity_token()
    {
        // MSAL caches managed-identity tokens process-wide, and in-process emulators share one signing key: a fresh
        // identity makes sure this test's token really comes from this emulator's IMDS.
        string clientId = Guid.NewGuid().ToString(), principalId = Guid.NewGuid().ToString();
        using var emulator = AzureEmulator.Create(b => b
            .AddUserAssignedIdentity("reader-" + clientId[..8], clientId, principalId)
            .AddRoleAssignment(principalId, GeneratedArm.TestServer.Rbac.BuiltInRoles.ReaderId, TutorialDefaults.ResourceGroupId));
        var transport = new HttpClientTransport(emulator.CreateHandler());
        var credential = new ManagedIdentityCredential(new ManagedIdentityCredentialOptions(ManagedIdentityId.FromUserAssignedClientId(clientId)) { Transport = transport });
        var arm = new ArmClient(credential, TutorialDefaults.SubscriptionId, new ArmClientOptions { Transport = transport });

        var subscription = arm.GetSubscriptionResource(SubscriptionResource.CreateResourceIdentifier(TutorialDefaults.SubscriptionId));
        ResourceGroupResource group = await subscription.GetResourceGroupAsync(TutorialDefaults.ResourceGroupName);

        Assert.That(group.Data.Name, Is.EqualTo("DevTest"));
        Assert.That(group.Data.Location.Name, Is.EqualTo("westus"));
        // The .NET SDK asks for "https://management.azure.com//.default", so IMDS gets the resource with its trailing slash.
        Assert.That(emulator.Requests.Any(r => r.Uri.Query.Contains("resource=https://management.azure.com/", StringComparison.Ordinal)), Is.True);
        Assert.That(emulator.Requests[^1].Uri.AbsolutePath, Is.EqualTo($"/subscriptions/{TutorialDefaults.SubscriptionId}/resourcegroups/DevTest"), "real SDKs send lower-case resourcegroups");
    }

    [Test]
    public async Task ArmClient_surfaces_a_denial_as_RequestFailedException_AuthorizationFailed()
    {
        using var emulator = AzureEmulator.Create(b => b.AddResourceGroup("Other"));
        var transport = new HttpClientTransport(emulator.CreateHandler());
        var credential = new ManagedIdentityCredential(new ManagedIdentityCredentialOptions(ManagedIdentityId.SystemAssigned) { Transport = transport });
        var options = new ArmClientOptions { Transport = transport };
        options.Retry.MaxRetries = 0;
        var arm = new ArmClient(credential, TutorialDefaults.SubscriptionId, options);
        var subscription = arm.GetSubscriptionResource(SubscriptionResource.CreateResourceIdentifier(TutorialDefaults.SubscriptionId));

        var e = Assert.ThrowsAsync<Azure.RequestFailedException>(async () => await subscription.GetResourceGroupAsync("Other"));

        Assert.That(e!.Status, Is.EqualTo(403));
        Assert.That(e.ErrorCode, Is.EqualTo("AuthorizationFailed"));
    }

    private static async Task<(HttpStatusCode Status, string Code, string? Challenge)> ArmWithTokenAsync(AzureEmulator emulator, string token, string url = TestHelpers.DevTestUrl)
    {
        using var client = emulator.CreateClient();
        using var response = await client.SendAsync(TestHelpers.ArmGet(url, token));
        string body = await response.Content.ReadAsStringAsync();
        string code = body.Length > 0 && System.Text.Json.JsonDocument.Parse(body).RootElement.TryGetProperty("error", out var error)
            ? error.GetProperty("code").GetString()!
            : "";
        return (response.StatusCode, code, response.Headers.WwwAuthenticate.ToString());
    }

    [Test]
    public async Task Arm_rejects_an_expired_token_with_ExpiredAuthenticationToken()
    {
        using var emulator = AzureEmulator.Create();
        string token = emulator.CreateAccessToken(emulator.DefaultIdentity, issuedAt: DateTimeOffset.UtcNow.AddHours(-2), lifetime: TimeSpan.FromHours(1));

        var (status, code, challenge) = await ArmWithTokenAsync(emulator, token);

        Assert.That(status, Is.EqualTo(HttpStatusCode.Unauthorized));
        Assert.That(code, Is.EqualTo("ExpiredAuthenticationToken"));
        Assert.That(challenge, Does.Contain("error=\"invalid_token\""));
    }

    [Test]
    public async Task Arm_rejects_a_token_for_another_audience_with_InvalidAuthenticationTokenAudience()
    {
        using var emulator = AzureEmulator.Create();
        var (status, code, _) = await ArmWithTokenAsync(emulator, emulator.CreateAccessToken(emulator.DefaultIdentity, "https://vault.azure.net"));

        Assert.That(status, Is.EqualTo(HttpStatusCode.Unauthorized));
        Assert.That(code, Is.EqualTo("InvalidAuthenticationTokenAudience"));
    }

    [TestCase("https://management.core.windows.net/")]
    [TestCase("https://management.core.windows.net")]
    [TestCase("https://management.azure.com")]
    public async Task Arm_accepts_each_of_its_audiences(string audience)
    {
        using var emulator = AzureEmulator.Create();
        var (status, _, _) = await ArmWithTokenAsync(emulator, emulator.CreateAccessToken(emulator.DefaultIdentity, audience));
        Assert.That(status, Is.EqualTo(HttpStatusCode.OK));
    }

    [Test]
    public async Task Arm_rejects_tampered_foreign_and_malformed_tokens_with_InvalidAuthenticationToken()
    {
        using var emulator = AzureEmulator.Create();
        string good = emulator.CreateAccessToken(emulator.DefaultIdentity);
        string[] parts = good.Split('.');
        string tampered = parts[0] + "." + parts[1][..^2] + "AA." + parts[2];
        string foreign = emulator.CreateAccessToken(emulator.DefaultIdentity, signingKey: Identity.SigningKey.Generate());

        foreach (string token in new[] { tampered, foreign, "not-a-jwt" })
        {
            var (status, code, _) = await ArmWithTokenAsync(emulator, token);
            Assert.That(status, Is.EqualTo(HttpStatusCode.Unauthorized), token);
            Assert.That(code, Is.EqualTo("InvalidAuthenticationToken"), token);
        }
    }

    [Test]
    public async Task Arm_rejects_a_token_from_another_tenant_than_the_subscriptions_with_InvalidAuthenticationTokenTenant()
    {
        const string OtherTenant = "99999999-0000-4000-8000-000000000000";
        using var emulator = AzureEmulator.Create(b => b.AddTenant(OtherTenant));
        var stranger = emulator.DefaultIdentity with { TenantId = OtherTenant };

        var (status, code, challenge) = await ArmWithTokenAsync(emulator, emulator.CreateAccessToken(stranger));

        Assert.That(status, Is.EqualTo(HttpStatusCode.Unauthorized));
        Assert.That(code, Is.EqualTo("InvalidAuthenticationTokenTenant"));
        Assert.That(challenge, Does.Contain($"authorization_uri=\"https://login.windows.net/{TutorialDefaults.TenantId}\""));
    }

    [Test]
    public async Task Arm_requires_api_version()
    {
        using var emulator = AzureEmulator.Create();
        var (status, code, _) = await ArmWithTokenAsync(emulator, emulator.CreateAccessToken(emulator.DefaultIdentity),
            TestHelpers.DevTestUrl.Split('?')[0]);

        Assert.That(status, Is.EqualTo(HttpStatusCode.BadRequest));
        Assert.That(code, Is.EqualTo("MissingApiVersionParameter"));
    }

    [Test]
    public async Task Arm_echoes_correlation_and_client_request_ids()
    {
        using var emulator = AzureEmulator.Create();
        using var client = emulator.CreateClient();
        using var request = TestHelpers.ArmGet(TestHelpers.DevTestUrl, emulator.CreateAccessToken(emulator.DefaultIdentity));
        request.Headers.Add("x-ms-correlation-request-id", "corr-1");
        request.Headers.Add("x-ms-client-request-id", "client-1");
        request.Headers.Add("x-ms-return-client-request-id", "true");

        using var response = await client.SendAsync(request);

        Assert.That(response.Headers.GetValues("x-ms-correlation-request-id").Single(), Is.EqualTo("corr-1"));
        Assert.That(response.Headers.GetValues("x-ms-client-request-id").Single(), Is.EqualTo("client-1"));
    }

    [TestCase("*/read", "Microsoft.Resources/subscriptions/resourceGroups/read", true)]
    [TestCase("*/read", "Microsoft.Resources/subscriptions/resourceGroups/write", false)]
    [TestCase("Microsoft.Authorization/*/Write", "microsoft.authorization/roleAssignments/write", true)]
    [TestCase("*", "Microsoft.Compute/virtualMachines/start/action", true)]
    public void Rbac_actions_match_with_wildcards_case_insensitively(string pattern, string action, bool expected) =>
        Assert.That(RbacEvaluator.ActionMatches(pattern, action), Is.EqualTo(expected));

    [TestCase("/", "/subscriptions/s/resourceGroups/g", true)]
    [TestCase("/subscriptions/s", "/subscriptions/S/resourcegroups/g", true)]
    [TestCase("/subscriptions/s/resourceGroups/g", "/subscriptions/s/resourceGroups/g2", false)]
    [TestCase("/subscriptions/s/resourceGroups/g", "/subscriptions/s", false)]
    public void Rbac_scopes_are_inherited_downwards_only(string assignmentScope, string scope, bool expected) =>
        Assert.That(RbacEvaluator.ScopeContains(assignmentScope, scope), Is.EqualTo(expected));

    [Test]
    public void Contributor_cannot_write_role_assignments_but_Owner_can()
    {
        var state = TutorialDefaults.CreateSnapshot() with
        {
            RoleAssignments =
            [
                new RoleAssignmentInfo("a", "/subscriptions/s", BuiltInRoles.ContributorId, "contributor"),
                new RoleAssignmentInfo("b", "/subscriptions/s", BuiltInRoles.OwnerId, "owner"),
            ],
        };
        using var emulator = AzureEmulator.Create(b => b.WithState(state));
        const string Action = "Microsoft.Authorization/roleAssignments/write";

        Assert.That(RbacEvaluator.IsAllowed(emulator.State, "contributor", Action, "/subscriptions/s/resourceGroups/g"), Is.False);
        Assert.That(RbacEvaluator.IsAllowed(emulator.State, "owner", Action, "/subscriptions/s/resourceGroups/g"), Is.True);
        Assert.That(RbacEvaluator.IsAllowed(emulator.State, "contributor", "Microsoft.Resources/subscriptions/resourceGroups/write", "/subscriptions/s/resourceGroups/g"), Is.True);
    }
}
