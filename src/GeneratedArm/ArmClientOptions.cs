namespace GeneratedArm;

/// <summary>Options for <see cref="ArmClient"/>.</summary>
/// <remarks>
/// <see cref="ClientOptions.Transport"/> is used only by the constructor that does not take an <see cref="HttpClient"/>.
/// <see cref="ClientOptions.Retry"/> covers 408, 429, 500, 502, 503, 504 and network failures for idempotent methods
/// (GET, HEAD, PUT, DELETE, OPTIONS). Defaults: 3 retries from 0.8 s doubling, at most 60 s apart, 100 s per attempt.
/// </remarks>
public sealed class ArmClientOptions : ClientOptions
{
    /// <summary>Azure public cloud's Resource Manager address.</summary>
    public static readonly Uri DefaultEndpoint = new("https://management.azure.com");

    /// <summary>Azure public cloud's Resource Manager audience (App ID URI), as the Azure SDK requests it.</summary>
    public const string DefaultAudience = "https://management.azure.com/";

    /// <summary>Creates options for Azure public cloud with the default retries.</summary>
    public ArmClientOptions()
        : base(new RetryOptions())
    {
    }

    /// <summary>
    /// The Resource Manager address; requests go to <c>{Endpoint}{path}?api-version=…</c>. Must be HTTPS, or HTTP on a
    /// loopback address (a local emulator): the client refuses to send a bearer token anywhere else.
    /// </summary>
    public Uri Endpoint { get; set; } = DefaultEndpoint;

    /// <summary>
    /// The resource (or <c>/.default</c> scope) tokens are requested for. Default <c>https://management.azure.com/</c>.
    /// </summary>
    public string Audience { get; set; } = DefaultAudience;

    /// <summary>
    /// How long <see cref="ArmClient.WaitForCompletionAsync"/> waits between polls when ARM sends no <c>Retry-After</c>.
    /// </summary>
    public TimeSpan DefaultPollingInterval { get; set; } = TimeSpan.FromSeconds(30);

    internal ArmClientOptions Clone()
    {
        var clone = (ArmClientOptions)MemberwiseClone();
        clone.Retry = (Retry ?? new RetryOptions()).Clone();
        return clone;
    }
}
