using System.Runtime.CompilerServices;

namespace GeneratedArm.Internal;

/// <summary>
/// The retry loop shared by <see cref="ArmClient"/> and the IMDS token client: per-attempt and overall deadlines,
/// backoff or the server's <c>Retry-After</c>, a duration-bounded cadence for statuses retried by time rather than
/// by count (IMDS's 410), and one uncounted immediate retry per call (ARM's 401 challenge). What an attempt sends
/// and how its outcome is classified belong to the operation (<see cref="IRetriedOperation{TResult}"/>).
/// </summary>
/// <remarks>
/// A plain <c>for</c> loop over a struct operation: on the success path nothing is allocated (no closure, no
/// boxed operation, no state machine when every await completes synchronously) beyond the timeout sources the
/// options ask for. See <see cref="RetryMath"/> for why this is hand-written rather than Polly.Core.
/// </remarks>
internal static class RetryLoop
{
    public static ValueTask<TResult> RunAsync<TOperation, TResult>(TOperation operation, RetrySettings settings, CancellationToken cancellationToken)
        where TOperation : struct, IRetriedOperation<TResult>
    {
        if (settings.ArmsAttemptTimeout || settings.Options.OverallTimeout != Timeout.InfiniteTimeSpan || settings.ReportsElapsed)
        {
            return LoopAsync<TOperation, TResult>(operation, settings, null, cancellationToken);
        }

        // Nothing to arm before the first attempt: start it here, and when it has already succeeded (a transport that
        // answers synchronously) return without the loop's state machine (measured: ~40 ns of a ~1 µs call).
        var context = new AttemptContext(1, RequestId.Next(), false, cancellationToken);
#pragma warning disable CA2012 // Consumed exactly once: read below when already complete, else awaited by the loop.
        var pending = operation.SendAsync(context, cancellationToken);
#pragma warning restore CA2012
        if (pending.IsCompletedSuccessfully)
        {
            var outcome = pending.Result;
            if (outcome.Failure is null)
            {
                return new ValueTask<TResult>(outcome.Result);
            }

            // Result consumed the task (it may be pooled): hand the loop the outcome itself.
            pending = new ValueTask<AttemptOutcome<TResult>>(outcome);
        }

        return LoopAsync<TOperation, TResult>(operation, settings, new StartedAttempt<TResult>(pending, context), cancellationToken);
    }

