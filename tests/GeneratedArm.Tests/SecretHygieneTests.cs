using System.Net;
using GeneratedArm.Identity;
using GeneratedArm.Tests.Infrastructure;

namespace GeneratedArm.Tests;

/// <summary>The token must never appear in a log line, an exception message or a <c>ToString()</c>.</summary>
public class SecretHygieneTests
{
    private const string RgPath = "/subscriptions/98f51385-2edc-4b79-bed9-7718de4cb861/resourceGroups/DevTest";

    [Test]
    public async Task Token_never_appears_in_any_log_line_across_success_retry_challenge_and_failure()
    {
        var time = Clock.Create();
        var secret1 = Imds.SecretToken("first");
        var secret2 = Imds.SecretToken("second");
        using var logs = new CapturingLoggerProvider();
        using var loggerFactory = logs.CreateFactory();

        // IMDS: a 500, then the first token; later (after a 401 challenge) the second token.
        var imds = new StubHandler((_, n) => n switch
        {
            1 => Imds.Error(HttpStatusCode.InternalServerError, "unknown", "transient"),
            2 => Imds.Token(secret1, time.GetUtcNow(), TimeSpan.FromHours(24)),
            _ => Imds.Token(secret2, time.GetUtcNow(), TimeSpan.FromHours(24)),
        });

        // ARM: 503, then a 401 challenge for the first token, then OK, then a 403 with the token's tail echoed oddly.
        var arm = new StubHandler((r, n) => n switch
        {
            1 => StubHandler.Status(HttpStatusCode.ServiceUnavailable, ("Retry-After", "1")),
            2 => StubHandler.Json(HttpStatusCode.Unauthorized, """{"error":{"code":"ExpiredAuthenticationToken","message":"expired"}}""", ("WWW-Authenticate", "Bearer error=\"invalid_token\"")),
            3 => StubHandler.Json(HttpStatusCode.OK, """{"name":"DevTest"}"""),
            _ => StubHandler.Json(HttpStatusCode.Forbidden, """{"error":{"code":"AuthorizationFailed","message":"no role"}}"""),
        });
        using var credential = new ManagedIdentityCredential(new()
        {
            Endpoint = new Uri("http://169.254.169.254"),
            Transport = imds,
            TimeProvider = time,
            LoggerFactory = loggerFactory,
        });
        using var client = new ArmClient(credential, new ArmClientOptions { Transport = arm, TimeProvider = time, LoggerFactory = loggerFactory });

        var task = client.GetAsync<TestResourceGroup>(RgPath, "2016-06-01");
        await Clock.DriveAsync(task, time, TimeSpan.FromMilliseconds(500), TimeSpan.FromMinutes(1));
        await task;
        var failure = Assert.ThrowsAsync<ArmRequestException>(() => client.GetAsync<TestResourceGroup>(RgPath, "2016-06-01"));

        // An IMDS failure path too.
        using var failing = new ManagedIdentityCredential(new()
        {
            Endpoint = new Uri("http://169.254.169.254"),
            Transport = new StubHandler((_, _) => StubHandler.Json(HttpStatusCode.OK, $$"""{"access_token":"{{secret1}}","expires_in":"later"}""")),
            LoggerFactory = loggerFactory,
        });
        var imdsFailure = Assert.ThrowsAsync<ManagedIdentityException>(async () => await failing.GetTokenAsync(Imds.ArmResource));

        var lines = logs.Lines.ToArray();
        Assert.Multiple(() =>
        {
            Assert.That(arm.Requests.Select(r => r.Header("Authorization")), Has.Member("Bearer " + secret1).And.Member("Bearer " + secret2), "the scenario did send both tokens");
            Assert.That(lines, Has.Some.Contains("Authorization: REDACTED"), "request headers were logged, redacted");
            Assert.That(lines, Has.Some.Contains("retrying"), "retries were logged");
            foreach (var secret in new[] { secret1, secret2 })
            {
                var middle = secret.Split('.')[1];
                Assert.That(lines, Has.None.Contains(middle), "no log line contains the token");
                Assert.That(failure!.ToString(), Does.Not.Contain(middle));
                Assert.That(imdsFailure!.ToString(), Does.Not.Contain(middle));
                Assert.That(credential.GetTokenAsync(Imds.ArmResource).AsTask().Result.ToString(), Does.Not.Contain(middle));
            }
        });
    }
}
