using System.Collections.Concurrent;
using System.Net;
using GeneratedArm.Identity;
using GeneratedArm.Tests.Infrastructure;
using Microsoft.Extensions.Time.Testing;

namespace GeneratedArm.Tests;

public class ImdsRetryTests
{
    private static ManagedIdentityCredential Create(StubHandler handler, FakeTimeProvider time, Action<ManagedIdentityCredentialOptions>? configure = null, ManagedIdentityId? identity = null)
    {
        var options = new ManagedIdentityCredentialOptions
        {
            Endpoint = new Uri("http://169.254.169.254"),
            Transport = handler,
            TimeProvider = time,
            Identity = identity ?? ManagedIdentityId.SystemAssigned,
        };
        configure?.Invoke(options);
        return new ManagedIdentityCredential(options);
    }

    /// <summary>Records the fake time of each request.</summary>
    private static StubHandler Scripted(FakeTimeProvider time, ConcurrentQueue<TimeSpan> at, Func<TimeSpan, int, HttpResponseMessage> respond) =>
        new((_, n) =>
        {
            var elapsed = time.GetUtcNow() - Imds.Start;
            at.Enqueue(elapsed);
            return respond(elapsed, n);
        });

    [Test]
    public async Task IMDS_410_for_70_seconds_then_success_is_retried_until_the_token_arrives()
    {
        var time = Clock.Create();
        var at = new ConcurrentQueue<TimeSpan>();
        var handler = Scripted(time, at, (elapsed, _) => elapsed < TimeSpan.FromSeconds(70)
            ? Imds.Error(HttpStatusCode.Gone, "service_unavailable", "IMDS is being updated")
            : Imds.Token("after-update", time.GetUtcNow(), TimeSpan.FromHours(24)));
        using var credential = Create(handler, time);

        var task = credential.GetTokenAsync(Imds.ArmResource).AsTask();
        await Clock.DriveAsync(task, time, TimeSpan.FromSeconds(5), TimeSpan.FromMinutes(3));

        Assert.That((await task).Token, Is.EqualTo("after-update"));
        Assert.That(at.Last(), Is.GreaterThanOrEqualTo(TimeSpan.FromSeconds(70)));
        Assert.That(handler.Count, Is.InRange(7, 8), "0, 10, 20 … 70 s: more retries than MaxRetries (5) because 410 is retried by duration");
    }

    [Test]
    public async Task IMDS_410_that_outlasts_the_gone_window_fails_with_a_hint()
    {
        var time = Clock.Create();
        var handler = new StubHandler((_, _) => Imds.Error(HttpStatusCode.Gone, "service_unavailable", "updating"));
        using var credential = Create(handler, time);

        var task = credential.GetTokenAsync(Imds.ArmResource).AsTask();
        await Clock.DriveAsync(task, time, TimeSpan.FromSeconds(5), TimeSpan.FromMinutes(5));

        var ex = Assert.ThrowsAsync<ManagedIdentityException>(() => task);
        Assert.That(ex!.Status, Is.EqualTo(410));
        Assert.That(ex.Hint, Does.Contain("410").And.Contain("70"));
        Assert.That(time.GetUtcNow() - Imds.Start, Is.GreaterThanOrEqualTo(TimeSpan.FromSeconds(70)));
    }

    [Test]
    public async Task IMDS_429_with_Retry_After_waits_as_asked()
    {
        var time = Clock.Create();
        var at = new ConcurrentQueue<TimeSpan>();
        var handler = Scripted(time, at, (_, n) => n == 1
            ? Imds.Error(HttpStatusCode.TooManyRequests, "too_many_requests", "Too many requests", ("Retry-After", "7"))
            : Imds.Token("tok", time.GetUtcNow(), TimeSpan.FromHours(24)));
        using var credential = Create(handler, time);

        var task = credential.GetTokenAsync(Imds.ArmResource).AsTask();
        await Clock.DriveAsync(task, time, TimeSpan.FromSeconds(1), TimeSpan.FromMinutes(1));

        Assert.That((await task).Token, Is.EqualTo("tok"));
        var times = at.ToArray();
        Assert.That(times, Has.Length.EqualTo(2));
        Assert.That(times[1] - times[0], Is.InRange(TimeSpan.FromSeconds(7), TimeSpan.FromSeconds(9)), "waits as asked (fake clock moves in 1 s steps)");
    }