    // Pooled builder: when an attempt completes asynchronously (a real socket), the loop's state machine is rented
    // rather than boxed per call.
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    private static async ValueTask<TResult> LoopAsync<TOperation, TResult>(TOperation operation, RetrySettings settings, StartedAttempt<TResult>? first, CancellationToken cancellationToken)
        where TOperation : struct, IRetriedOperation<TResult>
    {
        var options = settings.Options;
        var time = settings.Time;
        using var overall = options.OverallTimeout == Timeout.InfiniteTimeSpan ? null : new TimeoutScope(options.OverallTimeout, time, cancellationToken);
        var overallToken = overall?.Token ?? cancellationToken;
        // Elapsed time matters only against a deadline or in a give-up message: no clock read on the success path otherwise.
        var start = overall is not null || settings.ReportsElapsed ? time.GetTimestamp() : 0;
        long windowStart = 0;
        var retries = 0;
        var immediateRetryUsed = false;
        object? carried = null;

        for (var attempt = 1; ; attempt++)
        {
            var context = attempt == 1 && first is { } started ? started.Context : new AttemptContext(attempt, RequestId.Next(), immediateRetryUsed, cancellationToken, carried);
            AttemptFailure failure;
            TimeSpan delay;
            using (var attemptScope = settings.ArmsAttemptTimeout ? new TimeoutScope(options.NetworkTimeout, time, overallToken) : null)
            {
                var attemptToken = attemptScope?.Token ?? overallToken;
                try
                {
                    var outcome = attempt == 1 && first is { } begun
                        ? await begun.Pending.ConfigureAwait(false)
                        : await operation.SendAsync(context, attemptToken).ConfigureAwait(false);
                    if (outcome.Failure is null)
                    {
                        return outcome.Result;
                    }

                    failure = outcome.Failure;
                }
                catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
                {
                    throw;
                }
                catch (OperationCanceledException ex) when (overall is not null && overall.TimedOut(cancellationToken))
                {
                    throw await GiveUpAsync<TOperation, TResult>(operation, AttemptFailure.NoAnswer(ex, context.ClientRequestId), GiveUpReason.DeadlineDuringAttempt, attempt, start, settings, cancellationToken).ConfigureAwait(false);
                }
                catch (OperationCanceledException ex) when ((attemptScope is not null && attemptScope.TimedOut(overallToken)) || (ex.InnerException is TimeoutException && !overallToken.IsCancellationRequested))
                {
                    // Our own per-attempt timeout, or HttpClient.Timeout (which reports itself with an inner TimeoutException).
                    failure = operation.NoAnswer(ex, settings.AttemptTimeout, context);
                }

                // Decide whether and when to try again; give up inside the attempt's scope, which bounds reading an error body.
                var reason = Decide(failure, settings, ref retries, ref windowStart, ref immediateRetryUsed, out delay);
                if (reason is { } giveUp)
                {
                    throw await GiveUpAsync<TOperation, TResult>(operation, failure, giveUp, attempt, start, settings, attemptToken).ConfigureAwait(false);
                }
            }

            carried = failure.Carry;
            if (failure.Kind == AttemptKind.RetryNow)
            {
                failure.Response?.Dispose();
                continue;
            }

            if (options.OverallTimeout != Timeout.InfiniteTimeSpan && time.GetElapsedTime(start) + delay >= options.OverallTimeout)
            {
                throw await GiveUpAsync<TOperation, TResult>(operation, failure, GiveUpReason.DeadlineBeforeRetry, attempt, start, settings, cancellationToken).ConfigureAwait(false);
            }

            operation.OnRetry(failure, attempt, retries, delay);
            failure.Response?.Dispose();
            try
            {
                await Task.Delay(delay, time, overallToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                throw await GiveUpAsync<TOperation, TResult>(operation, failure, GiveUpReason.DeadlineWhileWaiting, attempt, start, settings, cancellationToken).ConfigureAwait(false);
            }
        }
    }

    /// <summary>The retry decision for one failed attempt: <see langword="null"/> to retry after <paramref name="delay"/>, else why to give up.</summary>
    internal static GiveUpReason? Decide(AttemptFailure failure, RetrySettings settings, ref int retries, ref long windowStart, ref bool immediateRetryUsed, out TimeSpan delay)
    {
        var options = settings.Options;
        delay = TimeSpan.Zero;
        switch (failure.Kind)
        {
            case AttemptKind.RetryNow when !immediateRetryUsed:
                immediateRetryUsed = true;
                return null;
            case AttemptKind.RetryWithinWindow:
                var now = settings.Time.GetTimestamp();
                if (windowStart == 0)
                {
                    windowStart = now;
                }

                if (settings.Time.GetElapsedTime(windowStart, now) > settings.RetryWindow)
                {
                    return GiveUpReason.WindowPassed;
                }

                delay = failure.RetryAfter is { } requested && requested > settings.RetryWindowDelay ? requested : settings.RetryWindowDelay;
                break;
            case AttemptKind.Retry:
                if (retries >= options.MaxRetries)
                {
                    return GiveUpReason.RetriesExhausted;
                }

                retries++;
                delay = failure.RetryAfter ?? RetryMath.Backoff(options, retries);
                break;
            default:
                return GiveUpReason.NotRetriable;
        }

        return failure.RetryAfter > options.MaxRetryAfter ? GiveUpReason.RetryAfterTooLong : null;
    }

    private static async ValueTask<Exception> GiveUpAsync<TOperation, TResult>(
        TOperation operation, AttemptFailure failure, GiveUpReason reason, int attempts, long start, RetrySettings settings, CancellationToken cancellationToken)
        where TOperation : struct, IRetriedOperation<TResult>
    {
        try
        {
            var elapsed = start == 0 ? TimeSpan.Zero : settings.Time.GetElapsedTime(start);
            return await operation.GiveUpAsync(failure, reason, attempts, elapsed, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            failure.Response?.Dispose();
        }
    }
}

/// <summary>The settings one client's retry loop runs with; built once per client.</summary>
/// <param name="Options">Counts, backoff, timeouts.</param>
/// <param name="Time">The clock for delays and deadlines.</param>
/// <param name="ArmsAttemptTimeout">Whether the loop arms <see cref="RetryOptions.NetworkTimeout"/> per attempt (else the transport's own timeout does the job).</param>
/// <param name="AttemptTimeout">The per-attempt timeout in force, for messages.</param>
/// <param name="RetryWindow">How long <see cref="AttemptKind.RetryWithinWindow"/> failures are retried, counted from the first.</param>
/// <param name="RetryWindowDelay">The pause between <see cref="AttemptKind.RetryWithinWindow"/> attempts (a longer <c>Retry-After</c> wins).</param>
/// <param name="ReportsElapsed">Whether give-up messages need the time spent even without an overall deadline.</param>
internal sealed record RetrySettings(
    RetryOptions Options,
    TimeProvider Time,
    bool ArmsAttemptTimeout,
    TimeSpan AttemptTimeout,
    TimeSpan RetryWindow = default,
    TimeSpan RetryWindowDelay = default,
    bool ReportsElapsed = false);

/// <summary>One request that <see cref="RetryLoop"/> may send several times. Implemented by structs, so nothing is boxed.</summary>
/// <typeparam name="TResult">What a successful attempt produces.</typeparam>
internal interface IRetriedOperation<TResult>
{
    /// <summary>Sends one attempt and classifies its outcome. Cancellation propagates; network failures become a failed outcome.</summary>
    ValueTask<AttemptOutcome<TResult>> SendAsync(AttemptContext context, CancellationToken attemptToken);

    /// <summary>The failure for an attempt that got no answer within <paramref name="timeout"/>.</summary>
    AttemptFailure NoAnswer(Exception exception, TimeSpan timeout, AttemptContext context);

    /// <summary>Logs (and traces) a retry about to wait <paramref name="delay"/>.</summary>
    void OnRetry(AttemptFailure failure, int attempt, int retries, TimeSpan delay);

    /// <summary>The exception the call ends with.</summary>
    ValueTask<Exception> GiveUpAsync(AttemptFailure failure, GiveUpReason reason, int attempts, TimeSpan elapsed, CancellationToken cancellationToken);
}

/// <summary>A first attempt started before the loop (see <see cref="RetryLoop.RunAsync{TOperation, TResult}"/>).</summary>
internal readonly record struct StartedAttempt<TResult>(ValueTask<AttemptOutcome<TResult>> Pending, AttemptContext Context);

/// <summary>What the loop tells an attempt.</summary>
/// <param name="Attempt">1 for the first attempt.</param>
/// <param name="ClientRequestId">A new <c>x-ms-client-request-id</c> for this attempt.</param>
/// <param name="ImmediateRetryUsed">Whether this call's one <see cref="AttemptKind.RetryNow"/> is spent.</param>
/// <param name="CallerToken">The caller's cancellation, for work outside the attempt's timeout (e.g. getting a token).</param>
/// <param name="Carried">What the previous attempt handed on (<see cref="AttemptFailure.Carry"/>), e.g. a fresh token.</param>
internal readonly record struct AttemptContext(int Attempt, string ClientRequestId, bool ImmediateRetryUsed, CancellationToken CallerToken, object? Carried = null);

/// <summary>How a failed attempt may be retried.</summary>
internal enum AttemptKind
{
    /// <summary>Not retriable: give up.</summary>
    Fatal,

    /// <summary>Retry after backoff or <c>Retry-After</c>, counted against <see cref="RetryOptions.MaxRetries"/>.</summary>
    Retry,

    /// <summary>Retry on a fixed cadence for <see cref="RetrySettings.RetryWindow"/>, not counted (IMDS 410 while it updates).</summary>
    RetryWithinWindow,

    /// <summary>Retry at once, not counted; allowed once per call (a 401 challenge answered with a fresh token).</summary>
    RetryNow,
}

/// <summary>Why the loop stopped retrying.</summary>
internal enum GiveUpReason
{
    NotRetriable,
    RetriesExhausted,
    WindowPassed,
    RetryAfterTooLong,
    DeadlineDuringAttempt,
    DeadlineBeforeRetry,
    DeadlineWhileWaiting,
}

/// <summary>A failed attempt: how it may be retried, what to log, and what to build the final exception from.</summary>
/// <param name="Kind">How it may be retried.</param>
/// <param name="Reason">A short description for logs and messages, e.g. <c>HTTP 503</c>.</param>
/// <param name="ClientRequestId">The attempt's client request id.</param>
/// <param name="Exception">The network failure, or an exception built already.</param>
/// <param name="Response">An unread error response (the loop disposes it).</param>
/// <param name="RetryAfter">The delay the server asked for.</param>
/// <param name="Carry">State for the next attempt (ARM: the token that replaces a rejected one).</param>
/// <remarks>A class: allocated only when an attempt fails, it keeps the success path's outcome small to copy.</remarks>
internal sealed record AttemptFailure(
    AttemptKind Kind, string Reason, string ClientRequestId, Exception? Exception = null, HttpResponseMessage? Response = null, TimeSpan? RetryAfter = null, object? Carry = null)
{
    public static AttemptFailure NoAnswer(Exception exception, string clientRequestId) => new(AttemptKind.Fatal, "no answer", clientRequestId, exception);
}

/// <summary>An attempt's result, or its failure.</summary>
internal readonly struct AttemptOutcome<TResult>
{
    private AttemptOutcome(TResult result, AttemptFailure? failure)
    {
        Result = result;
        Failure = failure;
    }

    public TResult Result { get; }

    /// <summary><see langword="null"/> when the attempt succeeded.</summary>
    public AttemptFailure? Failure { get; }

    public static AttemptOutcome<TResult> Success(TResult result) => new(result, null);

    public static AttemptOutcome<TResult> Failed(AttemptFailure failure) => new(default!, failure);
}
