using Microsoft.Extensions.Logging;

namespace GeneratedArm;

/// <summary>
/// The settings every GeneratedArm client shares: where its requests go (<see cref="Transport"/>), how it retries,
/// where it logs and which clock it reads. Base of <see cref="ArmClientOptions"/> and
/// <see cref="Identity.ManagedIdentityCredentialOptions"/>, as Azure.Core's <c>ClientOptions</c> is of the Azure SDK's options.
/// </summary>
public abstract class ClientOptions
{
    private protected ClientOptions(RetryOptions retry)
    {
        Retry = retry;
    }

    /// <summary>
    /// The HTTP handler requests go through (tests plug in an emulator's handler here). Never disposed by the client.
    /// When <see langword="null"/> the client uses its own handler.
    /// </summary>
    public HttpMessageHandler? Transport { get; set; }

    /// <summary>How transient failures are retried; each client documents its defaults and which failures count.</summary>
    public RetryOptions Retry { get; set; }

    /// <summary>Where diagnostics go; <see langword="null"/> for none.</summary>
    public ILoggerFactory? LoggerFactory { get; set; }

    /// <summary>The clock for retry delays, <c>Retry-After</c> dates, timeouts and token lifetimes.</summary>
    public TimeProvider TimeProvider { get; set; } = TimeProvider.System;
}
