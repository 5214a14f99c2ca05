using GeneratedArm.Azure;
using Microsoft.Extensions.Time.Testing;
using AzureCoreAccessToken = Azure.Core.AccessToken;
using AzureCoreCredential = Azure.Core.TokenCredential;
using AzureCoreRequestContext = Azure.Core.TokenRequestContext;

namespace GeneratedArm.Azure.Tests;

/// <summary>An Azure SDK credential seen as GeneratedArm's: scopes, caching and refresh, with a fake clock.</summary>
public class AzureCoreCredentialAdapterTests
{
    private const string Arm = "https://management.azure.com/";

    /// <summary>Counts requests and answers each with a new token valid for one hour (refresh time optional).</summary>
    private sealed class CountingCredential(TimeProvider time, TimeSpan? refreshAfter = null) : AzureCoreCredential
    {
        private int _calls;

        public int Calls => Volatile.Read(ref _calls);

        public List<string[]> Scopes { get; } = [];

        public TaskCompletionSource? Gate { get; set; }

        public Exception? Failure { get; set; }

        public override AzureCoreAccessToken GetToken(AzureCoreRequestContext requestContext, CancellationToken cancellationToken) =>
            GetTokenAsync(requestContext, cancellationToken).AsTask().GetAwaiter().GetResult();

        public override async ValueTask<AzureCoreAccessToken> GetTokenAsync(AzureCoreRequestContext requestContext, CancellationToken cancellationToken)
        {
            int call = Interlocked.Increment(ref _calls);
            lock (Scopes)
            {
                Scopes.Add(requestContext.Scopes);
            }

            if (Gate is { } gate)
            {
                await gate.Task;
            }

            if (Failure is { } failure)
            {
                throw failure;
            }

            var now = time.GetUtcNow();
            return new AzureCoreAccessToken($"token-{call}", now.AddHours(1), refreshAfter is { } r ? now + r : null, "Bearer");
        }
    }

    private static FakeTimeProvider Clock() => new(new DateTimeOffset(2026, 12, 7, 0, 0, 0, TimeSpan.Zero));

    [Test]
    public async Task A_resource_is_requested_as_its_default_scope_and_a_scope_as_it_is()
    {
        var time = Clock();
        var inner = new CountingCredential(time);
        var adapter = new AzureCoreCredentialAdapter(inner, time);

        var token = await adapter.GetTokenAsync(Arm);
        await adapter.GetTokenAsync("https://vault.azure.net/.default");

        Assert.That(inner.Scopes.Select(s => string.Join(' ', s)), Is.EqualTo(new[] { "https://management.azure.com//.default", "https://vault.azure.net/.default" }));
        Assert.That(token.Resource, Is.EqualTo(Arm));
        Assert.That(token.TokenType, Is.EqualTo("Bearer"));
        Assert.That(token.ToString(), Does.Not.Contain("token-1"));
    }

    [Test]
    public async Task A_token_without_its_own_refresh_time_is_reused_until_five_minutes_before_expiry()
    {
        var time = Clock();
        var inner = new CountingCredential(time);
        var adapter = new AzureCoreCredentialAdapter(inner, time);

        var first = await adapter.GetTokenAsync(Arm);
        time.Advance(TimeSpan.FromMinutes(54));
        var cached = await adapter.GetTokenAsync(Arm);
        time.Advance(TimeSpan.FromMinutes(1) + TimeSpan.FromSeconds(1));
        var renewed = await adapter.GetTokenAsync(Arm);

        Assert.That(first.RefreshOn, Is.EqualTo(first.ExpiresOn - TimeSpan.FromMinutes(5)));
        Assert.That(cached.Token, Is.EqualTo("token-1"));
        Assert.That(renewed.Token, Is.EqualTo("token-2"));
        Assert.That(inner.Calls, Is.EqualTo(2));
    }

    [Test]
    public async Task A_token_with_a_refresh_time_is_fetched_again_once_that_time_has_come()
    {
        var time = Clock();
        var inner = new CountingCredential(time, refreshAfter: TimeSpan.FromMinutes(30));
        var adapter = new AzureCoreCredentialAdapter(inner, time);

        await adapter.GetTokenAsync(Arm);
        time.Advance(TimeSpan.FromMinutes(29));
        var before = await adapter.GetTokenAsync(Arm);
        time.Advance(TimeSpan.FromMinutes(1));
        var after = await adapter.GetTokenAsync(Arm);

        Assert.That(before.Token, Is.EqualTo("token-1"));
        Assert.That(after.Token, Is.EqualTo("token-2"));
    }

    [Test]
    public async Task Concurrent_callers_share_one_request_to_the_Azure_SDK_credential()
    {
        var inner = new CountingCredential(TimeProvider.System) { Gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously) };
        var adapter = new AzureCoreCredentialAdapter(inner);

        var callers = Enumerable.Range(0, 8).Select(_ => adapter.GetTokenAsync(Arm).AsTask()).ToArray();
        inner.Gate.SetResult();
        var tokens = await Task.WhenAll(callers);

        Assert.That(inner.Calls, Is.EqualTo(1));
        Assert.That(tokens.Select(t => t.Token).Distinct(), Is.EqualTo(new[] { "token-1" }));
    }

    [Test]
    public async Task A_caller_that_cancels_stops_waiting_without_cancelling_the_request_for_the_others()
    {
        var inner = new CountingCredential(TimeProvider.System) { Gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously) };
        var adapter = new AzureCoreCredentialAdapter(inner);
        using var cancel = new CancellationTokenSource();

        var impatient = adapter.GetTokenAsync(Arm, cancel.Token).AsTask();
        var patient = adapter.GetTokenAsync(Arm).AsTask();
        await cancel.CancelAsync();
        inner.Gate.SetResult();

        Assert.That(async () => await impatient, Throws.InstanceOf<OperationCanceledException>());
        Assert.That((await patient).Token, Is.EqualTo("token-1"));
    }

    [Test]
    public async Task A_token_the_service_rejected_is_dropped_and_a_new_one_fetched()
    {
        var inner = new CountingCredential(TimeProvider.System);
        var adapter = new AzureCoreCredentialAdapter(inner);

        var rejected = await adapter.GetTokenAsync(Arm);
        var replacement = await adapter.RefreshTokenAsync(Arm, rejected);
        var cached = await adapter.GetTokenAsync(Arm);

        Assert.That(replacement.Token, Is.EqualTo("token-2"));
        Assert.That(cached.Token, Is.EqualTo("token-2"));
    }

    [Test]
    public async Task A_failure_is_not_cached_and_the_next_call_asks_again()
    {
        var inner = new CountingCredential(TimeProvider.System) { Failure = new InvalidOperationException("no credential available") };
        var adapter = new AzureCoreCredentialAdapter(inner);

        Assert.That(async () => await adapter.GetTokenAsync(Arm), Throws.InvalidOperationException.With.Message.EqualTo("no credential available"));
        inner.Failure = null;
        var token = await adapter.GetTokenAsync(Arm);

        Assert.That(token.Token, Is.EqualTo("token-2"));
    }

    [Test]
    public void Converting_an_adapter_back_unwraps_it_instead_of_wrapping_twice()
    {
        var inner = new CountingCredential(TimeProvider.System);

        var generatedArm = inner.AsGeneratedArmCredential();

        Assert.That(generatedArm, Is.InstanceOf<AzureCoreCredentialAdapter>());
        Assert.That(generatedArm.AsAzureCoreCredential(), Is.SameAs(inner));
    }
}
