using System.Net;
using System.Text;
using GeneratedArm.Identity;
using GeneratedArm.Tests.Infrastructure;

namespace GeneratedArm.Tests;

public class ArmClientTests
{
    private const string RgPath = "/subscriptions/98f51385-2edc-4b79-bed9-7718de4cb861/resourceGroups/DevTest";
    private const string RgJson = """{"id":"/subscriptions/98f51385-2edc-4b79-bed9-7718de4cb861/resourceGroups/DevTest","name":"DevTest","location":"westus","properties":{"provisioningState":"Succeeded"}}""";

    internal static ArmClient CreateClient(StubHandler arm, TokenCredential credential, TimeProvider? time = null, Action<ArmClientOptions>? configure = null)
    {
        var options = new ArmClientOptions { Transport = arm, TimeProvider = time ?? TimeProvider.System };
        configure?.Invoke(options);
        return new ArmClient(credential, options);
    }

    [Test]
    public async Task Tutorial_step_3_goes_out_with_the_IMDS_token_and_returns_the_model()
    {
        var time = Clock.Create();
        var imds = new StubHandler((_, _) => Imds.Token("imds-token", time.GetUtcNow(), TimeSpan.FromHours(24)));
        var arm = new StubHandler((_, _) => StubHandler.Json(HttpStatusCode.OK, RgJson));
        using var credential = new ManagedIdentityCredential(new() { Endpoint = new Uri("http://169.254.169.254"), Transport = imds, TimeProvider = time });
        using var client = new ArmClient(credential, new ArmClientOptions { Transport = arm, TimeProvider = time });

        var rg = await client.GetAsync<TestResourceGroup>(RgPath, "2016-06-01");

        var request = arm.Last;
        Assert.Multiple(() =>
        {
            Assert.That(rg.Name, Is.EqualTo("DevTest"));
            Assert.That(rg.Location, Is.EqualTo("westus"));
            Assert.That(rg.ProvisioningState, Is.EqualTo("Succeeded"));
            Assert.That(request.Method, Is.EqualTo(HttpMethod.Get));
            Assert.That(request.Uri.AbsoluteUri, Is.EqualTo("https://management.azure.com" + RgPath + "?api-version=2016-06-01"));
            Assert.That(request.Header("Authorization"), Is.EqualTo("Bearer imds-token"));
            Assert.That(Guid.TryParse(request.Header("x-ms-client-request-id"), out _), Is.True);
            Assert.That(request.Header("x-ms-return-client-request-id"), Is.EqualTo("true"));
            Assert.That(request.Header("User-Agent"), Does.Match(@"^GeneratedArm/\d+\.\d+\.\d+ \(.*\.NET.*; .+\)$"));
            Assert.That(Uri.UnescapeDataString(imds.Last.Uri.Query), Does.Contain("resource=https://management.azure.com/"));
        });
    }

    [Test]
    public async Task SendAsync_returns_status_headers_and_body()
    {
        var arm = new StubHandler((_, _) => StubHandler.Json(HttpStatusCode.OK, RgJson, ("x-ms-request-id", "req-1"), ("x-ms-correlation-request-id", "corr-1")));
        using var client = CreateClient(arm, new StaticCredential());

        var response = await client.SendAsync(HttpMethod.Get, RgPath, "2016-06-01");

        Assert.Multiple(() =>
        {
            Assert.That(response.Status, Is.EqualTo(200));
            Assert.That(response.RequestId, Is.EqualTo("req-1"));
            Assert.That(response.CorrelationRequestId, Is.EqualTo("corr-1"));
            Assert.That(response.ContentAsString(), Is.EqualTo(RgJson));
            Assert.That(response.ContentAs<TestResourceGroup>().Name, Is.EqualTo("DevTest"));
        });
    }

