using System.Net;
using GeneratedArm.TestServer.State;
using Microsoft.Extensions.Time.Testing;
using static GeneratedArm.TestServer.Tests.Arm.ArmTestKit;

namespace GeneratedArm.TestServer.Tests.Arm;

/// <summary>ARM's front door: authentication (facts §2.2), common headers (§3.5), api-version (§3.1), bad input → 4xx, never 500.</summary>
public class ArmGatewayTests
{
    [TestCase("https://management.azure.com/")]
    [TestCase("https://management.azure.com")]
    [TestCase("https://management.core.windows.net/")]
    [TestCase("https://management.core.windows.net")]
    public async Task Tokens_for_each_accepted_ARM_audience_with_or_without_trailing_slash_are_accepted(string audience)
    {
        using var emulator = AzureEmulator.Create();
        using var client = emulator.CreateClient();
        string token = emulator.CreateAccessToken(emulator.DefaultIdentity, audience);

        using var response = await SendAsync(client, HttpMethod.Get, Rg("DevTest", "2016-06-01"), token);

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
    }

    [Test]
    public async Task Token_for_another_audience_gets_401_InvalidAuthenticationTokenAudience_listing_the_allowed_audiences()
    {
        using var emulator = AzureEmulator.Create();
        using var client = emulator.CreateClient();
        string token = emulator.CreateAccessToken(emulator.DefaultIdentity, "https://vault.azure.net");

        using var response = await SendAsync(client, HttpMethod.Get, Rg("DevTest"), token);
        var (code, message) = await ErrorAsync(response);

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized));
        Assert.That(code, Is.EqualTo("InvalidAuthenticationTokenAudience"));
        // JetBrains/azure-tools-for-intellij#16
        Assert.That(message, Is.EqualTo("The access token has been obtained for wrong audience or resource 'https://vault.azure.net'. It should exactly match with one of the allowed audiences 'https://management.core.windows.net/','https://management.core.windows.net','https://management.azure.com/','https://management.azure.com'."));
        Assert.That(response.Headers.WwwAuthenticate.ToString(), Does.StartWith($"Bearer authorization_uri=\"https://login.windows.net/{TutorialDefaults.TenantId}\", error=\"invalid_token\""));
    }

    [Test]
    public async Task Expired_token_is_accepted_within_the_clock_tolerance_and_rejected_with_ExpiredAuthenticationToken_beyond_it()
    {
        var clock = new FakeTimeProvider(new DateTimeOffset(2026, 3, 19, 8, 0, 0, TimeSpan.Zero));
        using var emulator = AzureEmulator.Create(b => b.UseTimeProvider(clock));
        using var client = emulator.CreateClient();
        string token = emulator.CreateAccessToken(emulator.DefaultIdentity, lifetime: TimeSpan.FromHours(1));

        clock.Advance(TimeSpan.FromHours(1) + TimeSpan.FromMinutes(4));
        using var within = await SendAsync(client, HttpMethod.Get, Rg("DevTest"), token);
        clock.Advance(TimeSpan.FromMinutes(2));
        using var beyond = await SendAsync(client, HttpMethod.Get, Rg("DevTest"), token);
        var (code, message) = await ErrorAsync(beyond);

        Assert.That(within.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That(beyond.StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized));
        Assert.That(code, Is.EqualTo("ExpiredAuthenticationToken"));
        // hashicorp/terraform-provider-azurerm#20867
        Assert.That(message, Is.EqualTo("The access token expiry UTC time '3/19/2026 9:00:00 AM' is earlier than current UTC time '3/19/2026 9:06:00 AM'."));
        Assert.That(beyond.Headers.GetValues("x-ms-failure-cause").Single(), Is.EqualTo("gateway"));
    }

    [Test]
    public async Task The_clock_tolerance_is_configurable()
    {
        var clock = new FakeTimeProvider(new DateTimeOffset(2026, 3, 19, 8, 0, 0, TimeSpan.Zero));
        using var emulator = AzureEmulator.Create(b => b.UseTimeProvider(clock).WithArmClockTolerance(TimeSpan.Zero));
        using var client = emulator.CreateClient();
        string token = emulator.CreateAccessToken(emulator.DefaultIdentity, lifetime: TimeSpan.FromHours(1));

        clock.Advance(TimeSpan.FromHours(1) + TimeSpan.FromSeconds(1));
        using var response = await SendAsync(client, HttpMethod.Get, Rg("DevTest"), token);

        Assert.That((await ErrorAsync(response)).Code, Is.EqualTo("ExpiredAuthenticationToken"));
    }

    [Test]
    public async Task Token_not_yet_valid_beyond_the_tolerance_is_rejected_with_401()
    {
        var clock = new FakeTimeProvider(new DateTimeOffset(2026, 3, 19, 8, 0, 0, TimeSpan.Zero));
        using var emulator = AzureEmulator.Create(b => b.UseTimeProvider(clock));
        using var client = emulator.CreateClient();

        using var skewed = await SendAsync(client, HttpMethod.Get, Rg("DevTest"), emulator.CreateAccessToken(emulator.DefaultIdentity, issuedAt: clock.GetUtcNow().AddMinutes(4)));
        using var future = await SendAsync(client, HttpMethod.Get, Rg("DevTest"), emulator.CreateAccessToken(emulator.DefaultIdentity, issuedAt: clock.GetUtcNow().AddMinutes(10)));

        Assert.That(skewed.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That(future.StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized));
        Assert.That((await ErrorAsync(future)).Code, Is.EqualTo("InvalidAuthenticationToken"));
    }

    [TestCase("Bearer", "AuthenticationFailed")]
    [TestCase("Basic dXNlcjpwYXNz", "AuthenticationFailed")]
    [TestCase("Bearer not-a-jwt", "InvalidAuthenticationToken")]
    [TestCase("Bearer eyJhbGciOiJub25lIn0.eyJvaWQiOiJ4In0.", "InvalidAuthenticationToken")]
    public async Task Malformed_authorization_headers_get_401_never_500(string header, string expectedCode)
    {
        using var emulator = AzureEmulator.Create();
        using var client = emulator.CreateClient();

        using var response = await SendAsync(client, HttpMethod.Get, Rg("DevTest"), null, headers: new Dictionary<string, string> { ["Authorization"] = header });

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized));
        Assert.That((await ErrorAsync(response)).Code, Is.EqualTo(expectedCode));
        Assert.That(response.Headers.WwwAuthenticate.ToString(), Does.Contain("error=\"invalid_token\""));
    }

    [Test]
    public async Task Tampered_token_and_token_signed_by_another_key_get_401_InvalidAuthenticationToken()
    {
        using var emulator = AzureEmulator.Create();
        using var client = emulator.CreateClient();
        string token = VmToken(emulator);
        string[] parts = token.Split('.');
        string payload = System.Text.Encoding.UTF8.GetString(Microsoft.IdentityModel.Tokens.Base64UrlEncoder.DecodeBytes(parts[1]))
            .Replace(TutorialDefaults.SystemAssignedPrincipalId, GeneratedArm.TestServer.Arm.ArmAdministrator.PrincipalId, StringComparison.Ordinal);
        string tampered = parts[0] + "." + Microsoft.IdentityModel.Tokens.Base64UrlEncoder.Encode(payload) + "." + parts[2];
        string foreign = emulator.CreateAccessToken(emulator.DefaultIdentity, signingKey: Identity.SigningKey.Generate());

        using var r1 = await SendAsync(client, HttpMethod.Get, Rg("DevTest"), tampered);
        using var r2 = await SendAsync(client, HttpMethod.Get, Rg("DevTest"), foreign);

        Assert.That(r1.StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized));
        Assert.That((await ErrorAsync(r1)).Code, Is.EqualTo("InvalidAuthenticationToken"));
        Assert.That(r2.StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized));
        Assert.That((await ErrorAsync(r2)).Message, Is.EqualTo("The access token is invalid."));
    }

    [Test]
    public async Task Token_from_another_tenant_gets_401_InvalidAuthenticationTokenTenant()
    {
        const string OtherTenant = "0ther000-1e5a-4d5b-9c6d-7e8f9a0b1c2d";
        using var emulator = AzureEmulator.Create(b => b.AddTenant(OtherTenant));
        using var client = emulator.CreateClient();
        var stranger = new ManagedIdentityInfo(ManagedIdentityKind.UserAssigned, "/x", Guid.NewGuid().ToString(), Guid.NewGuid().ToString(), OtherTenant);

        using var response = await SendAsync(client, HttpMethod.Get, Rg("DevTest"), emulator.CreateAccessToken(stranger));
        var (code, message) = await ErrorAsync(response);

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized));
        Assert.That(code, Is.EqualTo("InvalidAuthenticationTokenTenant"));
        Assert.That(message, Does.StartWith($"The access token is from the wrong issuer 'https://sts.windows.net/{OtherTenant}/'. It must match the tenant 'https://sts.windows.net/{TutorialDefaults.TenantId}/' associated with this subscription."));
    }

    [Test]
    public async Task Every_response_carries_request_and_correlation_ids_and_echoes_the_client_request_id_when_asked()
    {
        using var emulator = AzureEmulator.Create();
        using var client = emulator.CreateClient();
        string token = VmToken(emulator);
        const string Correlation = "2b9a6f43-2d2a-4a55-8a8e-0a1b2c3d4e5f";
        const string ClientRequest = "f0e1d2c3-b4a5-4968-8776-655443322110";

        using var echoed = await SendAsync(client, HttpMethod.Get, Rg("DevTest"), token, headers: new Dictionary<string, string>
        {
            ["x-ms-correlation-request-id"] = Correlation,
            ["x-ms-client-request-id"] = ClientRequest,
            ["x-ms-return-client-request-id"] = "true",
        });
        using var generated = await SendAsync(client, HttpMethod.Get, Rg("DevTest"), token, headers: new Dictionary<string, string> { ["x-ms-client-request-id"] = ClientRequest });
        using var unauthenticated = await SendAsync(client, HttpMethod.Get, Rg("DevTest"), null);

        Assert.Multiple(() =>
        {
            Assert.That(echoed.Headers.GetValues("x-ms-correlation-request-id").Single(), Is.EqualTo(Correlation));
            Assert.That(echoed.Headers.GetValues("x-ms-client-request-id").Single(), Is.EqualTo(ClientRequest));
            Assert.That(Guid.TryParse(echoed.Headers.GetValues("x-ms-request-id").Single(), out _), Is.True);
            Assert.That(echoed.Headers.GetValues("x-ms-ratelimit-remaining-subscription-reads").Single(), Is.EqualTo("249"));
            Assert.That(generated.Headers.Contains("x-ms-client-request-id"), Is.False, "echoed only with x-ms-return-client-request-id: true");
            Assert.That(generated.Headers.GetValues("x-ms-correlation-request-id").Single(), Is.EqualTo(generated.Headers.GetValues("x-ms-request-id").Single()));
            Assert.That(unauthenticated.Headers.Contains("x-ms-request-id"), Is.True);
            Assert.That(unauthenticated.Headers.Contains("x-ms-correlation-request-id"), Is.True);
            Assert.That(echoed.Headers.CacheControl?.NoCache, Is.True);
        });
    }

    [Test]
    public async Task Writes_and_deletes_report_their_own_remaining_quota()
    {
        using var emulator = AzureEmulator.Create();
        using var client = emulator.CreateClient();
        string admin = emulator.CreateAdministratorToken();

        using var put = await SendAsync(client, HttpMethod.Put, Rg("Quota"), admin, """{"location":"westus"}""");
        using var delete = await SendAsync(client, HttpMethod.Delete, Rg("Quota"), admin);

        Assert.That(put.Headers.GetValues("x-ms-ratelimit-remaining-subscription-writes").Single(), Is.EqualTo("199"));
        Assert.That(delete.Headers.GetValues("x-ms-ratelimit-remaining-subscription-deletes").Single(), Is.EqualTo("199"));
    }

    [Test]
    public async Task Missing_api_version_gets_400_MissingApiVersionParameter()
    {
        using var emulator = AzureEmulator.Create();
        using var client = emulator.CreateClient();

        using var response = await SendAsync(client, HttpMethod.Get, $"/subscriptions/{Sub}/resourceGroups/DevTest", VmToken(emulator));

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest));
        Assert.That(await response.Content.ReadAsStringAsync(), Is.EqualTo(
            """{"error":{"code":"MissingApiVersionParameter","message":"The api-version query parameter (?api-version=) is required for all requests."}}"""));
    }

    [TestCase("2023-02-01")]
    [TestCase("2099-01-01")]
    [TestCase("latest")]
    [TestCase("2021-04-01-previewx")]
    public async Task Unknown_or_malformed_api_version_gets_400_InvalidApiVersionParameter_listing_the_supported_versions(string version)
    {
        using var emulator = AzureEmulator.Create();
        using var client = emulator.CreateClient();

        using var response = await SendAsync(client, HttpMethod.Get, Rg("DevTest", version), VmToken(emulator));
        var (code, message) = await ErrorAsync(response);

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest));
        Assert.That(code, Is.EqualTo("InvalidApiVersionParameter"));
        // Azure/azure-cli#28038: "The api-version '…' is invalid. The supported versions are '…'."
        Assert.That(message, Does.StartWith($"The api-version '{version}' is invalid. The supported versions are '2025-04-01, 2025-03-01, "));
        Assert.That(message, Does.Contain("2016-06-01"));
    }

    [Test]
    public async Task Loose_switch_accepts_any_well_formed_api_version_but_still_rejects_malformed_ones()
    {
        using var emulator = AzureEmulator.Create(b => b.AcceptAnyApiVersion());
        using var client = emulator.CreateClient();
        string token = VmToken(emulator);

        using var future = await SendAsync(client, HttpMethod.Get, Rg("DevTest", "2099-01-01-preview"), token);
        using var malformed = await SendAsync(client, HttpMethod.Get, Rg("DevTest", "next"), token);

        Assert.That(future.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That(malformed.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest));
    }

    [TestCase("{\"location\":")]
    [TestCase("{location: westus}")]
    [TestCase("[1,2]")]
    [TestCase("\"westus\"")]
    [TestCase("{\"location\":\"westus\"}}")]
    public async Task Malformed_JSON_bodies_get_400_InvalidRequestContent(string body)
    {
        using var emulator = AzureEmulator.Create();
        using var client = emulator.CreateClient();

        using var response = await SendAsync(client, HttpMethod.Put, Rg("Bad"), emulator.CreateAdministratorToken(), body);
        var (code, message) = await ErrorAsync(response);

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest));
        Assert.That(code, Is.EqualTo("InvalidRequestContent"));
        Assert.That(message, Does.StartWith("The request content was invalid and could not be deserialized: '"));
        Assert.That(emulator.State.FindResourceGroup(Sub, "Bad"), Is.Null);
    }

    [Test]
    public async Task Deeply_nested_JSON_gets_400_not_500()
    {
        using var emulator = AzureEmulator.Create();
        using var client = emulator.CreateClient();
        string body = "{\"location\":\"westus\",\"tags\":" + new string('[', 5000) + new string(']', 5000) + "}";

        using var response = await SendAsync(client, HttpMethod.Put, Rg("Deep"), emulator.CreateAdministratorToken(), body);

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest));
        Assert.That((await ErrorAsync(response)).Code, Is.EqualTo("InvalidRequestContent"));
    }

    [Test]
    public async Task Oversized_body_gets_413_and_an_empty_body_400()
    {
        using var emulator = AzureEmulator.Create(b => b.WithMaxRequestBodyBytes(1024));
        using var client = emulator.CreateClient();
        string admin = emulator.CreateAdministratorToken();
        string big = "{\"location\":\"westus\",\"tags\":{\"t\":\"" + new string('x', 2000) + "\"}}";

        using var oversized = await SendAsync(client, HttpMethod.Put, Rg("Big"), admin, big);
        using var empty = await SendAsync(client, HttpMethod.Put, Rg("Big"), admin, "");

        Assert.That(oversized.StatusCode, Is.EqualTo(HttpStatusCode.RequestEntityTooLarge));
        Assert.That(await ErrorAsync(oversized), Is.EqualTo(("RequestContentTooLarge", "The request content size exceeds the maximum size of 1 KB.")));
        Assert.That(empty.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest));
        Assert.That((await ErrorAsync(empty)).Code, Is.EqualTo("InvalidRequestContent"));
    }

    [Test]
    public async Task Non_JSON_media_type_gets_415()
    {
        using var emulator = AzureEmulator.Create();
        using var client = emulator.CreateClient();

        using var response = await SendAsync(client, HttpMethod.Put, Rg("Xml"), emulator.CreateAdministratorToken(), "<rg/>", "application/xml");

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.UnsupportedMediaType));
        Assert.That((await ErrorAsync(response)).Code, Is.EqualTo("UnsupportedMediaType"));
    }

    [Test]
    public async Task Unsupported_method_gets_405_and_unknown_path_404_in_ARMs_envelope()
    {
        using var emulator = AzureEmulator.Create();
        using var client = emulator.CreateClient();
        string admin = emulator.CreateAdministratorToken();

        using var post = await SendAsync(client, HttpMethod.Post, Rg("DevTest"), admin, "{}");
        using var unknown = await SendAsync(client, HttpMethod.Get, $"/subscriptions/{Sub}/nonsense/x?api-version=2022-09-01", admin);

        Assert.That(post.StatusCode, Is.EqualTo(HttpStatusCode.MethodNotAllowed));
        Assert.That((await ErrorAsync(post)).Message, Is.EqualTo("The requested resource does not support http method 'POST'."));
        Assert.That(unknown.StatusCode, Is.EqualTo(HttpStatusCode.NotFound));
        Assert.That((await ErrorAsync(unknown)).Code, Is.EqualTo("NotFound"));
    }

    [Test]
    public async Task Unknown_subscription_gets_404_SubscriptionNotFound()
    {
        using var emulator = AzureEmulator.Create();
        using var client = emulator.CreateClient();

        using var response = await SendAsync(client, HttpMethod.Get, "/subscriptions/00000000-0000-0000-0000-000000000000/resourcegroups/DevTest?api-version=2022-09-01", emulator.CreateAdministratorToken());

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.NotFound));
        Assert.That((await ErrorAsync(response)).Code, Is.EqualTo("SubscriptionNotFound"));
    }

    [Test]
    public async Task Cloud_metadata_points_at_the_emulator_itself()
    {
        using var emulator = AzureEmulator.Create();
        using var client = emulator.CreateClient();

        using var modern = await SendAsync(client, HttpMethod.Get, "/metadata/endpoints?api-version=2020-06-01", null);
        using var list = await SendAsync(client, HttpMethod.Get, "/metadata/endpoints?api-version=2022-09-01", null);
        using var legacy = await SendAsync(client, HttpMethod.Get, "/metadata/endpoints?api-version=2015-01-01", null);
        using var missing = await SendAsync(client, HttpMethod.Get, "/metadata/endpoints", null);
        var body = await JsonAsync(modern);

        Assert.That(modern.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That(body.GetProperty("resourceManager").GetString(), Is.EqualTo("https://management.azure.com/"));
        Assert.That(body.GetProperty("authentication").GetProperty("audiences")[1].GetString(), Is.EqualTo("https://management.azure.com/"));
        Assert.That((await JsonAsync(list))[0].GetProperty("resourceManager").GetString(), Is.EqualTo("https://management.azure.com/"));
        Assert.That((await JsonAsync(legacy)).GetProperty("authentication").GetProperty("loginEndpoint").GetString(), Is.EqualTo("https://management.azure.com/"));
        Assert.That(missing.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest));
        Assert.That(modern.Headers.Contains("x-ms-request-id"), Is.True);
    }

    // ---- validated tokens are remembered without weakening a check ---------------------------------------------------------

    [Test]
    public async Task A_token_differing_from_an_accepted_one_by_one_signature_character_is_rejected()
    {
        using var emulator = AzureEmulator.Create();
        using var client = emulator.CreateClient();
        string token = emulator.CreateAdministratorToken();
        int last = token.Length - 2; // not the final character: its low bits may be padding that base64url decoders ignore
        string tampered = token[..last] + (token[last] == 'A' ? 'B' : 'A') + token[(last + 1)..];

        using var accepted = await SendAsync(client, HttpMethod.Get, Rg("DevTest"), token);
        using var again = await SendAsync(client, HttpMethod.Get, Rg("DevTest"), token);
        using var rejected = await SendAsync(client, HttpMethod.Get, Rg("DevTest"), tampered);

        Assert.That((accepted.StatusCode, again.StatusCode), Is.EqualTo((HttpStatusCode.OK, HttpStatusCode.OK)));
        Assert.That(rejected.StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized));
        Assert.That((await ErrorAsync(rejected)).Code, Is.EqualTo("InvalidAuthenticationToken"));
    }

    [Test]
    public async Task An_accepted_token_is_rejected_once_its_signing_key_is_no_longer_trusted()
    {
        var previous = Identity.SigningKey.Generate();
        using var emulator = AzureEmulator.Create(b => b.TrustAdditionalSigningKey(previous));
        using var client = emulator.CreateClient();
        string token = emulator.CreateAccessToken(emulator.DefaultIdentity, signingKey: previous);

        using var before = await SendAsync(client, HttpMethod.Get, Rg("DevTest"), token);
        emulator.Runtime.Options.AdditionalTrustedKeys.Remove(previous); // the rotation is over
        using var after = await SendAsync(client, HttpMethod.Get, Rg("DevTest"), token);

        Assert.That(before.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That(after.StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized));
        Assert.That((await ErrorAsync(after)).Code, Is.EqualTo("InvalidAuthenticationToken"));
    }

    [Test]
    public async Task An_accepted_token_is_rejected_once_its_issuers_tenant_is_gone_from_the_state()
    {
        using var emulator = AzureEmulator.Create();
        using var client = emulator.CreateClient();
        string token = emulator.CreateAdministratorToken();

        using var before = await SendAsync(client, HttpMethod.Get, "/subscriptions?api-version=2022-12-01", token);
        emulator.State.Load(emulator.State.Snapshot() with { Tenants = [new TenantInfo("11111111-2222-3333-4444-555555555555")] });
        using var after = await SendAsync(client, HttpMethod.Get, "/subscriptions?api-version=2022-12-01", token);

        Assert.That(before.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That(after.StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized));
    }

    // ---- the request log ---------------------------------------------------------------------------------------------------

    [Test]
    public void The_request_log_keeps_the_latest_requests_oldest_first_and_redacts_credentials()
    {
        var log = new GeneratedArm.TestServer.Hosting.RequestLog();
        for (int i = 0; i < GeneratedArm.TestServer.Hosting.RequestLog.Capacity + 5; i++)
        {
            log.Record(Request(i, "Authorization", "Bearer secret-token-" + i.ToString(System.Globalization.CultureInfo.InvariantCulture)), DateTimeOffset.UnixEpoch);
        }

        var kept = log.Snapshot();

        Assert.That(kept, Has.Count.EqualTo(GeneratedArm.TestServer.Hosting.RequestLog.Capacity));
        Assert.That(kept[0].Uri.AbsolutePath, Is.EqualTo("/r/5"));
        Assert.That(kept[^1].Uri.AbsolutePath, Is.EqualTo("/r/" + (GeneratedArm.TestServer.Hosting.RequestLog.Capacity + 4).ToString(System.Globalization.CultureInfo.InvariantCulture)));
        Assert.That(kept[^1].Headers["authorization"], Is.EqualTo("Bearer <redacted>"));
        log.Clear();
        Assert.That(log.Snapshot(), Is.Empty);
    }

    [Test]
    public void The_request_log_drops_the_oldest_requests_beyond_its_byte_budget_and_decodes_the_rest_intact()
    {
        var log = new GeneratedArm.TestServer.Hosting.RequestLog();
        string big = new('x', 4096);
        const int Sent = 6_000;
        for (int i = 0; i < Sent; i++)
        {
            long sequence = log.Record(Request(i, "x-big", big + i.ToString(System.Globalization.CultureInfo.InvariantCulture)), DateTimeOffset.UnixEpoch.AddSeconds(i));
            log.Complete(sequence, 200 + (i % 2));
        }

        var kept = log.Snapshot();
        int first = Sent - kept.Count;

        Assert.That(kept.Count, Is.LessThan(Sent).And.GreaterThan(GeneratedArm.TestServer.Hosting.RequestLog.MaxBytes / 8192));
        for (int k = 0; k < kept.Count; k++)
        {
            int i = first + k;
            Assert.That(kept[k].Uri.AbsolutePath, Is.EqualTo("/r/" + i.ToString(System.Globalization.CultureInfo.InvariantCulture)));
            Assert.That(kept[k].Headers["x-big"], Is.EqualTo(big + i.ToString(System.Globalization.CultureInfo.InvariantCulture)));
            Assert.That(kept[k].StatusCode, Is.EqualTo(200 + (i % 2)));
            Assert.That(kept[k].ReceivedAt, Is.EqualTo(DateTimeOffset.UnixEpoch.AddSeconds(i)));
        }
    }

    private static Microsoft.AspNetCore.Http.DefaultHttpContext Request(int i, string header, string value)
    {
        var context = new Microsoft.AspNetCore.Http.DefaultHttpContext();
        context.Request.Method = "GET";
        context.Request.Scheme = "https";
        context.Request.Host = new Microsoft.AspNetCore.Http.HostString("management.azure.com");
        context.Request.Path = "/r/" + i.ToString(System.Globalization.CultureInfo.InvariantCulture);
        context.Request.Headers[header] = value;
        return context;
    }

    // ---- the error catalogue -----------------------------------------------------------------------------------------------

    [Test]
    public async Task Unknown_paths_and_methods_answer_from_the_catalogue_in_ARMs_envelope()
    {
        using var emulator = AzureEmulator.Create();
        using var client = emulator.CreateClient();
        string admin = emulator.CreateAdministratorToken();

        using var unknown = await SendAsync(client, HttpMethod.Get, $"/subscriptions/{Sub}/nonsense?api-version=2022-09-01", admin);
        using var method = await SendAsync(client, HttpMethod.Post, Rg("DevTest"), admin, "{}");

        Assert.That(unknown.StatusCode, Is.EqualTo(HttpStatusCode.NotFound));
        Assert.That(await ErrorAsync(unknown), Is.EqualTo((GeneratedArm.TestServer.Arm.ArmErrors.PathNotFound().Code, GeneratedArm.TestServer.Arm.ArmErrors.PathNotFound().Message)));
        Assert.That(method.StatusCode, Is.EqualTo(HttpStatusCode.MethodNotAllowed));
        Assert.That(await ErrorAsync(method), Is.EqualTo(("MethodNotAllowed", "The requested resource does not support http method 'POST'.")));
    }
}
