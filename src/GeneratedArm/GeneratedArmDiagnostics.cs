using System.Diagnostics;

namespace GeneratedArm;

/// <summary>
/// Names under which GeneratedArm reports diagnostics. Subscribe with OpenTelemetry's
/// <c>AddSource(GeneratedArmDiagnostics.ActivitySourceName)</c>, or with an <see cref="ActivityListener"/>.
/// </summary>
public static class GeneratedArmDiagnostics
{
    /// <summary>The <see cref="System.Diagnostics.ActivitySource"/> name: <c>GeneratedArm</c>.</summary>
    public const string ActivitySourceName = "GeneratedArm";

    /// <summary>The logger category of <see cref="ArmClient"/>.</summary>
    public const string ArmClientLoggerCategory = "GeneratedArm.ArmClient";

    /// <summary>The logger category of <see cref="Identity.ManagedIdentityCredential"/>.</summary>
    public const string CredentialLoggerCategory = "GeneratedArm.ManagedIdentityCredential";

    internal static readonly ActivitySource ActivitySource = new(ActivitySourceName, Internal.UserAgent.Version);
}
