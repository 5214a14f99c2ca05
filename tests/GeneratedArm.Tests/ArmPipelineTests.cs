using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using GeneratedArm.Identity;
using GeneratedArm.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace GeneratedArm.Tests;

public class ArmPipelineTests
{
    private const string RgPath = "/subscriptions/98f51385-2edc-4b79-bed9-7718de4cb861/resourceGroups/DevTest";
    private const string RgJson = """{"id":"/subscriptions/98f51385-2edc-4b79-bed9-7718de4cb861/resourceGroups/DevTest","name":"DevTest","location":"westus","properties":{"provisioningState":"Succeeded"}}""";

    private static StubHandler Scripted(FakeTimeProvider time, ConcurrentQueue<TimeSpan> at, Func<int, HttpResponseMessage> respond) =>
        new((_, n) =>
        {
            at.Enqueue(time.GetUtcNow() - Imds.Start);
            return respond(n);
        });

    private static ArmClient Create(StubHandler arm, TokenCredential credential, FakeTimeProvider time, Action<ArmClientOptions>? configure = null) =>
        ArmClientTests.CreateClient(arm, credential, time, configure);

    [Test]
    public async Task ARM_429_Retry_After_seconds_is_honoured()
    {
        var time = Clock.Create();
        var at = new ConcurrentQueue<TimeSpan>();
        var arm = Scripted(time, at, n => n == 1
            ? StubHandler.Json(HttpStatusCode.TooManyRequests, """{"error":{"code":"SubscriptionRequestsThrottled","message":"Too many"}}""", ("Retry-After", "17"))
            : StubHandler.Json(HttpStatusCode.OK, RgJson));
        using var client = Create(arm, new StaticCredential(), time);

        var task = client.GetAsync<TestResourceGroup>(RgPath, "2016-06-01");
        await Clock.DriveAsync(task, time, TimeSpan.FromSeconds(1), TimeSpan.FromMinutes(1));

        Assert.That((await task).Name, Is.EqualTo("DevTest"));
        var t = at.ToArray();
        Assert.That(t[1] - t[0], Is.InRange(TimeSpan.FromSeconds(17), TimeSpan.FromSeconds(19)), "waits as asked (fake clock moves in 1 s steps)");
    }

    [Test]
    public async Task ARM_429_Retry_After_HTTP_date_is_honoured()
    {
        var time = Clock.Create();
        var at = new ConcurrentQueue<TimeSpan>();
        var arm = Scripted(time, at, n => n == 1
            ? StubHandler.Json(HttpStatusCode.TooManyRequests, "{}", ("Retry-After", (time.GetUtcNow() + TimeSpan.FromSeconds(9)).ToString("R", CultureInfo.InvariantCulture)))
            : StubHandler.Json(HttpStatusCode.OK, RgJson));
        using var client = Create(arm, new StaticCredential(), time);

        var task = client.GetAsync<TestResourceGroup>(RgPath, "2016-06-01");
        await Clock.DriveAsync(task, time, TimeSpan.FromSeconds(1), TimeSpan.FromMinutes(1));

        await task;
        var t = at.ToArray();
        Assert.That(t[1] - t[0], Is.InRange(TimeSpan.FromSeconds(9), TimeSpan.FromSeconds(11)));
    }

    [Test]
    public async Task ARM_x_ms_retry_after_ms_wins_over_Retry_After()
    {
        var time = Clock.Create();
        var at = new ConcurrentQueue<TimeSpan>();
        var arm = Scripted(time, at, n => n == 1
            ? StubHandler.Json(HttpStatusCode.ServiceUnavailable, "{}", ("x-ms-retry-after-ms", "1500"), ("Retry-After", "30"))
            : StubHandler.Json(HttpStatusCode.OK, RgJson));
        using var client = Create(arm, new StaticCredential(), time);

        var task = client.GetAsync<TestResourceGroup>(RgPath, "2016-06-01");
        await Clock.DriveAsync(task, time, TimeSpan.FromMilliseconds(500), TimeSpan.FromMinutes(1));

        await task;
        var t = at.ToArray();
        Assert.That(t[1] - t[0], Is.InRange(TimeSpan.FromMilliseconds(1500), TimeSpan.FromMilliseconds(2500)), "1.5 s, not Retry-After's 30 s");
    }

