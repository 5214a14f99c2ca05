using System.Net;
using System.Text.Json;
using GeneratedArm.TestServer.Hosting;
using GeneratedArm.TestServer.Imds;
using GeneratedArm.TestServer.State;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.IdentityModel.JsonWebTokens;

namespace GeneratedArm.TestServer.Tests;

/// <summary>IMDS's rules (instance-metadata-service.md; how-to-use-vm-token.md; facts file §1).</summary>
public class ImdsTests
{
    private const string Base = "http://169.254.169.254/metadata/identity/oauth2/token";

    private static async Task<(HttpStatusCode Status, string Body, HttpResponseMessage Response)> SendAsync(AzureEmulator emulator, HttpRequestMessage request)
    {
        using var client = emulator.CreateClient();
        var response = await client.SendAsync(request);
        return (response.StatusCode, await response.Content.ReadAsStringAsync(), response);
    }

    private static string IdentityError(string description) => $$"""{"error":"invalid_request","error_description":"{{description}}"}""";

    /// <summary>Real IMDS's throttling answer, verbatim from hashicorp/terraform-provider-azurerm#20901 (see <see cref="ImdsRules.WriteThrottledAsync"/>).</summary>
    private const string ThrottledBody = """{"error":"invalid_request","error_description":"Temporarily throttled, too many requests"}""";

    private static string ErrorCode(string body) => JsonDocument.Parse(body).RootElement.GetProperty("error").GetString()!;

    [TestCase("True")]
    [TestCase("TRUE")]
    [TestCase("1")]
    [TestCase("")]
    public async Task Metadata_header_must_be_exactly_lower_case_true(string value)
    {
        using var emulator = AzureEmulator.Create();
        var request = TestHelpers.ImdsRequest(metadata: false);
        request.Headers.TryAddWithoutValidation("Metadata", value);

        var (status, body, _) = await SendAsync(emulator, request);

        Assert.That(status, Is.EqualTo(HttpStatusCode.BadRequest));
        Assert.That(body, Is.EqualTo(IdentityError("Required metadata header not specified")));
    }

    // "Rejected by the service" is all instance-metadata-service.md says; no captured IMDS answer was found, so only the
    // emulator's guess (400 invalid_request, unverified) is pinned here — not its wording.
    [Test]
    public async Task Request_with_X_Forwarded_For_is_rejected()
    {
        using var emulator = AzureEmulator.Create();
        var request = TestHelpers.ImdsRequest();
        request.Headers.Add("X-Forwarded-For", "10.1.2.3");

        var (status, body, _) = await SendAsync(emulator, request);

        Assert.That(status, Is.EqualTo(HttpStatusCode.BadRequest));
        Assert.That(ErrorCode(body), Is.EqualTo("invalid_request"));
    }

    // "Requests with duplicate query parameter names will be rejected" (instance-metadata-service.md); status and body unverified.
    [Test]
    public async Task Duplicate_query_parameters_are_rejected()
    {
        using var emulator = AzureEmulator.Create();
        var (status, body, _) = await SendAsync(emulator, TestHelpers.ImdsRequest(TestHelpers.ImdsTokenUrl + "&resource=https://vault.azure.net"));
        Assert.That(status, Is.EqualTo(HttpStatusCode.BadRequest));
        Assert.That(ErrorCode(body), Is.EqualTo("invalid_request"));
    }

    // imds.json: client_id, object_id and msi_res_id are "Mutually exclusive"; IMDS's answer is unverified (no captured response found).
    [TestCase("&client_id=c1c1c1c1-0000-4000-8000-000000000001&object_id=0b0b0b0b-0000-4000-8000-000000000001")]
    [TestCase("&client_id=c1c1c1c1-0000-4000-8000-000000000001&msi_res_id=/subscriptions/x")]
    [TestCase("&object_id=0b0b0b0b-0000-4000-8000-000000000001&mi_res_id=/subscriptions/x")]
    public async Task Several_identity_selectors_are_rejected(string selectors)
    {
        using var emulator = AzureEmulator.Create(b => b.AddUserAssignedIdentity("uami1", clientId: "c1c1c1c1-0000-4000-8000-000000000001", principalId: "0b0b0b0b-0000-4000-8000-000000000001"));
        var (status, body, _) = await SendAsync(emulator, TestHelpers.ImdsRequest(TestHelpers.ImdsTokenUrl + selectors));

        Assert.That(status, Is.EqualTo(HttpStatusCode.BadRequest));
        Assert.That(ErrorCode(body), Is.EqualTo("invalid_request"));
    }

