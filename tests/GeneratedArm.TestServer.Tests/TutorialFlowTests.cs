using System.Net;
using System.Text.Json;
using GeneratedArm.TestServer.State;

namespace GeneratedArm.TestServer.Tests;

/// <summary>The tutorial's two requests against the in-process emulator, and the refusals of issue 2.</summary>
public class TutorialFlowTests
{
    [Test]
    public async Task Token_request_without_Metadata_header_is_rejected_with_400_and_IMDS_body()
    {
        using var emulator = AzureEmulator.Create();
        using var client = emulator.CreateClient();

        using var response = await client.SendAsync(TestHelpers.ImdsRequest(metadata: false));

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest));
        Assert.That(await response.Content.ReadAsStringAsync(),
            Is.EqualTo("""{"error":"invalid_request","error_description":"Required metadata header not specified"}"""));
        Assert.That(response.Content.Headers.ContentType!.ToString(), Is.EqualTo("application/json; charset=utf-8"));
    }

    [Test]
    public async Task Token_request_returns_every_field_as_a_string_with_a_signed_v1_token()
    {
        using var emulator = AzureEmulator.Create();
        using var client = emulator.CreateClient();

        using var response = await client.SendAsync(TestHelpers.ImdsRequest());
        var body = await TestHelpers.JsonAsync(response);

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        string[] fields = ["access_token", "refresh_token", "client_id", "expires_in", "expires_on", "ext_expires_in", "not_before", "resource", "token_type"];
        Assert.That(body.EnumerateObject().Select(p => p.Name), Is.EqualTo(fields));
        Assert.That(body.EnumerateObject().All(p => p.Value.ValueKind == JsonValueKind.String), Is.True);
        Assert.That(body.GetProperty("refresh_token").GetString(), Is.Empty);
        Assert.That(body.GetProperty("token_type").GetString(), Is.EqualTo("Bearer"));
        Assert.That(body.GetProperty("resource").GetString(), Is.EqualTo("https://management.azure.com/"));
        Assert.That(body.GetProperty("client_id").GetString(), Is.EqualTo(TutorialDefaults.SystemAssignedClientId));
        Assert.That(long.Parse(body.GetProperty("expires_in").GetString()!, System.Globalization.CultureInfo.InvariantCulture), Is.InRange(86_000, 86_400));

        var jwt = new Microsoft.IdentityModel.JsonWebTokens.JsonWebToken(body.GetProperty("access_token").GetString());
        Assert.Multiple(() =>
        {
            Assert.That(jwt.Alg, Is.EqualTo("RS256"));
            Assert.That(jwt.Typ, Is.EqualTo("JWT"));
            Assert.That(jwt.GetClaim("aud").Value, Is.EqualTo("https://management.azure.com/"));
            Assert.That(jwt.Issuer, Is.EqualTo($"https://sts.windows.net/{TutorialDefaults.TenantId}/"));
            Assert.That(jwt.GetClaim("idp").Value, Is.EqualTo(jwt.Issuer));
            Assert.That(jwt.GetClaim("oid").Value, Is.EqualTo(TutorialDefaults.SystemAssignedPrincipalId));
            Assert.That(jwt.Subject, Is.EqualTo(TutorialDefaults.SystemAssignedPrincipalId));
            Assert.That(jwt.GetClaim("appid").Value, Is.EqualTo(TutorialDefaults.SystemAssignedClientId));
            Assert.That(jwt.GetClaim("appidacr").Value, Is.EqualTo("2"));
            Assert.That(jwt.GetClaim("idtyp").Value, Is.EqualTo("app"));
            Assert.That(jwt.GetClaim("tid").Value, Is.EqualTo(TutorialDefaults.TenantId));
            Assert.That(jwt.GetClaim("ver").Value, Is.EqualTo("1.0"));
            Assert.That(jwt.GetClaim("uti").Value, Is.Not.Empty);
            Assert.That(jwt.GetClaim("xms_mirid").Value, Is.EqualTo(
                $"/subscriptions/{TutorialDefaults.SubscriptionId}/resourcegroups/DevTest/providers/Microsoft.Compute/virtualMachines/{TutorialDefaults.VirtualMachineName}"));
            Assert.That(body.GetProperty("expires_on").GetString(), Is.EqualTo(jwt.GetClaim("exp").Value));
            Assert.That(body.GetProperty("not_before").GetString(), Is.EqualTo(jwt.GetClaim("nbf").Value));
        });
    }

    [Test]
    public async Task Arm_request_without_token_is_rejected_with_401_AuthenticationFailed_and_a_challenge()
    {
        using var emulator = AzureEmulator.Create();
        using var client = emulator.CreateClient();

        using var response = await client.SendAsync(TestHelpers.ArmGet(TestHelpers.DevTestUrl, token: null));
        var body = await TestHelpers.JsonAsync(response);

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized));
        Assert.That(body.GetProperty("error").GetProperty("code").GetString(), Is.EqualTo("AuthenticationFailed"));
        Assert.That(body.GetProperty("error").GetProperty("message").GetString(), Is.EqualTo("Authentication failed. The 'Authorization' header is missing."));
        Assert.That(response.Headers.WwwAuthenticate.ToString(), Is.EqualTo(
            $"Bearer authorization_uri=\"https://login.windows.net/{TutorialDefaults.TenantId}\", error=\"invalid_token\", error_description=\"The authentication failed because of missing 'Authorization' header.\""));
        Assert.That(response.Headers.Contains("x-ms-request-id"), Is.True);
    }

    [Test]
    public async Task Arm_request_with_a_token_whose_principal_has_no_role_on_the_scope_is_rejected_with_403_AuthorizationFailed()
    {
        const string ClientId = "11111111-2222-4333-8444-555555555555";
        const string PrincipalId = "66666666-7777-4888-9999-000000000000";
        using var emulator = AzureEmulator.Create(b => b.AddUserAssignedIdentity("noRoles", clientId: ClientId, principalId: PrincipalId));
        using var client = emulator.CreateClient();
        string token = await TestHelpers.GetTokenAsync(client, "&client_id=" + ClientId);

        using var response = await client.SendAsync(TestHelpers.ArmGet(TestHelpers.DevTestUrl, token));
        var body = await TestHelpers.JsonAsync(response);

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Forbidden));
        Assert.That(body.GetProperty("error").GetProperty("code").GetString(), Is.EqualTo("AuthorizationFailed"));
        Assert.That(body.GetProperty("error").GetProperty("message").GetString(), Is.EqualTo(
            $"The client '{ClientId}' with object id '{PrincipalId}' does not have authorization to perform action 'Microsoft.Resources/subscriptions/resourcegroups/read' over scope '/subscriptions/{TutorialDefaults.SubscriptionId}/resourcegroups/DevTest' or the scope is invalid. If access was recently granted, please refresh your credentials."));
        Assert.That(response.Headers.GetValues("x-ms-failure-cause").Single(), Is.EqualTo("gateway"));
    }

    [Test]
    public async Task Tutorial_happy_path_returns_DevTest_from_state()
    {
        using var emulator = AzureEmulator.Create();
        using var client = emulator.CreateClient();
        string token = await TestHelpers.GetTokenAsync(client);

        using var response = await client.SendAsync(TestHelpers.ArmGet(TestHelpers.DevTestUrl, token));

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That(await response.Content.ReadAsStringAsync(), Is.EqualTo(
            """{"id":"/subscriptions/98f51385-2edc-4b79-bed9-7718de4cb861/resourceGroups/DevTest","name":"DevTest","type":"Microsoft.Resources/resourceGroups","location":"westus","properties":{"provisioningState":"Succeeded"}}"""));
        Assert.That(response.Headers.Contains("x-ms-request-id"), Is.True);
        Assert.That(response.Headers.Contains("x-ms-correlation-request-id"), Is.True);
    }

    [Test]
    public async Task Arm_answers_from_state_and_matches_path_segments_case_insensitively()
    {
        using var emulator = AzureEmulator.Create(b => b.AddResourceGroup("Other", "eastus"));
        emulator.State.AddRoleAssignment(new RoleAssignmentInfo(Guid.NewGuid().ToString(), "/subscriptions/" + TutorialDefaults.SubscriptionId,
            Rbac.BuiltInRoles.ReaderId, TutorialDefaults.SystemAssignedPrincipalId));
        using var client = emulator.CreateClient();
        string token = await TestHelpers.GetTokenAsync(client);

        using var response = await client.SendAsync(TestHelpers.ArmGet(
            $"https://management.azure.com/SUBSCRIPTIONS/{TutorialDefaults.SubscriptionId}/resourcegroups/other?api-version=2022-09-01", token));
        var body = await TestHelpers.JsonAsync(response);

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That(body.GetProperty("name").GetString(), Is.EqualTo("Other"));
        Assert.That(body.GetProperty("location").GetString(), Is.EqualTo("eastus"));
    }

    [Test]
    public async Task Arm_answers_404_ResourceGroupNotFound_when_the_caller_may_read_but_the_group_is_missing()
    {
        using var emulator = AzureEmulator.Create(b => b.AddRoleAssignment(TutorialDefaults.SystemAssignedPrincipalId, Rbac.BuiltInRoles.ReaderId,
            "/subscriptions/" + TutorialDefaults.SubscriptionId));
        using var client = emulator.CreateClient();
        string token = await TestHelpers.GetTokenAsync(client);

        using var response = await client.SendAsync(TestHelpers.ArmGet(
            $"https://management.azure.com/subscriptions/{TutorialDefaults.SubscriptionId}/resourceGroups/Missing?api-version=2016-06-01", token));

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.NotFound));
        Assert.That(await response.Content.ReadAsStringAsync(),
            Is.EqualTo("""{"error":{"code":"ResourceGroupNotFound","message":"Resource group 'Missing' could not be found."}}"""));
    }
}