    [Test]
    public async Task IMDS_500_burst_is_ridden_out_with_exponential_backoff()
    {
        var time = Clock.Create();
        var at = new ConcurrentQueue<TimeSpan>();
        var handler = Scripted(time, at, (_, n) => n <= 3
            ? Imds.Error(HttpStatusCode.InternalServerError, "unknown", "Failed to retrieve token from the Active directory")
            : Imds.Token("tok", time.GetUtcNow(), TimeSpan.FromHours(24)));
        using var credential = Create(handler, time);

        var task = credential.GetTokenAsync(Imds.ArmResource).AsTask();
        await Clock.DriveAsync(task, time, TimeSpan.FromMilliseconds(100), TimeSpan.FromMinutes(1));

        Assert.That((await task).Token, Is.EqualTo("tok"));
        var t = at.ToArray();
        Assert.That(t, Has.Length.EqualTo(4));
        // Delays 1 s, 2 s, 4 s, each ±20 % (measured in 100 ms steps of a fake clock driven from real time, so allow some lag).
        Assert.That((t[1] - t[0]).TotalSeconds, Is.InRange(0.8, 1.8));
        Assert.That((t[2] - t[1]).TotalSeconds, Is.InRange(1.6, 3.0));
        Assert.That((t[3] - t[2]).TotalSeconds, Is.InRange(3.2, 5.5));
    }

    [Test]
    public async Task Persistent_5xx_gives_up_after_MaxRetries_with_status_and_hint()
    {
        var time = Clock.Create();
        var handler = new StubHandler((_, _) => Imds.Error(HttpStatusCode.ServiceUnavailable, "service_unavailable", "try later"));
        using var credential = Create(handler, time);

        var task = credential.GetTokenAsync(Imds.ArmResource).AsTask();
        await Clock.DriveAsync(task, time, TimeSpan.FromSeconds(1), TimeSpan.FromMinutes(5));

        var ex = Assert.ThrowsAsync<ManagedIdentityException>(() => task);
        Assert.Multiple(() =>
        {
            Assert.That(handler.Count, Is.EqualTo(6), "1 + MaxRetries (5)");
            Assert.That(ex!.Status, Is.EqualTo(503));
            Assert.That(ex.Error, Is.EqualTo("service_unavailable"));
            Assert.That(ex.ErrorDescription, Is.EqualTo("try later"));
            Assert.That(ex.Message, Does.Contain("6 attempts"));
        });
    }

    [Test]
    public void Identity_not_found_fails_at_once_with_a_plain_language_hint()
    {
        var time = Clock.Create();
        var handler = new StubHandler((_, _) => Imds.Error(HttpStatusCode.BadRequest, "invalid_request", "Identity not found"));
        using var credential = Create(handler, time, identity: ManagedIdentityId.FromClientId("0e3a1b2c-0000-4000-8000-00000000abcd"));

        var ex = Assert.ThrowsAsync<ManagedIdentityException>(async () => await credential.GetTokenAsync(Imds.ArmResource));

        Assert.Multiple(() =>
        {
            Assert.That(handler.Count, Is.EqualTo(1));
            Assert.That(ex!.Status, Is.EqualTo(400));
            Assert.That(ex.Error, Is.EqualTo("invalid_request"));
            Assert.That(ex.ErrorDescription, Is.EqualTo("Identity not found"));
            Assert.That(ex.Hint, Does.StartWith("Identity not found: no managed identity with that client id is assigned to this VM"));
            Assert.That(ex.Hint, Does.Contain("0e3a1b2c-0000-4000-8000-00000000abcd"));
            Assert.That(ex.Message, Does.Contain(ex.Hint).And.Contain("HTTP 400"));
        });
    }

    [Test]
    public void System_assigned_identity_not_found_says_to_enable_it()
    {
        var handler = new StubHandler((_, _) => Imds.Error(HttpStatusCode.BadRequest, "invalid_request", "Identity not found"));
        using var credential = Create(handler, Clock.Create());

        var ex = Assert.ThrowsAsync<ManagedIdentityException>(async () => await credential.GetTokenAsync(Imds.ArmResource));

        Assert.That(ex!.Hint, Does.Contain("no system-assigned managed identity"));
    }

    [Test]
    public void Multiple_identities_without_a_selector_explains_how_to_choose()
    {
        var handler = new StubHandler((_, _) => Imds.Error(HttpStatusCode.BadRequest, "invalid_request", "Multiple user assigned identities exist, please specify the clientId / resourceId of the identity in the token request"));
        using var credential = Create(handler, Clock.Create());

        var ex = Assert.ThrowsAsync<ManagedIdentityException>(async () => await credential.GetTokenAsync(Imds.ArmResource));

        Assert.That(ex!.Hint, Does.Contain("FromClientId"));
    }

    [Test]
    public async Task Unreachable_IMDS_is_retried_then_reported_as_not_reachable()
    {
        var time = Clock.Create();
        var handler = new StubHandler(new Func<HttpRequestMessage, int, HttpResponseMessage>((_, _) => throw new HttpRequestException("Connection refused (169.254.169.254:80)")));
        using var credential = Create(handler, time);

        var task = credential.GetTokenAsync(Imds.ArmResource).AsTask();
        await Clock.DriveAsync(task, time, TimeSpan.FromSeconds(1), TimeSpan.FromMinutes(5));

        var ex = Assert.ThrowsAsync<ManagedIdentityException>(() => task);
        Assert.Multiple(() =>
        {
            Assert.That(handler.Count, Is.EqualTo(6));
            Assert.That(ex!.Status, Is.Null);
            Assert.That(ex.Hint, Does.StartWith("IMDS not reachable").And.Contain("not on an Azure VM, or the endpoint override is wrong"));
            Assert.That(ex.InnerException, Is.InstanceOf<HttpRequestException>());
        });
    }