    // 405 is documented (instance-metadata-service.md "Errors and debugging"); the body and the Allow header are unverified.
    [Test]
    public async Task Other_methods_get_405_with_Allow_GET()
    {
        using var emulator = AzureEmulator.Create();
        var request = new HttpRequestMessage(HttpMethod.Post, TestHelpers.ImdsTokenUrl);
        request.Headers.Add("Metadata", "true");

        var (status, _, response) = await SendAsync(emulator, request);

        Assert.That(status, Is.EqualTo(HttpStatusCode.MethodNotAllowed));
        Assert.That(response.Content.Headers.Allow, Is.EquivalentTo(new[] { "GET" }));
    }

    // Body verbatim from instance-metadata-service.md "Versioning" (the three newest of its "Supported API versions"); that the
    // identity endpoint answers like /metadata/instance, and 2017-12-01 (older than the identity category) too, is inferred.
    [TestCase("")]
    [TestCase("api-version=&")]
    [TestCase("api-version=2017-12-01&")]
    [TestCase("api-version=2099-01-01&")]
    public async Task Missing_or_unsupported_api_version_gets_400_with_the_newest_versions(string apiVersion)
    {
        using var emulator = AzureEmulator.Create();
        var (status, body, _) = await SendAsync(emulator, TestHelpers.ImdsRequest($"{Base}?{apiVersion}resource=https://management.azure.com/"));

        Assert.That(status, Is.EqualTo(HttpStatusCode.BadRequest));
        Assert.That(body, Is.EqualTo(
            """{"error":"Bad request. api-version is invalid or was not specified in the request. For more information refer to aka.ms/azureimds","newest-versions":["2025-04-07","2024-07-17","2024-03-15"]}"""));
    }

    // Verbatim IMDS answer quoted in Azure/aad-pod-identity PR #450 ("Response status: 400 Bad Request").
    [Test]
    public async Task Missing_resource_gets_400_with_IMDS_message()
    {
        using var emulator = AzureEmulator.Create();
        var (status, body, _) = await SendAsync(emulator, TestHelpers.ImdsRequest($"{Base}?api-version=2018-02-01"));

        Assert.That(status, Is.EqualTo(HttpStatusCode.BadRequest));
        Assert.That(body, Is.EqualTo(IdentityError("Required query variable 'resource' is missing")));
    }

    [Test]
    public async Task Responses_carry_IMDS_headers()
    {
        using var emulator = AzureEmulator.Create();
        var (_, _, ok) = await SendAsync(emulator, TestHelpers.ImdsRequest());
        var (_, _, error) = await SendAsync(emulator, TestHelpers.ImdsRequest(metadata: false));

        foreach (var response in new[] { ok, error })
        {
            Assert.That(response.Content.Headers.ContentType!.ToString(), Is.EqualTo("application/json; charset=utf-8"));
            Assert.That(response.Headers.GetValues("Server").Single(), Does.StartWith("IMDS/"));
            Assert.That(Guid.TryParse(response.Headers.GetValues("x-ms-request-id").Single(), out _), Is.True);
        }
    }

