namespace GeneratedArm.TestServer.Arm.Throttling;

/// <summary>Which of ARM's buckets a request draws from.</summary>
internal enum ArmOperationKind
{
    Read,
    Write,
    Delete,
}

/// <summary>
/// ARM's token buckets: one per (subscription, principal, operation kind), each refilled continuously at its rate up to its size
/// ("per subscription, per service principal, and per operation type" — request-limits-and-throttling.md).
/// </summary>
internal sealed class TokenBuckets(TimeProvider clock)
{
    private readonly Lock _gate = new();
    private readonly Dictionary<(string Subscription, string Principal, ArmOperationKind Kind), Bucket> _buckets = new(KeyComparer.Instance);

    /// <summary>Case-insensitive keys without upper-casing copies on every request.</summary>
    private sealed class KeyComparer : IEqualityComparer<(string Subscription, string Principal, ArmOperationKind Kind)>
    {
        public static readonly KeyComparer Instance = new();

        public bool Equals((string Subscription, string Principal, ArmOperationKind Kind) x, (string Subscription, string Principal, ArmOperationKind Kind) y) =>
            x.Kind == y.Kind && StringComparer.OrdinalIgnoreCase.Equals(x.Subscription, y.Subscription) && StringComparer.OrdinalIgnoreCase.Equals(x.Principal, y.Principal);

        public int GetHashCode((string Subscription, string Principal, ArmOperationKind Kind) key) =>
            HashCode.Combine(StringComparer.OrdinalIgnoreCase.GetHashCode(key.Subscription), StringComparer.OrdinalIgnoreCase.GetHashCode(key.Principal), key.Kind);
    }

    private sealed class Bucket(double tokens, DateTimeOffset at)
    {
        public double Tokens = tokens;
        public DateTimeOffset At = at;
    }

    /// <summary>
    /// Takes one token. Returns whether one was available, the tokens left (for <c>x-ms-ratelimit-remaining-…</c>) and, when none was,
    /// the whole seconds until one will be (for <c>Retry-After</c>). When <paramref name="enforce"/> is false the request always passes.
    /// </summary>
    public (bool Allowed, int Remaining, int RetryAfterSeconds) Take(string subscription, string principal, ArmOperationKind kind, ThrottlingLimits limits, bool enforce)
    {
        var (size, rate) = kind switch
        {
            ArmOperationKind.Read => (limits.Reads, limits.ReadsPerSecond),
            ArmOperationKind.Write => (limits.Writes, limits.WritesPerSecond),
            _ => (limits.Deletes, limits.DeletesPerSecond),
        };
        var now = clock.GetUtcNow();
        lock (_gate)
        {
            var key = (subscription, principal, kind);
            if (!_buckets.TryGetValue(key, out var bucket)) _buckets[key] = bucket = new Bucket(size, now);
            double elapsed = Math.Max(0, (now - bucket.At).TotalSeconds);
            bucket.Tokens = Math.Min(size, bucket.Tokens + elapsed * rate);
            bucket.At = now;
            if (bucket.Tokens >= 1)
            {
                bucket.Tokens -= 1;
                return (true, (int)Math.Floor(bucket.Tokens), 0);
            }
            if (!enforce) return (true, 0, 0);
            int retryAfter = rate <= 0 ? 60 : Math.Max(1, (int)Math.Ceiling((1 - bucket.Tokens) / rate));
            return (false, 0, retryAfter);
        }
    }

    public void Clear()
    {
        lock (_gate) { _buckets.Clear(); }
    }
}