    [Test]
    public async Task PutAsync_sends_the_model_as_JSON()
    {
        var arm = new StubHandler((_, _) => StubHandler.Json(HttpStatusCode.Created, RgJson));
        using var client = CreateClient(arm, new StaticCredential());

        var rg = await client.PutAsync<TestResourceGroup, TestResourceGroup>(RgPath, "2021-04-01", new TestResourceGroup { Location = "westus" });

        Assert.Multiple(() =>
        {
            Assert.That(rg.Name, Is.EqualTo("DevTest"));
            Assert.That(arm.Last.Method, Is.EqualTo(HttpMethod.Put));
            Assert.That(arm.Last.Body, Is.EqualTo("""{"location":"westus"}"""));
            Assert.That(arm.Last.Header("Content-Type"), Is.EqualTo("application/json"));
        });
    }

    [Test]
    public async Task Path_with_a_query_gets_api_version_appended_and_absolute_links_keep_theirs()
    {
        var arm = new StubHandler((_, _) => StubHandler.Json(HttpStatusCode.OK, "{}"));
        using var client = CreateClient(arm, new StaticCredential());

        await client.SendAsync(HttpMethod.Get, "/subscriptions/s/resourcegroups?$top=5", "2021-04-01");
        Assert.That(arm.Last.Uri.Query, Is.EqualTo("?$top=5&api-version=2021-04-01"));

        await client.SendAsync(HttpMethod.Get, "https://management.azure.com/subscriptions/s/resourcegroups?api-version=2021-04-01&$skiptoken=abc", "2021-04-01");
        Assert.That(arm.Last.Uri.Query, Is.EqualTo("?api-version=2021-04-01&$skiptoken=abc"));
    }

    [Test]
    public void Bearer_token_is_never_sent_over_plain_HTTP_except_to_loopback()
    {
        var arm = new StubHandler((_, _) => StubHandler.Json(HttpStatusCode.OK, "{}"));
        Assert.Throws<ArgumentException>(() => CreateClient(arm, new StaticCredential(), configure: o => o.Endpoint = new Uri("http://management.example.com")));
        Assert.DoesNotThrow(() => CreateClient(arm, new StaticCredential(), configure: o => o.Endpoint = new Uri("http://localhost:5000")).Dispose());
        Assert.DoesNotThrow(() => CreateClient(arm, new StaticCredential(), configure: o => o.Endpoint = new Uri("http://127.0.0.1:5000")).Dispose());

        using var client = CreateClient(arm, new StaticCredential());
        Assert.ThrowsAsync<InvalidOperationException>(() => client.SendAsync(HttpMethod.Get, "http://management.azure.com/subscriptions", "2021-04-01"));
        Assert.ThrowsAsync<InvalidOperationException>(() => client.SendAsync(HttpMethod.Get, "https://evil.example.com/subscriptions", "2021-04-01"));
        Assert.That(arm.Count, Is.Zero);
    }

    [Test]
    public void Error_envelope_is_decoded_into_ArmRequestException()
    {
        const string body = """
            {"error":{"code":"AuthorizationFailed","message":"The client 'x' with object id 'y' does not have authorization to perform action 'Microsoft.Resources/subscriptions/resourcegroups/read' over scope '/subscriptions/s/resourcegroups/DevTest' or the scope is invalid.","target":"DevTest",
              "details":[{"code":"PolicyDenied","message":"Denied by policy","target":"location","additionalInfo":[]}],
              "additionalInfo":[{"type":"PolicyViolation","info":{"policyDefinitionName":"allowed-locations"}}]}}
            """;
        var arm = new StubHandler((_, _) => StubHandler.Json(HttpStatusCode.Forbidden, body, ("x-ms-request-id", "req-403"), ("x-ms-correlation-request-id", "corr-403"), ("x-ms-failure-cause", "gateway")));
        using var client = CreateClient(arm, new StaticCredential());

        var ex = Assert.ThrowsAsync<ArmRequestException>(() => client.GetAsync<TestResourceGroup>(RgPath, "2016-06-01"));

        Assert.Multiple(() =>
        {
            Assert.That(ex!.Status, Is.EqualTo(403));
            Assert.That(ex.ErrorCode, Is.EqualTo("AuthorizationFailed"));
            Assert.That(ex.ErrorMessage, Does.StartWith("The client 'x'"));
            Assert.That(ex.Target, Is.EqualTo("DevTest"));
            Assert.That(ex.Details, Has.Count.EqualTo(1));
            Assert.That(ex.Details[0].Code, Is.EqualTo("PolicyDenied"));
            Assert.That(ex.Details[0].Target, Is.EqualTo("location"));
            Assert.That(ex.AdditionalInfo, Has.Count.EqualTo(1));
            Assert.That(ex.AdditionalInfo[0].Type, Is.EqualTo("PolicyViolation"));
            Assert.That(ex.AdditionalInfo[0].Info.GetProperty("policyDefinitionName").GetString(), Is.EqualTo("allowed-locations"));
            Assert.That(ex.RequestId, Is.EqualTo("req-403"));
            Assert.That(ex.CorrelationRequestId, Is.EqualTo("corr-403"));
            Assert.That(ex.ClientRequestId, Is.EqualTo(arm.Last.Header("x-ms-client-request-id")));
            Assert.That(ex.Message, Does.Contain("403").And.Contain("AuthorizationFailed").And.Contain("req-403").And.Contain(RgPath));
            Assert.That(arm.Count, Is.EqualTo(1), "403 is not retried");
        });
    }

