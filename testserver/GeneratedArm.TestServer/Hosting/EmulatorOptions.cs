using GeneratedArm.TestServer.Faults;
using GeneratedArm.TestServer.Identity;
using GeneratedArm.TestServer.State;

namespace GeneratedArm.TestServer.Hosting;

/// <summary>Everything an <see cref="EmulatorBuilder"/> configures, as data.</summary>
internal sealed class EmulatorOptions
{
    private SigningKey? _signingKey;

    public EmulatorStateSnapshot InitialState { get; set; } = TutorialDefaults.CreateSnapshot();

    /// <summary>Lifetime of issued tokens (Entra's managed-identity tokens live about 24 h).</summary>
    public TimeSpan TokenLifetime { get; set; } = TimeSpan.FromHours(24);

    /// <summary>Added to the clock when the emulator issues tokens (simulates a skewed token issuer).</summary>
    public TimeSpan ClockSkew { get; set; }

    /// <summary>Clock skew ARM tolerates when checking <c>nbf</c>/<c>exp</c>.</summary>
    public TimeSpan ArmClockTolerance { get; set; } = TimeSpan.FromMinutes(5);

    public TimeProvider TimeProvider { get; set; } = TimeProvider.System;

    /// <summary>The signing key; the process-wide key unless one was configured (resolved lazily: generating one is slow).</summary>
    public SigningKey SigningKey
    {
        get => _signingKey ?? SigningKey.ProcessDefault;
        set => _signingKey = value;
    }

    /// <summary>Extra keys whose tokens ARM accepts (e.g. the previous key during a rotation).</summary>
    public List<SigningKey> AdditionalTrustedKeys { get; } = [];

    /// <summary>IMDS's documented limits (20 requests/s and 5 concurrent on the identity endpoint → 429). Off by default.</summary>
    public bool ImdsRateLimits { get; set; }

    /// <summary>Fault rules active from the start (and again after a reset).</summary>
    public List<FaultRule> InitialFaults { get; } = [];

    /// <summary>When false, the admin API under <c>/_emulator</c> is not mapped.</summary>
    public bool AdminApi { get; set; } = true;

    /// <summary>The ARM side's settings (RBAC enforcement, api-version checks, throttling, paging, deletions).</summary>
    public Arm.ArmOptions Arm { get; } = new();

    /// <summary>The secret App Service's identity endpoint expects in <c>X-IDENTITY-HEADER</c> (its <c>IDENTITY_HEADER</c>); random unless configured.</summary>
    public string AppServiceIdentityHeader { get; set; } = Guid.NewGuid().ToString();

    /// <summary>When set, the identity endpoints hand out the developer's Azure CLI tokens instead of emulated ones.</summary>
    public DevMachine.AzureCliSettings? AzureCli { get; set; }

    /// <summary>When false, the fake ARM and the token issuer's discovery endpoints are not mapped (the tokens are real ones).</summary>
    public bool ServeArm { get; set; } = true;

    /// <summary>When set, the state is kept in this directory across restarts (standalone <c>--data-dir</c>; State/Persistence).</summary>
    public string? DataDirectory { get; set; }
}
