using System.Net;
using GeneratedArm.Identity;
using GeneratedArm.Internal;
using GeneratedArm.Tests.Infrastructure;
using Microsoft.Extensions.Time.Testing;

namespace GeneratedArm.Tests;

/// <summary>The retry loop ArmClient and the IMDS client share, and the rules each classifies outcomes by.</summary>
public class RetryLoopTests
{
    private const string RgPath = "/subscriptions/s/resourceGroups/DevTest";
    private const string RgJson = """{"id":"/subscriptions/s/resourceGroups/DevTest","name":"DevTest","location":"westus","properties":{"provisioningState":"Succeeded"}}""";
    private const string Challenge = "Bearer authorization_uri=\"https://login.windows.net/\", error=\"invalid_token\"";

    [TestCase(200, true, false, false, "Success")]
    [TestCase(204, false, false, false, "Success")]
    [TestCase(401, true, true, false, "Challenge")]
    [TestCase(401, false, true, false, "Challenge")]
    [TestCase(401, true, true, true, "Fatal")]
    [TestCase(401, true, false, false, "Fatal")]
    [TestCase(429, true, false, false, "Retriable")]
    [TestCase(503, true, false, false, "Retriable")]
    [TestCase(503, false, false, false, "Fatal")]
    [TestCase(501, true, false, false, "Fatal")]
    [TestCase(404, true, false, false, "Fatal")]
    public void Arm_outcomes_are_classified_as_Azure_SDK_retry_policy_does(int status, bool idempotent, bool hasChallenge, bool challengeUsed, string expected) =>
        Assert.That(ArmOutcome.Classify(status, idempotent, hasChallenge, challengeUsed).ToString(), Is.EqualTo(expected));

    [TestCase(410, "RetryWithinWindow")]
    [TestCase(404, "Retry")]
    [TestCase(408, "Retry")]
    [TestCase(429, "Retry")]
    [TestCase(500, "Retry")]
    [TestCase(503, "Retry")]
    [TestCase(400, "Fatal")]
    [TestCase(403, "Fatal")]
    public void Imds_outcomes_follow_the_IMDS_retry_guidance(int status, string expected) =>
        Assert.That(ImdsTokenClient.Classify(status).ToString(), Is.EqualTo(expected));

    [Test]
    public async Task A_401_challenge_retry_does_not_count_against_MaxRetries()
    {
        var arm = new StubHandler((_, n) => n switch
        {
            1 => StubHandler.Json(HttpStatusCode.Unauthorized, """{"error":{"code":"ExpiredAuthenticationToken","message":"expired"}}""", ("WWW-Authenticate", Challenge)),
            2 => StubHandler.Json(HttpStatusCode.ServiceUnavailable, "{}", ("Retry-After", "0")),
            _ => StubHandler.Json(HttpStatusCode.OK, RgJson),
        });
        var credential = new StaticCredential();
        using var client = ArmClientTests.CreateClient(arm, credential, configure: o => o.Retry.MaxRetries = 1);

        var rg = await client.GetAsync<TestResourceGroup>(RgPath, "2016-06-01");

        Assert.That(rg.Name, Is.EqualTo("DevTest"));
        Assert.That(arm.Count, Is.EqualTo(3), "challenge retry + one counted retry");
        Assert.That(credential.Refreshes, Is.EqualTo(1));
    }

    [Test]
    public async Task The_retry_after_a_challenge_sends_the_token_RefreshTokenAsync_returned()
    {
        var arm = new StubHandler((r, _) => r.Headers.Authorization?.Parameter == "fresh"
            ? StubHandler.Json(HttpStatusCode.OK, RgJson)
            : StubHandler.Json(HttpStatusCode.Unauthorized, """{"error":{"code":"InvalidAuthenticationToken","message":"invalid"}}""", ("WWW-Authenticate", Challenge)));
        using var client = ArmClientTests.CreateClient(arm, new NonCachingCredential());

        var rg = await client.GetAsync<TestResourceGroup>(RgPath, "2016-06-01");

        Assert.That(rg.Name, Is.EqualTo("DevTest"));
        Assert.That(arm.Requests.Select(r => r.Header("Authorization")), Is.EqualTo((string[])["Bearer stale", "Bearer fresh"]));
    }

    [Test]
    public async Task A_failed_first_attempt_that_answered_asynchronously_is_retried_with_a_new_request_id()
    {
        // The first attempt starts before the loop; when it completes later with a failure the loop must take it over.
        var arm = new StubHandler(async (_, n) =>
        {
            await Task.Yield();
            return n == 1 ? StubHandler.Json(HttpStatusCode.InternalServerError, "{}", ("Retry-After", "0")) : StubHandler.Json(HttpStatusCode.OK, RgJson);
        });
        using var client = ArmClientTests.CreateClient(arm, new StaticCredential());

        var rg = await client.GetAsync<TestResourceGroup>(RgPath, "2016-06-01");

        Assert.That(rg.Name, Is.EqualTo("DevTest"));
        var ids = arm.Requests.Select(r => r.Header("x-ms-client-request-id")).ToArray();
        Assert.That(ids, Has.Length.EqualTo(2));
        Assert.That(ids[0], Is.Not.EqualTo(ids[1]));
    }

