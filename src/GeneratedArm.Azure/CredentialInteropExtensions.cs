using GeneratedArm.Identity;
using AzureCoreCredential = Azure.Core.TokenCredential;

namespace GeneratedArm.Azure;

/// <summary>Converts credentials between GeneratedArm and the Azure SDK.</summary>
public static class CredentialInteropExtensions
{
    /// <summary>
    /// An Azure SDK credential as a GeneratedArm credential, e.g.
    /// <c>new ArmClient(new DefaultAzureCredential().AsGeneratedArmCredential())</c>.
    /// An adapter from <see cref="AsAzureCoreCredential"/> is unwrapped rather than wrapped again.
    /// </summary>
    /// <param name="credential">The Azure SDK credential.</param>
    /// <returns>A caching GeneratedArm credential backed by <paramref name="credential"/>.</returns>
    public static TokenCredential AsGeneratedArmCredential(this AzureCoreCredential credential)
    {
        ArgumentNullException.ThrowIfNull(credential);
        return credential is GeneratedArmCredentialAdapter adapter ? adapter.Credential : new AzureCoreCredentialAdapter(credential);
    }

    /// <summary>
    /// A GeneratedArm credential as an Azure SDK credential, e.g.
    /// <c>new Azure.ResourceManager.ArmClient(new ManagedIdentityCredential().AsAzureCoreCredential())</c>.
    /// An adapter from <see cref="AsGeneratedArmCredential"/> is unwrapped rather than wrapped again.
    /// </summary>
    /// <param name="credential">The GeneratedArm credential.</param>
    /// <returns>An Azure SDK credential backed by <paramref name="credential"/>.</returns>
    public static AzureCoreCredential AsAzureCoreCredential(this TokenCredential credential)
    {
        ArgumentNullException.ThrowIfNull(credential);
        return credential is AzureCoreCredentialAdapter adapter ? adapter.Credential : new GeneratedArmCredentialAdapter(credential);
    }
}