    [Test]
    public async Task Identity_is_selected_by_client_id_object_id_or_msi_res_id()
    {
        using var emulator = AzureEmulator.Create(b => b.AddUserAssignedIdentity("uami1", clientId: "c1c1c1c1-0000-4000-8000-000000000001", principalId: "0b0b0b0b-0000-4000-8000-000000000001"));
        var uami = emulator.State.UserAssignedIdentities.Single();
        using var client = emulator.CreateClient();

        foreach (string selector in new[] { "&client_id=" + uami.ClientId, "&object_id=" + uami.PrincipalId, "&msi_res_id=" + Uri.EscapeDataString(uami.ResourceId), "&mi_res_id=" + uami.ResourceId })
        {
            var jwt = new JsonWebToken(await TestHelpers.GetTokenAsync(client, selector));
            Assert.That(jwt.GetClaim("oid").Value, Is.EqualTo(uami.PrincipalId), selector);
            Assert.That(jwt.GetClaim("appid").Value, Is.EqualTo(uami.ClientId), selector);
            Assert.That(jwt.GetClaim("xms_mirid").Value, Is.EqualTo(uami.ResourceId.Replace("resourceGroups", "resourcegroups", StringComparison.Ordinal)));
        }
        // No selector: the system-assigned identity.
        var system = new JsonWebToken(await TestHelpers.GetTokenAsync(client));
        Assert.That(system.GetClaim("oid").Value, Is.EqualTo(TutorialDefaults.SystemAssignedPrincipalId));
    }

    [Test]
    public async Task Unknown_identity_gets_400_Identity_not_found()
    {
        using var emulator = AzureEmulator.Create();
        var (status, body, _) = await SendAsync(emulator, TestHelpers.ImdsRequest(TestHelpers.ImdsTokenUrl + "&client_id=" + Guid.NewGuid()));

        Assert.That(status, Is.EqualTo(HttpStatusCode.BadRequest));
        Assert.That(body, Is.EqualTo(IdentityError("Identity not found")));
    }

    [Test]
    public async Task Without_system_assigned_identity_the_only_user_assigned_one_is_used()
    {
        using var emulator = AzureEmulator.Create(b => b.WithoutSystemAssignedIdentity().AddUserAssignedIdentity("only", principalId: "0b0b0b0b-0000-4000-8000-000000000002"));
        using var client = emulator.CreateClient();

        var jwt = new JsonWebToken(await TestHelpers.GetTokenAsync(client));

        Assert.That(jwt.GetClaim("oid").Value, Is.EqualTo("0b0b0b0b-0000-4000-8000-000000000002"));
    }

    [Test]
    public async Task Without_system_assigned_identity_and_several_user_assigned_ones_a_selector_is_required()
    {
        using var emulator = AzureEmulator.Create(b => b.WithoutSystemAssignedIdentity().AddUserAssignedIdentity("a").AddUserAssignedIdentity("b"));
        var (status, body, _) = await SendAsync(emulator, TestHelpers.ImdsRequest());

        Assert.That(status, Is.EqualTo(HttpStatusCode.BadRequest));
        Assert.That(body, Is.EqualTo(IdentityError("Multiple user assigned identities exist, please specify the clientId / resourceId of the identity in the token request")));
    }

    [Test]
    public async Task JavaScript_SDK_spelling_with_trailing_slash_and_encoded_resource_works_and_aud_is_the_resource_as_sent()
    {
        using var emulator = AzureEmulator.Create();
        var (status, body, _) = await SendAsync(emulator,
            TestHelpers.ImdsRequest("http://169.254.169.254/metadata/identity/oauth2/token/?api-version=2018-02-01&resource=https%3A%2F%2Fmanagement.azure.com"));
        var json = JsonDocument.Parse(body).RootElement;

        Assert.That(status, Is.EqualTo(HttpStatusCode.OK));
        Assert.That(json.GetProperty("resource").GetString(), Is.EqualTo("https://management.azure.com"));
        Assert.That(new JsonWebToken(json.GetProperty("access_token").GetString()).GetClaim("aud").Value, Is.EqualTo("https://management.azure.com"));
    }

    [Test]
    public async Task Token_without_trailing_slash_audience_is_accepted_by_ARM()
    {
        using var emulator = AzureEmulator.Create();
        using var client = emulator.CreateClient();
        string token = await TestHelpers.GetTokenAsync(client);
        string noSlash = emulator.CreateAccessToken(emulator.DefaultIdentity, "https://management.azure.com");

        using var response = await client.SendAsync(TestHelpers.ArmGet(TestHelpers.DevTestUrl, noSlash));
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That(token, Is.Not.EqualTo(noSlash));
    }