    [TestCase("<html><body>Bad Gateway from the proxy</body></html>", "Bad Gateway from the proxy")]
    [TestCase("", "no body")]
    [TestCase("{\"message\":\"odd shape\"}", "odd shape")]
    public void Non_envelope_bodies_still_give_a_useful_message(string body, string expected)
    {
        var arm = new StubHandler((_, _) => new HttpResponseMessage(HttpStatusCode.BadRequest) { Content = new StringContent(body, Encoding.UTF8, "text/html") });
        using var client = CreateClient(arm, new StaticCredential());

        var ex = Assert.ThrowsAsync<ArmRequestException>(() => client.SendAsync(HttpMethod.Get, RgPath, "2016-06-01"));

        Assert.Multiple(() =>
        {
            Assert.That(ex!.Status, Is.EqualTo(400));
            Assert.That(ex.ErrorCode, Is.Null);
            Assert.That(ex.Message, Does.Contain("400").And.Contain(expected));
        });
    }

    [Test]
    public void Bare_error_object_is_decoded_too()
    {
        var arm = new StubHandler((_, _) => StubHandler.Json(HttpStatusCode.NotFound, """{"code":"ResourceGroupNotFound","message":"Resource group 'DevTest' could not be found."}"""));
        using var client = CreateClient(arm, new StaticCredential());

        var ex = Assert.ThrowsAsync<ArmRequestException>(() => client.SendAsync(HttpMethod.Get, RgPath, "2016-06-01"));

        Assert.That(ex!.ErrorCode, Is.EqualTo("ResourceGroupNotFound"));
    }

    [Test]
    public async Task ExistsAsync_maps_404_to_false()
    {
        var arm = new StubHandler((_, n) => n == 1 ? StubHandler.Status(HttpStatusCode.NoContent) : StubHandler.Status(HttpStatusCode.NotFound));
        using var client = CreateClient(arm, new StaticCredential());

        Assert.That(await client.ExistsAsync(RgPath, "2021-04-01"), Is.True);
        Assert.That(await client.ExistsAsync(RgPath, "2021-04-01"), Is.False);
        Assert.That(arm.Last.Method, Is.EqualTo(HttpMethod.Head));
    }

    [Test]
    public async Task Audience_option_is_the_resource_requested_from_the_credential()
    {
        var arm = new StubHandler((_, _) => StubHandler.Json(HttpStatusCode.OK, "{}"));
        var credential = new StaticCredential();
        using var client = CreateClient(arm, credential, configure: o => o.Audience = "https://management.core.windows.net/");

        await client.SendAsync(HttpMethod.Get, RgPath, "2016-06-01");

        Assert.That(credential.Requested, Is.EqualTo((string[])["https://management.core.windows.net/"]));
    }
}
