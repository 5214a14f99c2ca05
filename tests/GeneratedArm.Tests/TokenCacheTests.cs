using System.Net;
using GeneratedArm.Identity;
using GeneratedArm.Tests.Infrastructure;
using Microsoft.Extensions.Time.Testing;

namespace GeneratedArm.Tests;

public class TokenCacheTests
{
    private static ManagedIdentityCredential Create(StubHandler handler, FakeTimeProvider time) =>
        new(new ManagedIdentityCredentialOptions { Endpoint = new Uri("http://169.254.169.254"), Transport = handler, TimeProvider = time });

    [Test]
    public async Task Long_lived_token_is_refreshed_at_half_life_in_the_background_without_blocking()
    {
        var time = Clock.Create();
        var release = new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously);
        var handler = new StubHandler(async (_, n) =>
        {
            if (n == 2)
            {
                await release.Task; // the refresh is slow: callers must not wait for it
            }

            return Imds.Token($"token-{n}", time.GetUtcNow(), TimeSpan.FromHours(24));
        });
        using var credential = Create(handler, time);

        var first = await credential.GetTokenAsync(Imds.ArmResource);
        Assert.That(first.RefreshOn, Is.EqualTo(Imds.Start + TimeSpan.FromHours(12)));

        time.Advance(TimeSpan.FromHours(12) - TimeSpan.FromSeconds(1));
        Assert.That((await credential.GetTokenAsync(Imds.ArmResource)).Token, Is.EqualTo("token-1"));
        Assert.That(handler.Count, Is.EqualTo(1), "before RefreshOn: cache only");

        time.Advance(TimeSpan.FromSeconds(2));
        var during = credential.GetTokenAsync(Imds.ArmResource);
        Assert.That(during.IsCompletedSuccessfully, Is.True, "past RefreshOn the valid token is returned at once");
        Assert.That((await during).Token, Is.EqualTo("token-1"));
        await WaitUntil(() => handler.Count == 2);

        for (var i = 0; i < 100; i++)
        {
            Assert.That((await credential.GetTokenAsync(Imds.ArmResource)).Token, Is.EqualTo("token-1"));
        }