    [TestCase(408)]
    [TestCase(429)]
    [TestCase(500)]
    [TestCase(502)]
    [TestCase(503)]
    [TestCase(504)]
    public async Task Transient_statuses_are_retried_for_GET(int status)
    {
        var time = Clock.Create();
        var arm = new StubHandler((_, n) => n < 3 ? StubHandler.Status((HttpStatusCode)status) : StubHandler.Json(HttpStatusCode.OK, RgJson));
        using var client = Create(arm, new StaticCredential(), time);

        var task = client.GetAsync<TestResourceGroup>(RgPath, "2016-06-01");
        await Clock.DriveAsync(task, time, TimeSpan.FromMilliseconds(500), TimeSpan.FromMinutes(1));

        Assert.That((await task).Name, Is.EqualTo("DevTest"));
        Assert.That(arm.Count, Is.EqualTo(3));
        Assert.That(arm.Requests.Select(r => r.Header("x-ms-client-request-id")).Distinct().Count(), Is.EqualTo(3), "a fresh client request id per attempt");
    }

    [TestCase("POST")]
    [TestCase("PATCH")]
    public void Non_idempotent_methods_are_not_retried(string method)
    {
        var time = Clock.Create();
        var arm = new StubHandler((_, _) => StubHandler.Status(HttpStatusCode.ServiceUnavailable));
        using var client = Create(arm, new StaticCredential(), time);

        var ex = Assert.ThrowsAsync<ArmRequestException>(() => client.SendAsync(new HttpMethod(method), RgPath + "/doSomething", "2021-04-01", "{}"u8.ToArray()));

        Assert.That(ex!.Status, Is.EqualTo(503));
        Assert.That(arm.Count, Is.EqualTo(1));
    }

    [Test]
    public async Task Retries_are_bounded_by_MaxRetries()
    {
        var time = Clock.Create();
        var arm = new StubHandler((_, _) => StubHandler.Json(HttpStatusCode.InternalServerError, """{"error":{"code":"InternalServerError","message":"Something failed"}}""", ("x-ms-request-id", "r-500")));
        using var client = Create(arm, new StaticCredential(), time, o => o.Retry.MaxRetries = 2);

        var task = client.GetAsync<TestResourceGroup>(RgPath, "2016-06-01");
        await Clock.DriveAsync(task, time, TimeSpan.FromSeconds(1), TimeSpan.FromMinutes(5));

        var ex = Assert.ThrowsAsync<ArmRequestException>(() => task);
        Assert.That(arm.Count, Is.EqualTo(3));
        Assert.That(ex!.ErrorCode, Is.EqualTo("InternalServerError"));
        Assert.That(ex.RequestId, Is.EqualTo("r-500"));
    }

    [Test]
    public async Task Network_failures_are_retried_then_reported_with_status_0()
    {
        var time = Clock.Create();
        var arm = new StubHandler(new Func<HttpRequestMessage, int, HttpResponseMessage>((_, _) => throw new HttpRequestException("Connection reset")));
        using var client = Create(arm, new StaticCredential(), time);

        var task = client.GetAsync<TestResourceGroup>(RgPath, "2016-06-01");
        await Clock.DriveAsync(task, time, TimeSpan.FromSeconds(1), TimeSpan.FromMinutes(5));

        var ex = Assert.ThrowsAsync<ArmRequestException>(() => task);
        Assert.That(arm.Count, Is.EqualTo(4));
        Assert.That(ex!.Status, Is.Zero);
        Assert.That(ex.Message, Does.Contain("could not reach management.azure.com"));
    }

    [Test]
    public void An_untrusted_TLS_certificate_fails_at_once_and_says_what_to_trust()
    {
        var arm = new StubHandler(new Func<HttpRequestMessage, int, HttpResponseMessage>((_, _) => throw new HttpRequestException(
            HttpRequestError.SecureConnectionError,
            "The SSL connection could not be established, see inner exception.",
            new System.Security.Authentication.AuthenticationException("The remote certificate is invalid because of errors in the certificate chain: UntrustedRoot"))));
        using var client = Create(arm, new StaticCredential(), Clock.Create());

        var ex = Assert.ThrowsAsync<ArmRequestException>(() => client.GetAsync<TestResourceGroup>(RgPath, "2016-06-01"));

        Assert.That(arm.Count, Is.EqualTo(1), "not retried");
        Assert.That(ex!.Status, Is.Zero);
        Assert.That(ex.Message, Does.Contain("TLS handshake with management.azure.com failed").And.Contain("UntrustedRoot").And.Contain("SSL_CERT_FILE"));
    }