    [Test]
    public async Task Attempt_that_hangs_is_abandoned_after_the_per_attempt_timeout_and_retried()
    {
        var time = Clock.Create();
        var handler = new StubHandler(async (_, n) =>
        {
            if (n == 1)
            {
                await Task.Delay(Timeout.Infinite, CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(30));
            }

            return Imds.Token("tok", time.GetUtcNow(), TimeSpan.FromHours(24));
        });
        using var credential = Create(handler, time, o => o.Retry.NetworkTimeout = TimeSpan.FromSeconds(5));

        var task = credential.GetTokenAsync(Imds.ArmResource).AsTask();
        var used = await Clock.DriveAsync(task, time, TimeSpan.FromSeconds(1), TimeSpan.FromMinutes(1));

        Assert.That((await task).Token, Is.EqualTo("tok"));
        Assert.That(handler.Count, Is.EqualTo(2));
        Assert.That(used, Is.InRange(TimeSpan.FromSeconds(5), TimeSpan.FromSeconds(12)), "5 s attempt timeout + ~1 s backoff");
    }

    [Test]
    public async Task Overall_deadline_bounds_all_attempts()
    {
        var time = Clock.Create();
        var handler = new StubHandler((_, _) => Imds.Error(HttpStatusCode.InternalServerError, "unknown", "boom"));
        using var credential = Create(handler, time, o =>
        {
            o.Retry.MaxRetries = 100;
            o.Retry.OverallTimeout = TimeSpan.FromSeconds(20);
        });

        var task = credential.GetTokenAsync(Imds.ArmResource).AsTask();
        var used = await Clock.DriveAsync(task, time, TimeSpan.FromSeconds(1), TimeSpan.FromMinutes(5));

        var ex = Assert.ThrowsAsync<ManagedIdentityException>(() => task);
        Assert.That(ex!.Message, Does.Contain("deadline"));
        Assert.That(used, Is.LessThanOrEqualTo(TimeSpan.FromSeconds(21)));
    }

    [Test]
    public async Task IMDS_that_never_answers_fails_at_the_overall_deadline_as_not_reachable()
    {
        var time = Clock.Create();
        var handler = new StubHandler(async (_, _) =>
        {
            await Task.Delay(Timeout.Infinite);
            return new HttpResponseMessage();
        });
        using var credential = Create(handler, time, o => o.Retry.OverallTimeout = TimeSpan.FromSeconds(2));

        var task = credential.GetTokenAsync(Imds.ArmResource).AsTask();
        var used = await Clock.DriveAsync(task, time, TimeSpan.FromMilliseconds(500), TimeSpan.FromMinutes(1));

        var ex = Assert.ThrowsAsync<ManagedIdentityException>(() => task);
        Assert.That(ex!.Hint, Does.StartWith("IMDS not reachable").And.Contain("deadline of 2 s"));
        Assert.That(ex.Status, Is.Null);
        Assert.That(used, Is.LessThanOrEqualTo(TimeSpan.FromSeconds(3)));
    }

    [Test]
    public async Task Cancellation_during_a_retry_delay_stops_at_once()
    {
        var time = Clock.Create();
        var handler = new StubHandler((_, _) => Imds.Error(HttpStatusCode.InternalServerError, "unknown", "boom"));
        using var credential = Create(handler, time);
        using var cts = new CancellationTokenSource();

        var task = credential.GetTokenAsync(Imds.ArmResource, cts.Token).AsTask();
        await Clock.UntilAsync(() => handler.Count == 1);
        await Clock.SettleAsync(Task.Delay(20));
        Assert.That(handler.Count, Is.EqualTo(1), "first attempt done; now waiting ~1 s (fake) to retry");

        var before = time.GetUtcNow();
        await cts.CancelAsync();

        Assert.That(async () => await task.WaitAsync(TimeSpan.FromSeconds(5)), Throws.InstanceOf<OperationCanceledException>());
        Assert.That(time.GetUtcNow(), Is.EqualTo(before), "no fake time needed to observe the cancellation");

        // The shared request had only this waiter: it is cancelled too, so no further attempt is made.
        time.Advance(TimeSpan.FromMinutes(5));
        await Task.Delay(50);
        Assert.That(handler.Count, Is.EqualTo(1));
    }

    [Test]
    public void Already_cancelled_token_fails_without_a_request()
    {
        var handler = new StubHandler((_, _) => Imds.Token("tok", Imds.Start, TimeSpan.FromHours(1)));
        using var credential = Create(handler, Clock.Create());

        Assert.That(async () => await credential.GetTokenAsync(Imds.ArmResource, new CancellationToken(true)), Throws.InstanceOf<OperationCanceledException>());
        Assert.That(handler.Count, Is.Zero);
    }
}
