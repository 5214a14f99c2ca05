using Microsoft.Extensions.Logging;

namespace GeneratedArm;

/// <summary>Options for <see cref="ArmClient"/>.</summary>
public sealed class ArmClientOptions
{
    /// <summary>Azure public cloud's Resource Manager address.</summary>
    public static readonly Uri DefaultEndpoint = new("https://management.azure.com");

    /// <summary>Azure public cloud's Resource Manager audience (App ID URI), as the Azure SDK requests it.</summary>
    public const string DefaultAudience = "https://management.azure.com/";

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
    /// The HTTP handler requests go through (tests plug in an emulator's handler). Used only by the constructor that
    /// does not take an <see cref="HttpClient"/>; never disposed by the client.
    /// </summary>
    public HttpMessageHandler? Transport { get; set; }

    /// <summary>
    /// How 408, 429, 500, 502, 503, 504 and network failures are retried for idempotent methods (GET, HEAD, PUT,
    /// DELETE, OPTIONS). Defaults: 3 retries from 0.8 s doubling, at most 60 s apart, 100 s per attempt.
    /// </summary>
    public RetryOptions Retry { get; set; } = new();

    /// <summary>
    /// How long <see cref="ArmClient.WaitForCompletionAsync"/> waits between polls when ARM sends no <c>Retry-After</c>.
    /// </summary>
    public TimeSpan DefaultPollingInterval { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Where diagnostics go; <see langword="null"/> for none.</summary>
    public ILoggerFactory? LoggerFactory { get; set; }

    /// <summary>The clock for retry delays, <c>Retry-After</c> dates and timeouts.</summary>
    public TimeProvider TimeProvider { get; set; } = TimeProvider.System;

    internal ArmClientOptions Clone()
    {
        var clone = (ArmClientOptions)MemberwiseClone();
        clone.Retry = (Retry ?? new RetryOptions()).Clone();
        return clone;
    }
}
