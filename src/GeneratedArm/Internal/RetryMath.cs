using System.Globalization;

namespace GeneratedArm.Internal;

/// <summary>
/// Backoff and <c>Retry-After</c> arithmetic shared by the IMDS and ARM retry loops.
/// </summary>
/// <remarks>
/// Both retry loops are hand-written rather than built on Polly.Core: the IMDS rules are status-specific
/// (410 retried on a fixed cadence for a minimum <em>duration</em> rather than a count, 404/408/429/5xx on
/// exponential backoff), every decision needs the <see cref="HttpResponseMessage"/> that Polly would have to
/// carry through its outcome, and the ARM loop sits on the hot path, where a plain <c>for</c> loop costs
/// nothing on the success path (no <c>ResilienceContext</c> rent/return, no pipeline delegate invocation).
/// Each loop is about 60 lines and is tested with a fake <see cref="TimeProvider"/>.
/// </remarks>
internal static class RetryMath
{
    /// <summary>Exponential backoff: <c>Delay · 2^(retry-1)</c>, ±20 % jitter, capped at <c>MaxDelay</c>.</summary>
    public static TimeSpan Backoff(RetryOptions options, int retryNumber)
    {
        double baseMs = options.Delay.TotalMilliseconds * Math.Pow(2, Math.Min(retryNumber - 1, 30));
        double jittered = baseMs * (0.8 + (Random.Shared.NextDouble() * 0.4));
        double capped = Math.Min(jittered, options.MaxDelay.TotalMilliseconds);
        return TimeSpan.FromMilliseconds(Math.Max(0, capped));
    }

    /// <summary>
    /// The delay a response asks for: <c>x-ms-retry-after-ms</c>, <c>retry-after-ms</c>, then <c>Retry-After</c>
    /// (delta-seconds or HTTP-date, the latter relative to <paramref name="now"/>).
    /// </summary>
    public static TimeSpan? GetRetryAfter(HttpResponseMessage response, DateTimeOffset now)
    {
        var headers = response.Headers;
        if (TryGetMilliseconds(headers, "x-ms-retry-after-ms", out var ms) || TryGetMilliseconds(headers, "retry-after-ms", out ms))
        {
            return ms;
        }

        if (!headers.Contains("Retry-After"))
        {
            return null;
        }

        var retryAfter = headers.RetryAfter;
        if (retryAfter?.Delta is { } delta)
        {
            return delta < TimeSpan.Zero ? TimeSpan.Zero : delta;
        }

        if (retryAfter?.Date is { } date)
        {
            var wait = date - now;
            return wait < TimeSpan.Zero ? TimeSpan.Zero : wait;
        }

        // Some services send fractional seconds, which the typed parser rejects.
        if (headers.TryGetValues("Retry-After", out var values))
        {
            foreach (var value in values)
            {
                if (double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var seconds) && seconds >= 0 && seconds < TimeSpan.MaxValue.TotalSeconds)
                {
                    return TimeSpan.FromSeconds(seconds);
                }
            }
        }

        return null;
    }

    private static bool TryGetMilliseconds(System.Net.Http.Headers.HttpResponseHeaders headers, string name, out TimeSpan value)
    {
        if (headers.TryGetValues(name, out var values))
        {
            foreach (var text in values)
            {
                if (double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var ms) && ms >= 0 && ms < TimeSpan.MaxValue.TotalMilliseconds)
                {
                    value = TimeSpan.FromMilliseconds(ms);
                    return true;
                }
            }
        }

        value = default;
        return false;
    }

}

/// <summary>
/// A cancellation source that fires after a timeout measured on a <see cref="TimeProvider"/> (so fake clocks
/// drive it) or when the caller's token fires, whichever is first.
/// </summary>
internal sealed class TimeoutScope : IDisposable
{
    private readonly CancellationTokenSource _source;
    private readonly CancellationTokenRegistration _registration;

    public TimeoutScope(TimeSpan timeout, TimeProvider timeProvider, CancellationToken linkedTo)
    {
        _source = timeout == Timeout.InfiniteTimeSpan ? new CancellationTokenSource() : new CancellationTokenSource(timeout, timeProvider);
        if (linkedTo.CanBeCanceled)
        {
            _registration = linkedTo.UnsafeRegister(static s => ((CancellationTokenSource)s!).Cancel(), _source);
        }
    }

    /// <summary>Fires on timeout or on the linked token.</summary>
    public CancellationToken Token => _source.Token;

    /// <summary>Whether the timeout (and not the linked token) fired.</summary>
    public bool TimedOut(CancellationToken linkedTo) => _source.IsCancellationRequested && !linkedTo.IsCancellationRequested;

    public void Dispose()
    {
        _registration.Dispose();
        _source.Dispose();
    }
}