        Assert.That(handler.Count, Is.EqualTo(2), "one background refresh, not one per caller");
        release.SetResult(true);
        await WaitUntil(() => Peek(credential) == "token-2");
        Assert.That(handler.Count, Is.EqualTo(2));
    }

    [Test]
    public async Task Short_lived_token_is_refreshed_five_minutes_before_expiry()
    {
        var time = Clock.Create();
        var handler = new StubHandler((_, n) => Imds.Token($"token-{n}", time.GetUtcNow(), TimeSpan.FromHours(1)));
        using var credential = Create(handler, time);

        var first = await credential.GetTokenAsync(Imds.ArmResource);
        Assert.That(first.RefreshOn, Is.EqualTo(Imds.Start + TimeSpan.FromMinutes(55)));

        time.Advance(TimeSpan.FromMinutes(54));
        await credential.GetTokenAsync(Imds.ArmResource);
        Assert.That(handler.Count, Is.EqualTo(1));

        time.Advance(TimeSpan.FromMinutes(2));
        Assert.That((await credential.GetTokenAsync(Imds.ArmResource)).Token, Is.EqualTo("token-1"));
        await WaitUntil(() => Peek(credential) == "token-2");
        Assert.That(handler.Count, Is.EqualTo(2));
    }

    [Test]
    public async Task Expired_token_makes_callers_wait_for_a_new_one()
    {
        var time = Clock.Create();
        var handler = new StubHandler((_, n) => Imds.Token($"token-{n}", time.GetUtcNow(), TimeSpan.FromHours(1)));
        using var credential = Create(handler, time);
        await credential.GetTokenAsync(Imds.ArmResource);

        time.Advance(TimeSpan.FromHours(2));

        Assert.That((await credential.GetTokenAsync(Imds.ArmResource)).Token, Is.EqualTo("token-2"));
    }

    [Test]
    public async Task Failed_background_refresh_keeps_the_current_token_and_tries_again_later()
    {
        var time = Clock.Create();
        var handler = new StubHandler((_, n) => n == 1
            ? Imds.Token("token-1", time.GetUtcNow(), TimeSpan.FromHours(24))
            : Imds.Error(HttpStatusCode.BadRequest, "invalid_request", "Identity not found"));
        using var credential = Create(handler, time);
        await credential.GetTokenAsync(Imds.ArmResource);

        time.Advance(TimeSpan.FromHours(13));
        Assert.That((await credential.GetTokenAsync(Imds.ArmResource)).Token, Is.EqualTo("token-1"));
        await WaitUntil(() => handler.Count == 2);
        await Task.Delay(20);

        Assert.That((await credential.GetTokenAsync(Imds.ArmResource)).Token, Is.EqualTo("token-1"));
        Assert.That(handler.Count, Is.EqualTo(2), "no retry storm: next attempt only after RefreshRetryInterval");

        time.Advance(TimeSpan.FromSeconds(31));
        await WaitUntil(() => Peek(credential) == "token-1" && handler.Count == 3);
    }

    [Test]
    public async Task A_thousand_concurrent_callers_on_a_cold_cache_cause_exactly_one_IMDS_call()
    {
        var time = Clock.Create();
        var gate = new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously);
        var handler = new StubHandler(async (_, _) =>
        {
            await gate.Task;
            return Imds.Token("shared", time.GetUtcNow(), TimeSpan.FromHours(24));
        });
        using var credential = Create(handler, time);

        var callers = Enumerable.Range(0, 1000)
            .Select(_ => Task.Run(async () => await credential.GetTokenAsync(Imds.ArmResource)))
            .ToArray();
        await Task.Delay(100);
        gate.SetResult(true);
        var tokens = await Task.WhenAll(callers).WaitAsync(TimeSpan.FromSeconds(30));

        Assert.That(handler.Count, Is.EqualTo(1));
        Assert.That(tokens.Select(t => t.Token).Distinct(), Is.EqualTo((string[])["shared"]));
    }

    [Test]
    public async Task Concurrent_callers_share_one_failure_too()
    {
        var time = Clock.Create();
        var gate = new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously);
        var handler = new StubHandler(async (_, _) =>
        {
            await gate.Task;
            return Imds.Error(HttpStatusCode.BadRequest, "invalid_request", "Identity not found");
        });
        using var credential = Create(handler, time);

        // Each call joins the shared request before it returns its task, so all 50 wait on the same failure.
        var callers = Enumerable.Range(0, 50).Select(_ => credential.GetTokenAsync(Imds.ArmResource).AsTask()).ToArray();
        await Clock.UntilAsync(() => handler.Count == 1);
        gate.SetResult(true);

        foreach (var caller in callers)
        {
            Assert.That(async () => await caller, Throws.InstanceOf<ManagedIdentityException>());
        }

        Assert.That(handler.Count, Is.EqualTo(1));
    }

    [Test]
    public async Task One_cancelled_waiter_does_not_cancel_the_request_for_the_others()
    {
        var time = Clock.Create();
        var gate = new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously);
        var handler = new StubHandler(async (_, _) =>
        {
            await gate.Task;
            return Imds.Token("tok", time.GetUtcNow(), TimeSpan.FromHours(24));
        });
        using var credential = Create(handler, time);
        using var cts = new CancellationTokenSource();

        var impatient = credential.GetTokenAsync(Imds.ArmResource, cts.Token).AsTask();
        var patient = credential.GetTokenAsync(Imds.ArmResource).AsTask();
        await cts.CancelAsync();
        Assert.That(async () => await impatient, Throws.InstanceOf<OperationCanceledException>());

        gate.SetResult(true);
        Assert.That((await patient).Token, Is.EqualTo("tok"));
        Assert.That(handler.Count, Is.EqualTo(1));
    }

    [Test]
    public async Task Caches_are_per_resource()
    {
        var time = Clock.Create();
        var handler = new StubHandler((r, _) =>
        {
            var resource = Uri.UnescapeDataString(r.RequestUri!.Query).Contains("vault", StringComparison.Ordinal) ? "https://vault.azure.net" : Imds.ArmResource;
            return Imds.Token("for-" + resource, time.GetUtcNow(), TimeSpan.FromHours(24), resource);
        });
        using var credential = Create(handler, time);

        var arm = await credential.GetTokenAsync(Imds.ArmResource);
        var vault = await credential.GetTokenAsync("https://vault.azure.net/.default");

        Assert.That(arm.Token, Is.EqualTo("for-https://management.azure.com/"));
        Assert.That(vault.Token, Is.EqualTo("for-https://vault.azure.net"));
        Assert.That((await credential.GetTokenAsync(Imds.ArmResource)).Token, Is.EqualTo(arm.Token));
    }

    [Test]
    public async Task RefreshTokenAsync_replaces_a_rejected_token_once_even_when_many_callers_ask()
    {
        var time = Clock.Create();
        var handler = new StubHandler((_, n) => Imds.Token($"token-{n}", time.GetUtcNow(), TimeSpan.FromHours(24)));
        using var credential = Create(handler, time);
        var rejected = await credential.GetTokenAsync(Imds.ArmResource);

        var a = await credential.RefreshTokenAsync(Imds.ArmResource, rejected);
        var b = await credential.RefreshTokenAsync(Imds.ArmResource, rejected);

        Assert.That(a.Token, Is.EqualTo("token-2"));
        Assert.That(b.Token, Is.EqualTo("token-2"), "the rejected token is already gone: no second request");
        Assert.That(handler.Count, Is.EqualTo(2));
    }

    [Test]
    public async Task Concurrent_callers_across_two_days_of_fake_time_refresh_once_per_half_life()
    {
        var time = Clock.Create();
        var handler = new StubHandler((_, n) => Imds.Token($"token-{n}", time.GetUtcNow(), TimeSpan.FromHours(24)));
        using var credential = Create(handler, time);
        using var stop = new CancellationTokenSource();
        var failures = 0;

        var callers = Enumerable.Range(0, 4).Select(_ => Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                try
                {
                    var token = await credential.GetTokenAsync(Imds.ArmResource);
                    if (token.ExpiresOn <= time.GetUtcNow())
                    {
                        Interlocked.Increment(ref failures);
                    }
                }
                catch (Exception)
                {
                    Interlocked.Increment(ref failures);
                }
            }
        })).ToArray();

        for (var hour = 0; hour < 48; hour++)
        {
            time.Advance(TimeSpan.FromHours(1));
            await Task.Delay(10);
        }

        await stop.CancelAsync();
        await Task.WhenAll(callers);

        Assert.That(failures, Is.Zero, "no caller ever got an expired token or an exception");
        // Refresh at half life of the remaining lifetime: 0 h, then about every 12 h → 5 requests in 48 h (±1 for timing).
        Assert.That(handler.Count, Is.InRange(4, 6));
    }

    private static string Peek(ManagedIdentityCredential credential) =>
        credential.GetTokenAsync(Imds.ArmResource).AsTask().GetAwaiter().GetResult().Token;

    private static async Task WaitUntil(Func<bool> condition)
    {
        for (var i = 0; i < 500 && !condition(); i++)
        {
            await Task.Delay(10);
        }

        Assert.That(condition(), Is.True, "condition not met within 5 s");
    }
}
