using System.Net;
using GeneratedArm.TestServer.Hosting;
using Microsoft.IdentityModel.JsonWebTokens;

namespace GeneratedArm.TestServer.Tests.DevMachine;

/// <summary>
/// The App Service / Functions / Container Apps protocol (learn.microsoft.com/azure/app-service/overview-managed-identity, "REST endpoint
/// reference"): <c>GET {IDENTITY_ENDPOINT}?resource=…&amp;api-version=2019-08-01</c> with <c>X-IDENTITY-HEADER: {IDENTITY_HEADER}</c>.
/// </summary>
public class AppServiceIdentityTests
{
    private const string Secret = "2f1b7c0e-app-service-secret";
    private const string TokenUrl = "http://127.0.0.1:41741/msi/token?resource=https://management.azure.com/&api-version=2019-08-01";

    private static HttpRequestMessage TokenRequest(string url = TokenUrl, string? header = Secret)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, url);
        if (header is not null) request.Headers.Add("X-IDENTITY-HEADER", header);
        return request;
    }

    [Test]
    public async Task Token_request_with_the_identity_header_gets_App_Services_documented_fields_with_POSIX_expires_on()
    {
        using var emulator = AzureEmulator.Create(b => b.WithAppServiceIdentityHeader(Secret));
        using var client = new HttpClient(emulator.CreateHandler());

        using var response = await client.SendAsync(TokenRequest());
        var body = await TestHelpers.JsonAsync(response);

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That(body.EnumerateObject().Select(p => p.Name), Is.EqualTo(new[] { "access_token", "expires_on", "resource", "token_type", "client_id", "not_before" }));
        Assert.That(body.GetProperty("resource").GetString(), Is.EqualTo("https://management.azure.com/"));
        Assert.That(body.GetProperty("token_type").GetString(), Is.EqualTo("Bearer"));
        Assert.That(body.GetProperty("client_id").GetString(), Is.EqualTo(TutorialDefaults.SystemAssignedClientId));
        var token = new JsonWebToken(body.GetProperty("access_token").GetString());
        Assert.That(body.GetProperty("expires_on").GetString(), Is.EqualTo(token.GetPayloadValue<long>("exp").ToString(System.Globalization.CultureInfo.InvariantCulture)));
        Assert.That(token.GetPayloadValue<string>("oid"), Is.EqualTo(TutorialDefaults.SystemAssignedPrincipalId));
    }

    [TestCase(null, TestName = "Token_request_without_X_IDENTITY_HEADER_is_refused_with_401_and_no_token")]
    [TestCase("wrong", TestName = "Token_request_with_a_wrong_X_IDENTITY_HEADER_is_refused_with_401_and_no_token")]
    [TestCase("", TestName = "Token_request_with_an_empty_X_IDENTITY_HEADER_is_refused_with_401_and_no_token")]
    public async Task Wrong_identity_header_is_refused(string? header)
    {
        using var emulator = AzureEmulator.Create(b => b.WithAppServiceIdentityHeader(Secret));
        using var client = new HttpClient(emulator.CreateHandler());

        using var response = await client.SendAsync(TokenRequest(header: header));
        var body = await TestHelpers.JsonAsync(response);

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized));
        Assert.That(body.TryGetProperty("access_token", out _), Is.False);
        Assert.That(body.GetProperty("statusCode").GetString(), Is.EqualTo("401"));
        Assert.That(body.GetProperty("message").GetString(), Does.Contain("X-IDENTITY-HEADER"));
        Assert.That(Guid.TryParse(body.GetProperty("correlationId").GetString(), out _), Is.True);
    }

    [TestCase("api-version=2017-09-01&resource=https://management.azure.com/", "api-version")]
    [TestCase("resource=https://management.azure.com/", "api-version")]
    [TestCase("api-version=2019-08-01&resource=", "resource")]
    public async Task Missing_or_older_api_versions_and_a_missing_resource_get_400(string query, string mentioned)
    {
        using var emulator = AzureEmulator.Create(b => b.WithAppServiceIdentityHeader(Secret));
        using var client = new HttpClient(emulator.CreateHandler());

        using var response = await client.SendAsync(TokenRequest($"http://127.0.0.1:41741/msi/token?{query}"));

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest));
        Assert.That((await TestHelpers.JsonAsync(response)).GetProperty("message").GetString(), Does.Contain(mentioned));
    }

    [TestCase("client_id", "11111111-0000-4000-8000-00000000c1d0")]
    [TestCase("principal_id", "22222222-0000-4000-8000-00000000b1d0")]
    [TestCase("object_id", "22222222-0000-4000-8000-00000000b1d0")]
    [TestCase("mi_res_id", "/subscriptions/98f51385-2edc-4b79-bed9-7718de4cb861/resourceGroups/DevTest/providers/Microsoft.ManagedIdentity/userAssignedIdentities/app")]
    public async Task A_user_assigned_identity_is_selected_by_each_documented_parameter(string parameter, string value)
    {
        using var emulator = AzureEmulator.Create(b => b.WithAppServiceIdentityHeader(Secret)
            .AddUserAssignedIdentity("app", clientId: "11111111-0000-4000-8000-00000000c1d0", principalId: "22222222-0000-4000-8000-00000000b1d0"));
        using var client = new HttpClient(emulator.CreateHandler());

        using var response = await client.SendAsync(TokenRequest($"{TokenUrl}&{parameter}={Uri.EscapeDataString(value)}"));
        var body = await TestHelpers.JsonAsync(response);

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That(body.GetProperty("client_id").GetString(), Is.EqualTo("11111111-0000-4000-8000-00000000c1d0"));
    }

    [Test]
    public async Task Two_identity_selectors_and_no_system_assigned_identity_get_400()
    {
        using var emulator = AzureEmulator.Create(b => b.WithAppServiceIdentityHeader(Secret).AddUserAssignedIdentity("app").WithoutSystemAssignedIdentity());
        using var client = new HttpClient(emulator.CreateHandler());

        using var both = await client.SendAsync(TokenRequest($"{TokenUrl}&client_id=a&principal_id=b"));
        // App Service falls back to the system-assigned identity only, not to a single user-assigned one as IMDS does.
        using var none = await client.SendAsync(TokenRequest());

        Assert.That(both.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest));
        Assert.That(none.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest));
    }

    private static Dictionary<string, string?> AppServiceEnvironment(StandaloneEmulator emulator, string header) => new()
    {
        ["IDENTITY_ENDPOINT"] = emulator.IdentityEndpoint.ToString(),
        ["IDENTITY_HEADER"] = header,
    };

    [Test]
    public async Task Azure_Identity_ManagedIdentityCredential_uses_the_App_Service_source_from_IDENTITY_ENDPOINT_and_IDENTITY_HEADER()
    {
        await using var emulator = await StandaloneEmulator.StartAsync(new StandaloneOptions(), b => b.WithAppServiceIdentityHeader(Secret));

        var (exit, stdout, stderr) = await ChildProcess.RunAsync(AppServiceEnvironment(emulator, Secret), "mi-token");

        Assert.That(exit, Is.EqualTo(0), stderr + stdout);
        Assert.That(new JsonWebToken(stdout).GetPayloadValue<string>("oid"), Is.EqualTo(TutorialDefaults.SystemAssignedPrincipalId));
        var request = emulator.Requests.Single();
        Assert.That(request.Uri.AbsolutePath, Is.EqualTo("/msi/token"));
        Assert.That(request.Uri.Query, Does.Contain("api-version=2019-08-01"));
        Assert.That(request.StatusCode, Is.EqualTo(200));
    }

    [Test]
    public async Task DefaultAzureCredential_gets_a_token_from_the_App_Service_source_without_other_settings()
    {
        await using var emulator = await StandaloneEmulator.StartAsync(new StandaloneOptions(), b => b.WithAppServiceIdentityHeader(Secret));
        var environment = AppServiceEnvironment(emulator, Secret);
        // Keeps developer credentials (Azure CLI, Visual Studio…) on this machine out of the chain; "prod" still includes managed identity.
        environment["AZURE_TOKEN_CREDENTIALS"] = "prod";

        var (exit, stdout, stderr) = await ChildProcess.RunAsync(environment, "dac-token");

        Assert.That(exit, Is.EqualTo(0), stderr + stdout);
        Assert.That(emulator.Requests.Select(r => r.Uri.AbsolutePath), Is.All.EqualTo("/msi/token"));
    }

    [Test]
    public async Task Azure_Identity_with_a_wrong_IDENTITY_HEADER_gets_no_token_and_the_emulators_message()
    {
        await using var emulator = await StandaloneEmulator.StartAsync(new StandaloneOptions(), b => b.WithAppServiceIdentityHeader(Secret));

        var (exit, stdout, stderr) = await ChildProcess.RunAsync(AppServiceEnvironment(emulator, "not-the-secret"), "mi-token");

        Assert.That(exit, Is.EqualTo(4), stderr + stdout);
        Assert.That(stdout, Does.StartWith("AuthenticationFailed:").And.Contain("X-IDENTITY-HEADER"));
        Assert.That(emulator.Requests.Where(r => r.Uri.AbsolutePath == "/msi/token").Select(r => r.StatusCode), Is.Not.Empty.And.All.EqualTo(401));
    }
}
