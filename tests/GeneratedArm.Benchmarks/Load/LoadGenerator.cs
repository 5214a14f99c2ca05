using System.Diagnostics;
using System.Net;
using System.Net.Security;
using System.Security.Cryptography.X509Certificates;

namespace GeneratedArm.Benchmarks.Load;

/// <summary>What one load run measured (<see cref="LatencyTicks"/>: every request's latency, sorted, in Stopwatch ticks).</summary>
public sealed record LoadResult(string Name, long Requests, long Failures, TimeSpan Elapsed, long[] LatencyTicks)
{
    public double P50Ms => Percentile(0.50);

    public double P99Ms => Percentile(0.99);

    private double Percentile(double p) =>
        LatencyTicks.Length == 0 ? double.NaN : LatencyTicks[Math.Min(LatencyTicks.Length - 1, (int)(p * LatencyTicks.Length))] * 1000.0 / Stopwatch.Frequency;

    /// <summary>Several rounds of the same load as one result: requests and time summed, percentiles over every latency.</summary>
    public static LoadResult Combine(IReadOnlyList<LoadResult> rounds)
    {
        var all = rounds.SelectMany(r => r.LatencyTicks).ToArray();
        Array.Sort(all);
        return new LoadResult(rounds[0].Name, rounds.Sum(r => r.Requests), rounds.Sum(r => r.Failures),
            TimeSpan.FromTicks(rounds.Sum(r => r.Elapsed.Ticks)), all);
    }

    public double RequestsPerSecond => Requests / Elapsed.TotalSeconds;

    public override string ToString() =>
        $"{Name,-34} {RequestsPerSecond,10:N0} req/s   p50 {P50Ms,7:N3} ms   p99 {P99Ms,7:N3} ms   ({Requests:N0} requests, {Failures:N0} failed)";
}

/// <summary>
/// A small closed-loop HTTP load generator (like wrk): <c>connections</c> workers, each with its own keep-alive connection, send the
/// same request back to back until the request budget or the time budget is spent; every latency is kept for the percentiles.
/// Bounded by design: loopback targets only, at most <see cref="MaxRequests"/> requests and <see cref="MaxDuration"/> per run.
/// </summary>
public sealed class LoadGenerator : IDisposable
{
    public const long MaxRequests = 5_000_000;
    public static readonly TimeSpan MaxDuration = TimeSpan.FromSeconds(120);

    private readonly HttpClient _client;
    private readonly int _connections;

    /// <summary>The generator's client (pinned certificate), for one-off requests.</summary>
    public HttpClient Client => _client;

    /// <param name="trustedCertificate">The only certificate accepted for HTTPS (the emulator's self-signed one), pinned.</param>
    public LoadGenerator(int connections, X509Certificate2? trustedCertificate)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(connections, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(connections, 1024);
        _connections = connections;
        var handler = new SocketsHttpHandler
        {
            MaxConnectionsPerServer = connections,
            UseCookies = false,
            UseProxy = false,
            AutomaticDecompression = DecompressionMethods.None,
            PooledConnectionIdleTimeout = TimeSpan.FromMinutes(5),
            SslOptions = new SslClientAuthenticationOptions
            {
                RemoteCertificateValidationCallback = (_, certificate, _, _) =>
                    trustedCertificate is not null && certificate is not null
                    && certificate.GetCertHashString() == trustedCertificate.GetCertHashString(),
            },
        };
        _client = new HttpClient(handler) { Timeout = TimeSpan.FromSeconds(30) };
    }

    /// <summary>Sends <paramref name="create"/>'s request for <paramref name="warmup"/> (not measured), then measures until a budget is spent.</summary>
    public async Task<LoadResult> RunAsync(string name, Func<int, long, HttpRequestMessage> create, long maxRequests, TimeSpan duration, TimeSpan warmup)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThan(maxRequests, MaxRequests);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(duration, MaxDuration);
        if (warmup > TimeSpan.Zero) await RunCoreAsync(create, maxRequests, warmup, measure: false).ConfigureAwait(false);
        var run = await RunCoreAsync(create, maxRequests, duration, measure: true).ConfigureAwait(false);
        return Summarize(name, run);
    }

    private sealed record Run(List<long>[] Latencies, long Failures, TimeSpan Elapsed);

    private async Task<Run> RunCoreAsync(Func<int, long, HttpRequestMessage> create, long maxRequests, TimeSpan duration, bool measure)
    {
        long issued = 0, failures = 0;
        var latencies = new List<long>[_connections];
        using var stop = new CancellationTokenSource(duration);
        var started = Stopwatch.GetTimestamp();
        var workers = Enumerable.Range(0, _connections).Select(worker => Task.Run(async () =>
        {
            var mine = latencies[worker] = new List<long>(measure ? 64 * 1024 : 0);
            while (!stop.IsCancellationRequested)
            {
                long sequence = Interlocked.Increment(ref issued);
                if (sequence > maxRequests) break;
                using var request = create(worker, sequence);
                long begin = Stopwatch.GetTimestamp();
                try
                {
                    using var response = await _client.SendAsync(request, HttpCompletionOption.ResponseContentRead).ConfigureAwait(false);
                    if ((int)response.StatusCode >= 400) Interlocked.Increment(ref failures);
                }
                catch (HttpRequestException)
                {
                    Interlocked.Increment(ref failures);
                }
                if (measure) mine.Add(Stopwatch.GetTimestamp() - begin);
            }
        })).ToArray();
        await Task.WhenAll(workers).ConfigureAwait(false);
        return new Run(latencies, failures, Stopwatch.GetElapsedTime(started));
    }

    private static LoadResult Summarize(string name, Run run)
    {
        var all = run.Latencies.SelectMany(l => l).ToArray();
        Array.Sort(all);
        return new LoadResult(name, all.Length, run.Failures, run.Elapsed, all);
    }

    public void Dispose() => _client.Dispose();
}
