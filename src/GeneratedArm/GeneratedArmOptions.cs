using GeneratedArm.Identity;

namespace GeneratedArm;

/// <summary>Options for <c>services.AddGeneratedArm(…)</c>: one set for the credential, one for the ARM client.</summary>
public sealed class GeneratedArmOptions
{
    /// <summary>The managed-identity credential's options (identity, IMDS endpoint, retries).</summary>
    public ManagedIdentityCredentialOptions Credential { get; } = new();

    /// <summary>The ARM client's options (endpoint, audience, retries).</summary>
    public ArmClientOptions Client { get; } = new();
}