    [Test]
    public async Task Repeated_requests_get_the_cached_token_with_decreasing_expires_in_until_near_expiry()
    {
        var clock = new Microsoft.Extensions.Time.Testing.FakeTimeProvider(DateTimeOffset.Parse("2026-01-01T00:00:00Z", System.Globalization.CultureInfo.InvariantCulture));
        using var emulator = AzureEmulator.Create(b => b.UseTimeProvider(clock));
        using var client = emulator.CreateClient();

        async Task<JsonElement> Get(string extra = "")
        {
            using var r = await client.SendAsync(TestHelpers.ImdsRequest(TestHelpers.ImdsTokenUrl + extra));
            return await TestHelpers.JsonAsync(r);
        }

        var first = await Get();
        clock.Advance(TimeSpan.FromHours(1));
        var second = await Get();
        var otherResource = await Get().ContinueWith(_ => Get("&x=1"), TaskScheduler.Default).Unwrap();

        Assert.That(second.GetProperty("access_token").GetString(), Is.EqualTo(first.GetProperty("access_token").GetString()));
        Assert.That(second.GetProperty("expires_in").GetString(), Is.EqualTo("82800"));
        Assert.That(second.GetProperty("expires_on").GetString(), Is.EqualTo(first.GetProperty("expires_on").GetString()));
        Assert.That(otherResource.GetProperty("access_token").GetString(), Is.EqualTo(first.GetProperty("access_token").GetString()), "unknown query parameters do not matter");

        clock.Advance(TimeSpan.FromHours(22.95));
        var renewed = await Get();
        Assert.That(renewed.GetProperty("access_token").GetString(), Is.Not.EqualTo(first.GetProperty("access_token").GetString()));

        var bypass = await Get("&bypass_cache=true");
        Assert.That(bypass.GetProperty("access_token").GetString(), Is.Not.EqualTo(renewed.GetProperty("access_token").GetString()));
    }

    [Test]
    public async Task Clock_skew_and_token_lifetime_are_configurable()
    {
        var now = DateTimeOffset.Parse("2026-01-01T00:00:00Z", System.Globalization.CultureInfo.InvariantCulture);
        var clock = new Microsoft.Extensions.Time.Testing.FakeTimeProvider(now);
        using var emulator = AzureEmulator.Create(b => b.UseTimeProvider(clock).WithClockSkew(TimeSpan.FromMinutes(10)).WithTokenLifetime(TimeSpan.FromHours(1)));
        using var client = emulator.CreateClient();

        var jwt = new JsonWebToken(await TestHelpers.GetTokenAsync(client));

        Assert.That(jwt.IssuedAt, Is.EqualTo(now.AddMinutes(10).UtcDateTime));
        Assert.That(jwt.ValidTo, Is.EqualTo(now.AddMinutes(70).UtcDateTime));
    }

