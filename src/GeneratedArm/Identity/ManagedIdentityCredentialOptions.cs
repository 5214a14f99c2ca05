namespace GeneratedArm.Identity;

/// <summary>Options for <see cref="ManagedIdentityCredential"/>.</summary>
/// <remarks>
/// <see cref="ClientOptions.Transport"/>: when <see langword="null"/> the credential uses its own handler, which bypasses
/// proxies as IMDS requires. <see cref="ClientOptions.Retry"/> covers 404, 408, 429 and 5xx answers and network failures.
/// Defaults: 5 retries from 1 s doubling (so ~1, 2, 4, 8, 16 s, ±20 % jitter), at most 30 s apart, 30 s per attempt,
/// 3 minutes overall.
/// </remarks>
public sealed class ManagedIdentityCredentialOptions : ClientOptions
{
    /// <summary>The environment variable the Azure SDKs honour for the IMDS address.</summary>
    public const string EndpointEnvironmentVariable = "AZURE_POD_IDENTITY_AUTHORITY_HOST";

    /// <summary>IMDS's well-known address.</summary>
    public static readonly Uri DefaultEndpoint = new("http://169.254.169.254");

    /// <summary>Creates options for the system-assigned identity with IMDS's retry guidance.</summary>
    public ManagedIdentityCredentialOptions()
        : base(new RetryOptions
        {
            MaxRetries = 5,
            Delay = TimeSpan.FromSeconds(1),
            MaxDelay = TimeSpan.FromSeconds(30),
            NetworkTimeout = TimeSpan.FromSeconds(30),
            OverallTimeout = TimeSpan.FromMinutes(3),
        })
    {
    }

    /// <summary>
    /// The IMDS base address, e.g. <c>http://169.254.169.254</c>. When <see langword="null"/>: the environment
    /// variable <c>AZURE_POD_IDENTITY_AUTHORITY_HOST</c>, else <c>http://169.254.169.254</c>. The path
    /// <c>/metadata/identity/oauth2/token</c> is appended.
    /// </summary>
    public Uri? Endpoint { get; set; }

    /// <summary>Which identity to request tokens for. Defaults to the system-assigned identity.</summary>
    public ManagedIdentityId Identity { get; set; } = ManagedIdentityId.SystemAssigned;

    /// <summary>
    /// How long 410 Gone is retried: IMDS answers 410 while it is being updated and is back "within 70 seconds",
    /// so the default keeps trying for at least 70 s regardless of <see cref="RetryOptions.MaxRetries"/>.
    /// </summary>
    public TimeSpan GoneRetryDuration { get; set; } = TimeSpan.FromSeconds(70);

    /// <summary>The pause between attempts while IMDS answers 410 Gone.</summary>
    public TimeSpan GoneRetryDelay { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// How long before <see cref="AccessToken.ExpiresOn"/> a cached token stops being handed out (callers then wait
    /// for a fresh one), so a token never expires in flight.
    /// </summary>
    public TimeSpan ExpirySafetyMargin { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>After a failed background refresh, how long to keep using the current token before trying again.</summary>
    public TimeSpan RefreshRetryInterval { get; set; } = TimeSpan.FromSeconds(30);

    internal Uri ResolveEndpoint()
    {
        if (Endpoint is not null)
        {
            return Endpoint;
        }

        var fromEnvironment = Environment.GetEnvironmentVariable(EndpointEnvironmentVariable);
        if (!string.IsNullOrWhiteSpace(fromEnvironment))
        {
            if (Uri.TryCreate(fromEnvironment.Trim(), UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttp || uri.Scheme == Uri.UriSchemeHttps))
            {
                return uri;
            }

            throw new ManagedIdentityException(
                $"The environment variable {EndpointEnvironmentVariable} is set to '{fromEnvironment}', which is not an absolute http(s) address.");
        }

        return DefaultEndpoint;
    }
}