    [Test]
    public void A_failed_first_attempt_that_answered_synchronously_ends_with_ARMs_error_when_retries_are_off()
    {
        var arm = new StubHandler((_, _) => StubHandler.Json(HttpStatusCode.ServiceUnavailable, """{"error":{"code":"ServerBusy","message":"busy"}}"""));
        using var client = ArmClientTests.CreateClient(arm, new StaticCredential(), configure: o => o.Retry.MaxRetries = 0);

        var ex = Assert.ThrowsAsync<ArmRequestException>(() => client.GetAsync<TestResourceGroup>(RgPath, "2016-06-01"));

        Assert.That(ex!.Status, Is.EqualTo(503));
        Assert.That(ex.ErrorCode, Is.EqualTo("ServerBusy"));
        Assert.That(arm.Count, Is.EqualTo(1));
    }

    [Test]
    public async Task Imds_410_retries_are_not_counted_and_a_longer_Retry_After_wins_over_the_410_cadence()
    {
        var time = Clock.Create();
        var at = new List<TimeSpan>();
        var imds = new StubHandler((_, n) =>
        {
            at.Add(time.GetUtcNow() - Imds.Start);
            return n <= 3
                ? Imds.Error(HttpStatusCode.Gone, "gone", "IMDS is updating", ("Retry-After", "15"))
                : Imds.Token("tok", time.GetUtcNow(), TimeSpan.FromHours(24));
        });
        using var credential = new ManagedIdentityCredential(new ManagedIdentityCredentialOptions
        {
            Endpoint = new Uri("http://169.254.169.254"),
            Transport = imds,
            TimeProvider = time,
            Retry = { MaxRetries = 1 },
        });

        var task = credential.GetTokenAsync(Imds.ArmResource).AsTask();
        await Clock.DriveAsync(task, time, TimeSpan.FromSeconds(1), TimeSpan.FromMinutes(3));

        Assert.That((await task).Token, Is.EqualTo("tok"));
        Assert.That(at, Has.Count.EqualTo(4), "three 410s did not use up MaxRetries = 1");
        Assert.That(at[1] - at[0], Is.GreaterThanOrEqualTo(TimeSpan.FromSeconds(15)), "Retry-After 15 s over the 10 s cadence");
    }

    [Test]
    public void Both_options_types_share_one_base_and_keep_their_own_retry_defaults()
    {
        ClientOptions arm = new ArmClientOptions();
        ClientOptions imds = new ManagedIdentityCredentialOptions();

        Assert.That(arm.Retry.MaxRetries, Is.EqualTo(3));
        Assert.That(arm.Retry.Delay, Is.EqualTo(TimeSpan.FromSeconds(0.8)));
        Assert.That(arm.Retry.OverallTimeout, Is.EqualTo(Timeout.InfiniteTimeSpan));
        Assert.That(imds.Retry.MaxRetries, Is.EqualTo(5));
        Assert.That(imds.Retry.NetworkTimeout, Is.EqualTo(TimeSpan.FromSeconds(30)));
        Assert.That(imds.Retry.OverallTimeout, Is.EqualTo(TimeSpan.FromMinutes(3)));
        Assert.That(arm.TimeProvider, Is.SameAs(TimeProvider.System));
        Assert.That(imds.Transport, Is.Null);
    }

    [Test]
    public void Retry_decisions_give_up_when_the_server_asks_for_longer_than_MaxRetryAfter()
    {
        var settings = new RetrySettings(new RetryOptions { MaxRetryAfter = TimeSpan.FromSeconds(30) }, new FakeTimeProvider(), false, TimeSpan.FromSeconds(100));
        var failure = new AttemptFailure(AttemptKind.Retry, "HTTP 429", "id", RetryAfter: TimeSpan.FromMinutes(2));
        var retries = 0;
        long windowStart = 0;
        var immediate = false;

        var reason = RetryLoop.Decide(failure, settings, ref retries, ref windowStart, ref immediate, out _);

        Assert.That(reason, Is.EqualTo(GiveUpReason.RetryAfterTooLong));
    }

    /// <summary>A credential whose replacement token is not what <see cref="GetTokenAsync"/> goes on returning.</summary>
    private sealed class NonCachingCredential : TokenCredential
    {
        public override ValueTask<AccessToken> GetTokenAsync(string resourceOrScope, CancellationToken cancellationToken = default) =>
            new(new AccessToken("stale", DateTimeOffset.MaxValue, DateTimeOffset.MaxValue, "Bearer", resourceOrScope));

        public override ValueTask<AccessToken> RefreshTokenAsync(string resourceOrScope, AccessToken rejectedToken, CancellationToken cancellationToken = default) =>
            new(new AccessToken("fresh", DateTimeOffset.MaxValue, DateTimeOffset.MaxValue, "Bearer", resourceOrScope));
    }
}