    [Test]
    public async Task Instance_metadata_has_compute_fields_as_strings_and_leaf_paths_need_format_text()
    {
        using var emulator = AzureEmulator.Create();
        using var client = emulator.CreateClient();

        using var all = await client.SendAsync(TestHelpers.ImdsRequest("http://169.254.169.254/metadata/instance?api-version=2021-02-01"));
        var compute = (await TestHelpers.JsonAsync(all)).GetProperty("compute");
        using var leafJson = await client.SendAsync(TestHelpers.ImdsRequest("http://169.254.169.254/metadata/instance/compute/vmId?api-version=2021-02-01"));
        using var leafText = await client.SendAsync(TestHelpers.ImdsRequest("http://169.254.169.254/metadata/instance/compute/vmId?api-version=2021-02-01&format=text"));
        using var noHeader = await client.SendAsync(TestHelpers.ImdsRequest("http://169.254.169.254/metadata/instance?api-version=2021-02-01", metadata: false));
        using var noVersion = await client.SendAsync(TestHelpers.ImdsRequest("http://169.254.169.254/metadata/instance"));

        Assert.That(all.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        foreach (string field in new[] { "azEnvironment", "location", "name", "resourceGroupName", "resourceId", "subscriptionId", "vmId", "vmSize", "osType" })
            Assert.That(compute.GetProperty(field).ValueKind, Is.EqualTo(JsonValueKind.String), field);
        Assert.That(compute.GetProperty("tagsList").ValueKind, Is.EqualTo(JsonValueKind.Array));
        Assert.That(compute.GetProperty("subscriptionId").GetString(), Is.EqualTo(TutorialDefaults.SubscriptionId));
        Assert.That(compute.GetProperty("resourceId").GetString(), Is.EqualTo(TutorialDefaults.VirtualMachineResourceId));
        Assert.That(leafJson.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest));
        Assert.That(await leafText.Content.ReadAsStringAsync(), Is.EqualTo(TutorialDefaults.VirtualMachineId));
        Assert.That(noHeader.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest));
        Assert.That(await noHeader.Content.ReadAsStringAsync(), Is.EqualTo("""{"error":"Bad request: . Required metadata header not specified"}"""));
        Assert.That(noVersion.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest));
    }

    [Test]
    public async Task Versions_endpoint_lists_api_versions_without_needing_one()
    {
        using var emulator = AzureEmulator.Create();
        using var client = emulator.CreateClient();

        using var response = await client.SendAsync(TestHelpers.ImdsRequest("http://169.254.169.254/metadata/versions"));
        var versions = (await TestHelpers.JsonAsync(response)).GetProperty("apiVersions").EnumerateArray().Select(v => v.GetString()).ToList();

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That(versions, Does.Contain("2018-02-01").And.Contain("2025-04-07"));
        Assert.That(versions, Is.Ordered);
    }

    // 429 body: real IMDS, hashicorp/terraform-provider-azurerm#20901.
    [Test]
    public async Task Rate_limits_when_enabled_answer_429_beyond_20_requests_per_second_with_IMDS_body_from_terraform_azurerm_20901()
    {
        var clock = new Microsoft.Extensions.Time.Testing.FakeTimeProvider();
        using var emulator = AzureEmulator.Create(b => b.UseTimeProvider(clock).EnableImdsRateLimits());
        using var client = emulator.CreateClient();

        var statuses = new List<HttpStatusCode>();
        string throttledBody = "";
        for (int i = 0; i < 21; i++)
        {
            using var r = await client.SendAsync(TestHelpers.ImdsRequest());
            statuses.Add(r.StatusCode);
            if (i == 20) throttledBody = await r.Content.ReadAsStringAsync();
        }
        clock.Advance(TimeSpan.FromSeconds(1));
        using var later = await client.SendAsync(TestHelpers.ImdsRequest());

        Assert.That(statuses.Take(20), Is.All.EqualTo(HttpStatusCode.OK));
        Assert.That(statuses[20], Is.EqualTo(HttpStatusCode.TooManyRequests));
        Assert.That(throttledBody, Is.EqualTo(ThrottledBody));
        Assert.That(later.StatusCode, Is.EqualTo(HttpStatusCode.OK));
    }

    // "5 concurrent requests (on a per VM basis)" (instance-metadata-service.md "Rate limiting"). Requests cannot be held inside
    // the handler from outside, so the test takes the in-flight slots itself through the token endpoint's limiter.
    [Test]
    public async Task Rate_limits_when_enabled_answer_429_to_a_sixth_concurrent_token_request()
    {
        var clock = new Microsoft.Extensions.Time.Testing.FakeTimeProvider();
        using var emulator = AzureEmulator.Create(b => b.UseTimeProvider(clock).EnableImdsRateLimits());
        using var client = emulator.CreateClient();
        var limiter = ImdsRateLimiter.For(emulator.Server.Services.GetRequiredService<EmulatorRuntime>());

        var inFlight = new List<IDisposable>();
        for (int i = 0; i < ImdsRateLimiter.MaxConcurrent - 1; i++) inFlight.Add(limiter.TryAcquire()!);
        using var fifth = await client.SendAsync(TestHelpers.ImdsRequest());
        inFlight.Add(limiter.TryAcquire()!);
        using var sixth = await client.SendAsync(TestHelpers.ImdsRequest());
        string sixthBody = await sixth.Content.ReadAsStringAsync();
        inFlight[0].Dispose();
        using var afterOneCompleted = await client.SendAsync(TestHelpers.ImdsRequest());
        foreach (var lease in inFlight) lease.Dispose();

        Assert.That(inFlight, Has.All.Not.Null);
        Assert.That(fifth.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That(sixth.StatusCode, Is.EqualTo(HttpStatusCode.TooManyRequests));
        Assert.That(sixthBody, Is.EqualTo(ThrottledBody));
        Assert.That(sixth.Headers.GetValues("Server").Single(), Does.StartWith("IMDS/"));
        Assert.That(afterOneCompleted.StatusCode, Is.EqualTo(HttpStatusCode.OK));
    }

    [Test]
    public async Task Concurrency_limit_is_off_by_default()
    {
        using var emulator = AzureEmulator.Create();
        using var client = emulator.CreateClient();
        var limiter = ImdsRateLimiter.For(emulator.Server.Services.GetRequiredService<EmulatorRuntime>());
        var inFlight = Enumerable.Range(0, ImdsRateLimiter.MaxConcurrent).Select(_ => limiter.TryAcquire()!).ToList();

        using var response = await client.SendAsync(TestHelpers.ImdsRequest());
        inFlight.ForEach(l => l.Dispose());

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
    }

    [Test]
    public async Task Unknown_metadata_paths_get_404_after_the_header_check()
    {
        using var emulator = AzureEmulator.Create();
        var (withHeader, _, _) = await SendAsync(emulator, TestHelpers.ImdsRequest("http://169.254.169.254/metadata/scheduledevents?api-version=2020-07-01"));
        var (withoutHeader, _, _) = await SendAsync(emulator, TestHelpers.ImdsRequest("http://169.254.169.254/metadata/scheduledevents?api-version=2020-07-01", metadata: false));

        Assert.That(withHeader, Is.EqualTo(HttpStatusCode.NotFound));
        Assert.That(withoutHeader, Is.EqualTo(HttpStatusCode.BadRequest));
    }

    [Test]
    public async Task Rate_limits_are_off_by_default()
    {
        using var emulator = AzureEmulator.Create();
        using var client = emulator.CreateClient();
        for (int i = 0; i < 30; i++)
        {
            using var r = await client.SendAsync(TestHelpers.ImdsRequest());
            Assert.That(r.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        }
    }

    [Test]
    public async Task Requests_are_recorded_with_Authorization_redacted()
    {
        using var emulator = AzureEmulator.Create();
        using var client = emulator.CreateClient();
        string token = await TestHelpers.GetTokenAsync(client);
        using var _ = await client.SendAsync(TestHelpers.ArmGet(TestHelpers.DevTestUrl, token));

        var requests = emulator.Requests;

        Assert.That(requests, Has.Count.EqualTo(2));
        Assert.That(requests[0].Uri.Host, Is.EqualTo("169.254.169.254"));
        Assert.That(requests[0].Headers["Metadata"], Is.EqualTo("true"));
        Assert.That(requests[0].StatusCode, Is.EqualTo(200));
        Assert.That(requests[1].Uri.ToString(), Is.EqualTo(TestHelpers.DevTestUrl));
        Assert.That(requests[1].Headers["Authorization"], Is.EqualTo("Bearer <redacted>"));
        emulator.Reset();
        Assert.That(emulator.Requests, Is.Empty);
    }

    [Test]
    public void State_changes_are_isolated_per_emulator_and_undone_by_Reset()
    {
        using var a = AzureEmulator.Create();
        using var b = AzureEmulator.Create();

        a.State.UpsertResourceGroup(new ResourceGroupInfo(TutorialDefaults.SubscriptionId, "Extra", "eastus"));

        Assert.That(a.State.FindResourceGroup(TutorialDefaults.SubscriptionId, "extra"), Is.Not.Null);
        Assert.That(b.State.FindResourceGroup(TutorialDefaults.SubscriptionId, "extra"), Is.Null);
        a.Reset();
        Assert.That(a.State.FindResourceGroup(TutorialDefaults.SubscriptionId, "extra"), Is.Null);
    }
}
