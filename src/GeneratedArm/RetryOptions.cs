namespace GeneratedArm;

/// <summary>
/// How a client retries transient failures: bounded attempts, exponential backoff with jitter, a per-attempt
/// timeout and an overall deadline. A <c>Retry-After</c> from the service replaces the computed delay.
/// </summary>
public sealed class RetryOptions
{
    /// <summary>How many times a failed request is retried (so at most <c>MaxRetries + 1</c> attempts). Zero disables retries.</summary>
    public int MaxRetries { get; set; } = 3;

    /// <summary>The first retry's delay; each later one doubles it (with ±20 % jitter).</summary>
    public TimeSpan Delay { get; set; } = TimeSpan.FromSeconds(0.8);

    /// <summary>The longest computed delay between attempts.</summary>
    public TimeSpan MaxDelay { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>
    /// The longest a server-requested delay (<c>Retry-After</c>, <c>x-ms-retry-after-ms</c>) is honoured; a longer
    /// request fails the call at once instead of parking it.
    /// </summary>
    public TimeSpan MaxRetryAfter { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>How long one attempt may take before it is abandoned (and retried, if attempts remain).</summary>
    public TimeSpan NetworkTimeout { get; set; } = TimeSpan.FromSeconds(100);

    /// <summary>The deadline for the whole operation, all attempts and delays included. <see cref="Timeout.InfiniteTimeSpan"/> for none.</summary>
    public TimeSpan OverallTimeout { get; set; } = Timeout.InfiniteTimeSpan;

    internal RetryOptions Clone() => (RetryOptions)MemberwiseClone();

    internal void Validate(string name)
    {
        if (MaxRetries < 0)
        {
            throw new ArgumentOutOfRangeException(name, MaxRetries, "MaxRetries must not be negative.");
        }

        if (Delay < TimeSpan.Zero || MaxDelay < TimeSpan.Zero || MaxRetryAfter < TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(name, "Retry delays must not be negative.");
        }

        if (NetworkTimeout <= TimeSpan.Zero && NetworkTimeout != Timeout.InfiniteTimeSpan)
        {
            throw new ArgumentOutOfRangeException(name, NetworkTimeout, "NetworkTimeout must be positive or infinite.");
        }

        if (OverallTimeout <= TimeSpan.Zero && OverallTimeout != Timeout.InfiniteTimeSpan)
        {
            throw new ArgumentOutOfRangeException(name, OverallTimeout, "OverallTimeout must be positive or infinite.");
        }
    }
}
