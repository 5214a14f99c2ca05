using System.Net;
using GeneratedArm.Identity;
using GeneratedArm.Internal;
using GeneratedArm.Tests.Infrastructure;

namespace GeneratedArm.Tests;

public class MoreRuntimeTests
{
    private const string RgPath = "/subscriptions/98f51385-2edc-4b79-bed9-7718de4cb861/resourceGroups/DevTest";

    [TestCase(HttpStatusCode.NotFound)]
    [TestCase(HttpStatusCode.RequestTimeout)]
    [TestCase(HttpStatusCode.BadGateway)]
    [TestCase(HttpStatusCode.GatewayTimeout)]
    public async Task IMDS_transient_statuses_are_retried(HttpStatusCode status)
    {
        var time = Clock.Create();
        var handler = new StubHandler((_, n) => n == 1 ? Imds.Error(status, "x", "transient") : Imds.Token("tok", time.GetUtcNow(), TimeSpan.FromHours(24)));
        using var credential = new ManagedIdentityCredential(new() { Endpoint = new Uri("http://169.254.169.254"), Transport = handler, TimeProvider = time });

        var task = credential.GetTokenAsync(Imds.ArmResource).AsTask();
        await Clock.DriveAsync(task, time, TimeSpan.FromMilliseconds(500), TimeSpan.FromMinutes(1));

        Assert.That((await task).Token, Is.EqualTo("tok"));
        Assert.That(handler.Count, Is.EqualTo(2));
    }

    [TestCase(HttpStatusCode.BadRequest)]
    [TestCase(HttpStatusCode.Unauthorized)]
    [TestCase(HttpStatusCode.Forbidden)]
    [TestCase(HttpStatusCode.MethodNotAllowed)]
    public void IMDS_design_time_errors_are_not_retried(HttpStatusCode status)
    {
        var handler = new StubHandler((_, _) => Imds.Error(status, "invalid_request", "nope"));
        using var credential = new ManagedIdentityCredential(new() { Endpoint = new Uri("http://169.254.169.254"), Transport = handler, TimeProvider = Clock.Create() });

        var ex = Assert.ThrowsAsync<ManagedIdentityException>(async () => await credential.GetTokenAsync(Imds.ArmResource));

        Assert.That(ex!.Status, Is.EqualTo((int)status));
        Assert.That(handler.Count, Is.EqualTo(1));
    }

    [Test]
    public async Task IMDS_404_identity_not_found_while_an_identity_propagates_is_retried_and_then_explained()
    {
        var time = Clock.Create();
        var handler = new StubHandler((_, _) => Imds.Error(HttpStatusCode.NotFound, "not_found", "Identity not found"));
        using var credential = new ManagedIdentityCredential(new()
        {
            Endpoint = new Uri("http://169.254.169.254"),
            Transport = handler,
            TimeProvider = time,
            Identity = ManagedIdentityId.FromObjectId("aaaaaaaa-0000-4000-8000-000000000001"),
        });

        var task = credential.GetTokenAsync(Imds.ArmResource).AsTask();
        await Clock.DriveAsync(task, time, TimeSpan.FromSeconds(1), TimeSpan.FromMinutes(5));

        var ex = Assert.ThrowsAsync<ManagedIdentityException>(() => task);
        Assert.That(handler.Count, Is.EqualTo(6));
        Assert.That(ex!.Hint, Does.StartWith("Identity not found: no managed identity with that object id"));
    }

    [Test]
    public void Non_JSON_IMDS_error_body_is_quoted_in_the_description()
    {
        var handler = new StubHandler((_, _) => new HttpResponseMessage(HttpStatusCode.Forbidden) { Content = new StringContent("connecting to 169.254.169.254:80: connecting to 169.254.169.254:80: dial tcp 169.254.169.254:80: connectex: A socket operation was attempted to an unreachable network.") });
        using var credential = new ManagedIdentityCredential(new() { Endpoint = new Uri("http://169.254.169.254"), Transport = handler, TimeProvider = Clock.Create() });

        var ex = Assert.ThrowsAsync<ManagedIdentityException>(async () => await credential.GetTokenAsync(Imds.ArmResource));

        Assert.That(ex!.Hint, Does.StartWith("IMDS not reachable"));
        Assert.That(ex.ErrorDescription, Does.Contain("unreachable network"));
    }