    [Test]
    public async Task Cancellation_during_an_ARM_retry_delay_stops_at_once()
    {
        var time = Clock.Create();
        var arm = new StubHandler((_, _) => StubHandler.Status(HttpStatusCode.TooManyRequests, ("Retry-After", "60")));
        using var client = Create(arm, new StaticCredential(), time);
        using var cts = new CancellationTokenSource();

        var task = client.GetAsync<TestResourceGroup>(RgPath, "2016-06-01", cts.Token);
        await Clock.UntilAsync(() => arm.Count == 1);
        await Clock.SettleAsync(Task.Delay(20));
        await cts.CancelAsync();

        Assert.That(async () => await task.WaitAsync(TimeSpan.FromSeconds(5)), Throws.InstanceOf<OperationCanceledException>());
        Assert.That(arm.Count, Is.EqualTo(1));
        Assert.That(time.GetUtcNow(), Is.EqualTo(Imds.Start));
    }

    [Test]
    public async Task A_401_challenge_gets_one_fresh_token_and_one_retry()
    {
        var time = Clock.Create();
        var arm = new StubHandler((r, _) => r.Headers.Authorization?.Parameter == "token-1"
            ? StubHandler.Json(HttpStatusCode.Unauthorized, """{"error":{"code":"ExpiredAuthenticationToken","message":"expired"}}""", ("WWW-Authenticate", "Bearer authorization_uri=\"https://login.windows.net/\", error=\"invalid_token\", error_description=\"The access token expiry UTC time is earlier than current UTC time.\""))
            : StubHandler.Json(HttpStatusCode.OK, RgJson));
        var credential = new StaticCredential();
        using var client = Create(arm, credential, time);

        var rg = await client.GetAsync<TestResourceGroup>(RgPath, "2016-06-01");

        Assert.That(rg.Name, Is.EqualTo("DevTest"));
        Assert.That(credential.Refreshes, Is.EqualTo(1));
        Assert.That(arm.Requests.Select(r => r.Header("Authorization")), Is.EqualTo((string[])["Bearer token-1", "Bearer token-2"]));
    }

    [Test]
    public void A_second_401_is_not_retried_again()
    {
        var time = Clock.Create();
        var arm = new StubHandler((_, _) => StubHandler.Json(HttpStatusCode.Unauthorized, """{"error":{"code":"InvalidAuthenticationToken","message":"The access token is invalid."}}""", ("WWW-Authenticate", "Bearer error=\"invalid_token\"")));
        var credential = new StaticCredential();
        using var client = Create(arm, credential, time);

        var ex = Assert.ThrowsAsync<ArmRequestException>(() => client.GetAsync<TestResourceGroup>(RgPath, "2016-06-01"));

        Assert.That(ex!.Status, Is.EqualTo(401));
        Assert.That(ex.ErrorCode, Is.EqualTo("InvalidAuthenticationToken"));
        Assert.That(arm.Count, Is.EqualTo(2));
        Assert.That(credential.Refreshes, Is.EqualTo(1));
    }

    [Test]
    public void A_401_without_a_challenge_is_not_retried()
    {
        var arm = new StubHandler((_, _) => StubHandler.Json(HttpStatusCode.Unauthorized, """{"error":{"code":"AuthenticationFailed","message":"no"}}"""));
        var credential = new StaticCredential();
        using var client = Create(arm, credential, Clock.Create());

        Assert.ThrowsAsync<ArmRequestException>(() => client.GetAsync<TestResourceGroup>(RgPath, "2016-06-01"));
        Assert.That(arm.Count, Is.EqualTo(1));
        Assert.That(credential.Refreshes, Is.Zero);
    }

    [Test]
    public async Task A_401_challenge_through_the_managed_identity_credential_fetches_a_new_IMDS_token()
    {
        var time = Clock.Create();
        var imds = new StubHandler((_, n) => Imds.Token($"imds-{n}", time.GetUtcNow(), TimeSpan.FromHours(24)));
        var arm = new StubHandler((r, _) => r.Headers.Authorization?.Parameter == "imds-1"
            ? StubHandler.Json(HttpStatusCode.Unauthorized, "{}", ("WWW-Authenticate", "Bearer error=\"invalid_token\""))
            : StubHandler.Json(HttpStatusCode.OK, RgJson));
        using var credential = new ManagedIdentityCredential(new() { Endpoint = new Uri("http://169.254.169.254"), Transport = imds, TimeProvider = time });
        using var client = Create(arm, credential, time);

        await client.GetAsync<TestResourceGroup>(RgPath, "2016-06-01");
        await client.GetAsync<TestResourceGroup>(RgPath, "2016-06-01");

        Assert.That(imds.Count, Is.EqualTo(2));
        Assert.That(arm.Requests.Select(r => r.Header("Authorization")), Is.EqualTo((string[])["Bearer imds-1", "Bearer imds-2", "Bearer imds-2"]));
    }

    [Test]
    public void Token_failure_surfaces_as_ManagedIdentityException_from_the_ARM_call()
    {
        var imds = new StubHandler((_, _) => Imds.Error(HttpStatusCode.BadRequest, "invalid_request", "Identity not found"));
        var arm = new StubHandler((_, _) => StubHandler.Json(HttpStatusCode.OK, RgJson));
        using var credential = new ManagedIdentityCredential(new() { Endpoint = new Uri("http://169.254.169.254"), Transport = imds, TimeProvider = Clock.Create() });
        using var client = Create(arm, credential, Clock.Create());

        var ex = Assert.ThrowsAsync<ManagedIdentityException>(() => client.GetAsync<TestResourceGroup>(RgPath, "2016-06-01"));

        Assert.That(ex!.Hint, Does.StartWith("Identity not found"));
        Assert.That(arm.Count, Is.Zero);
    }

    [Test]
    public async Task Requests_are_traced_through_the_GeneratedArm_ActivitySource()
    {
        var activities = new ConcurrentQueue<Activity>();
        using var listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name == GeneratedArmDiagnostics.ActivitySourceName,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = activities.Enqueue,
        };
        ActivitySource.AddActivityListener(listener);
        var arm = new StubHandler((_, _) => StubHandler.Json(HttpStatusCode.OK, RgJson, ("x-ms-request-id", "trace-req")));
        using var client = Create(arm, new StaticCredential(), Clock.Create());

        await client.GetAsync<TestResourceGroup>(RgPath, "2016-06-01");

        var activity = activities.Single(a => a.OperationName == "ArmClient.Send" && (string?)a.GetTagItem("az.service_request_id") == "trace-req");
        Assert.That(activity.Kind, Is.EqualTo(ActivityKind.Client));
        Assert.That(activity.GetTagItem("http.request.method"), Is.EqualTo("GET"));
        Assert.That(activity.GetTagItem("http.response.status_code"), Is.EqualTo(200));
    }

    [Test]
    public async Task AddGeneratedArm_registers_a_credential_and_an_IHttpClientFactory_client()
    {
        var time = Clock.Create();
        var imds = new StubHandler((_, _) => Imds.Token("di-token", time.GetUtcNow(), TimeSpan.FromHours(24)));
        var arm = new StubHandler((_, _) => StubHandler.Json(HttpStatusCode.OK, RgJson));
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddSingleton<TimeProvider>(time);
        services.AddGeneratedArm(o =>
            {
                o.Credential.Endpoint = new Uri("http://169.254.169.254");
                o.Credential.Transport = imds;
                o.Client.Endpoint = new Uri("https://management.azure.com");
            })
            .ConfigurePrimaryHttpMessageHandler(() => new NonDisposingHandler(arm));
        using var provider = services.BuildServiceProvider();

        var client = provider.GetRequiredService<ArmClient>();
        var rg = await client.GetAsync<TestResourceGroup>(RgPath, "2016-06-01");

        Assert.That(rg.Name, Is.EqualTo("DevTest"));
        Assert.That(arm.Last.Header("Authorization"), Is.EqualTo("Bearer di-token"));
        Assert.That(provider.GetRequiredService<TokenCredential>(), Is.SameAs(provider.GetRequiredService<ManagedIdentityCredential>()));
    }

    [Test]
    public async Task AddGeneratedArm_with_a_Transport_uses_it_directly()
    {
        var time = Clock.Create();
        var imds = new StubHandler((_, _) => Imds.Token("di-token", time.GetUtcNow(), TimeSpan.FromHours(24)));
        var arm = new StubHandler((_, _) => StubHandler.Json(HttpStatusCode.OK, RgJson));
        var services = new ServiceCollection();
        services.AddGeneratedArm(o =>
        {
            o.Credential.Transport = imds;
            o.Credential.Endpoint = new Uri("http://localhost:1");
            o.Client.Transport = arm;
            o.Client.Endpoint = new Uri("http://localhost:2");
        });
        using var provider = services.BuildServiceProvider();

        var client = provider.GetRequiredService<ArmClient>();
        await client.GetAsync<TestResourceGroup>(RgPath, "2016-06-01");

        Assert.That(arm.Last.Uri.GetLeftPart(UriPartial.Authority), Is.EqualTo("http://localhost:2"));
        Assert.That(client, Is.SameAs(provider.GetRequiredService<ArmClient>()));
    }

    /// <summary>IHttpClientFactory disposes primary handlers when they expire; the test's handler must survive.</summary>
    private sealed class NonDisposingHandler(HttpMessageHandler inner) : HttpMessageHandler
    {
        private readonly HttpMessageInvoker _invoker = new(inner, disposeHandler: false);

        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken) =>
            _invoker.SendAsync(request, cancellationToken);
    }
}