    [Test]
    public void A_proxy_or_firewall_answering_for_IMDS_is_reported_as_IMDS_not_reachable()
    {
        var handler = new StubHandler((_, _) => new HttpResponseMessage(HttpStatusCode.Forbidden) { Content = new StringContent("resolve_deny: denied destination") });
        using var credential = new ManagedIdentityCredential(new() { Endpoint = new Uri("http://169.254.169.254"), Transport = handler, TimeProvider = Clock.Create() });

        var ex = Assert.ThrowsAsync<ManagedIdentityException>(async () => await credential.GetTokenAsync(Imds.ArmResource));

        Assert.Multiple(() =>
        {
            Assert.That(ex!.Hint, Does.StartWith("IMDS not reachable: something other than IMDS answered"));
            Assert.That(ex.Status, Is.EqualTo(403));
            Assert.That(ex.Error, Is.Null);
            Assert.That(ex.Message, Does.Contain("resolve_deny"));
        });
    }

    [Test]
    public async Task Disposing_the_credential_stops_a_pending_request()
    {
        var handler = new StubHandler(async (_, _) =>
        {
            await Task.Delay(Timeout.Infinite);
            return new HttpResponseMessage();
        });
        var credential = new ManagedIdentityCredential(new() { Endpoint = new Uri("http://169.254.169.254"), Transport = handler, TimeProvider = Clock.Create() });
        var task = credential.GetTokenAsync(Imds.ArmResource).AsTask();
        await Task.Delay(50);

        credential.Dispose();

        Assert.That(async () => await task.WaitAsync(TimeSpan.FromSeconds(5)), Throws.InstanceOf<OperationCanceledException>());
        Assert.That(async () => await credential.GetTokenAsync(Imds.ArmResource), Throws.InstanceOf<ObjectDisposedException>());
    }

    [Test]
    public async Task ARM_attempt_timeout_on_the_system_clock_uses_HttpClient_Timeout_and_is_retried()
    {
        var arm = new StubHandler(async (_, n) =>
        {
            if (n == 1)
            {
                await Task.Delay(Timeout.Infinite);
            }

            return StubHandler.Json(HttpStatusCode.OK, """{"name":"DevTest"}""");
        });
        using var client = new ArmClient(new StaticCredential(), new ArmClientOptions
        {
            Transport = arm,
            Retry = { NetworkTimeout = TimeSpan.FromMilliseconds(200), Delay = TimeSpan.FromMilliseconds(10) },
        });

        var rg = await client.GetAsync<TestResourceGroup>(RgPath, "2016-06-01").WaitAsync(TimeSpan.FromSeconds(10));

        Assert.That(rg.Name, Is.EqualTo("DevTest"));
        Assert.That(arm.Count, Is.EqualTo(2));
    }

    [Test]
    public void ARM_attempt_timeouts_exhausted_report_status_0_with_the_timeout()
    {
        var arm = new StubHandler(async (_, _) =>
        {
            await Task.Delay(Timeout.Infinite);
            return new HttpResponseMessage();
        });
        using var client = new ArmClient(new StaticCredential(), new ArmClientOptions
        {
            Transport = arm,
            Retry = { MaxRetries = 1, NetworkTimeout = TimeSpan.FromMilliseconds(100), Delay = TimeSpan.FromMilliseconds(10) },
        });

        var ex = Assert.ThrowsAsync<ArmRequestException>(() => client.GetAsync<TestResourceGroup>(RgPath, "2016-06-01"));

        Assert.That(ex!.Status, Is.Zero);
        Assert.That(ex.Message, Does.Contain("no answer within 0.1 s"));
        Assert.That(arm.Count, Is.EqualTo(2));
    }

    [Test]
    public void Retry_After_forms_are_parsed()
    {
        var now = Imds.Start;
        static HttpResponseMessage With(string name, string value)
        {
            var response = new HttpResponseMessage(HttpStatusCode.TooManyRequests);
            response.Headers.TryAddWithoutValidation(name, value);
            return response;
        }

        using var seconds = With("Retry-After", "12");
        using var fraction = With("Retry-After", "1.5");
        using var date = With("Retry-After", (now + TimeSpan.FromSeconds(30)).ToString("R", System.Globalization.CultureInfo.InvariantCulture));
        using var past = With("Retry-After", (now - TimeSpan.FromSeconds(30)).ToString("R", System.Globalization.CultureInfo.InvariantCulture));
        using var ms = With("x-ms-retry-after-ms", "250");
        using var ms2 = With("retry-after-ms", "750");
        using var junk = With("Retry-After", "soon");
        using var none = new HttpResponseMessage(HttpStatusCode.TooManyRequests);

        Assert.Multiple(() =>
        {
            Assert.That(RetryMath.GetRetryAfter(seconds, now), Is.EqualTo(TimeSpan.FromSeconds(12)));
            Assert.That(RetryMath.GetRetryAfter(fraction, now), Is.EqualTo(TimeSpan.FromSeconds(1.5)));
            Assert.That(RetryMath.GetRetryAfter(date, now), Is.EqualTo(TimeSpan.FromSeconds(30)));
            Assert.That(RetryMath.GetRetryAfter(past, now), Is.EqualTo(TimeSpan.Zero));
            Assert.That(RetryMath.GetRetryAfter(ms, now), Is.EqualTo(TimeSpan.FromMilliseconds(250)));
            Assert.That(RetryMath.GetRetryAfter(ms2, now), Is.EqualTo(TimeSpan.FromMilliseconds(750)));
            Assert.That(RetryMath.GetRetryAfter(junk, now), Is.Null);
            Assert.That(RetryMath.GetRetryAfter(none, now), Is.Null);
        });
    }

    [Test]
    public void Backoff_doubles_with_jitter_and_is_capped()
    {
        var options = new RetryOptions { Delay = TimeSpan.FromSeconds(1), MaxDelay = TimeSpan.FromSeconds(5) };
        for (var i = 0; i < 100; i++)
        {
            Assert.That(RetryMath.Backoff(options, 1).TotalSeconds, Is.InRange(0.8, 1.2));
            Assert.That(RetryMath.Backoff(options, 3).TotalSeconds, Is.InRange(3.2, 4.8));
            Assert.That(RetryMath.Backoff(options, 10).TotalSeconds, Is.EqualTo(5));
        }
    }

    [Test]
    public void ARM_refuses_a_huge_Retry_After_instead_of_parking_the_call()
    {
        var arm = new StubHandler((_, _) => StubHandler.Json(HttpStatusCode.TooManyRequests, """{"error":{"code":"TooManyRequests","message":"later"}}""", ("Retry-After", "3600")));
        using var client = new ArmClient(new StaticCredential(), new ArmClientOptions { Transport = arm, TimeProvider = Clock.Create() });

        var ex = Assert.ThrowsAsync<ArmRequestException>(() => client.GetAsync<TestResourceGroup>(RgPath, "2016-06-01"));

        Assert.That(ex!.Status, Is.EqualTo(429));
        Assert.That(arm.Count, Is.EqualTo(1));
    }

    [Test]
    public void Header_redaction_hides_credentials()
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "https://management.azure.com/");
        request.Headers.TryAddWithoutValidation("Authorization", "Bearer SECRET");
        request.Headers.TryAddWithoutValidation("x-ms-client-request-id", "abc");
        request.Headers.TryAddWithoutValidation("Cookie", "SECRET");

        var text = HeaderRedaction.Format(request);

        Assert.That(text, Does.Not.Contain("SECRET"));
        Assert.That(text, Does.Contain("Authorization: REDACTED").And.Contain("x-ms-client-request-id: abc"));
    }

    [Test]
    public void Request_ids_are_version_4_GUIDs_and_unique()
    {
        var ids = Enumerable.Range(0, 1000).Select(_ => RequestId.Next()).ToList();
        Assert.That(ids.Distinct().Count(), Is.EqualTo(1000));
        Assert.That(ids, Has.All.Match("^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$"));
    }

    [Test]
    public void ManagedIdentityException_message_combines_hint_status_and_IMDS_fields()
    {
        var ex = new ManagedIdentityException("Identity not found: …", 400, "invalid_request", "Identity not found");
        Assert.That(ex.Message, Is.EqualTo("Identity not found: … (HTTP 400, error 'invalid_request': Identity not found)"));
        Assert.That(new ManagedIdentityException("plain").Hint, Is.EqualTo("plain"));
    }

    [Test]
    public void ManagedIdentityId_describes_its_selector()
    {
        Assert.Multiple(() =>
        {
            Assert.That(ManagedIdentityId.SystemAssigned.Kind, Is.EqualTo(ManagedIdentityIdKind.SystemAssigned));
            Assert.That(ManagedIdentityId.FromClientId("c").ToString(), Is.EqualTo("ClientId=c"));
            Assert.That(ManagedIdentityId.FromResourceId("/r").Value, Is.EqualTo("/r"));
            Assert.That(ManagedIdentityId.FromObjectId("O"), Is.EqualTo(ManagedIdentityId.FromObjectId("o")));
            Assert.Throws<ArgumentException>(() => ManagedIdentityId.FromClientId(" "));
        });
    }
}
