using GeneratedArm.Identity;
using AzureCoreAccessToken = Azure.Core.AccessToken;
using AzureCoreCredential = Azure.Core.TokenCredential;
using AzureCoreRequestContext = Azure.Core.TokenRequestContext;

namespace GeneratedArm.Azure;

/// <summary>
/// A GeneratedArm credential (normally <see cref="ManagedIdentityCredential"/>) as an Azure SDK
/// <see cref="AzureCoreCredential"/>, so Azure SDK clients (<c>Azure.ResourceManager.ArmClient</c>, Key Vault, Storage, …)
/// share its token cache and its IMDS retries. Failures surface as GeneratedArm's exceptions
/// (<see cref="ManagedIdentityException"/>), not as Azure.Identity's.
/// </summary>
public class GeneratedArmCredentialAdapter : AzureCoreCredential
{
    private readonly TokenCredential _credential;

    /// <summary>Wraps a GeneratedArm credential.</summary>
    /// <param name="credential">The credential that issues the tokens; not disposed by the adapter.</param>
    public GeneratedArmCredentialAdapter(TokenCredential credential)
    {
        ArgumentNullException.ThrowIfNull(credential);
        _credential = credential;
    }

    /// <summary>For mocking.</summary>
    protected GeneratedArmCredentialAdapter() => _credential = null!;

    /// <summary>The GeneratedArm credential this adapter asks for tokens.</summary>
    public virtual TokenCredential Credential => _credential;

    /// <inheritdoc />
    public override async ValueTask<AzureCoreAccessToken> GetTokenAsync(AzureCoreRequestContext requestContext, CancellationToken cancellationToken)
    {
        var token = await _credential.GetTokenAsync(SingleScope(requestContext), cancellationToken).ConfigureAwait(false);
        return new AzureCoreAccessToken(token.Token, token.ExpiresOn, token.RefreshOn, token.TokenType);
    }

    /// <inheritdoc />
    /// <remarks>
    /// GeneratedArm's credentials are asynchronous only; this blocks the calling thread until the token arrives (a cached
    /// token returns at once). Azure SDK clients call it only from their synchronous methods.
    /// </remarks>
    public override AzureCoreAccessToken GetToken(AzureCoreRequestContext requestContext, CancellationToken cancellationToken) =>
        GetTokenAsync(requestContext, cancellationToken).AsTask().GetAwaiter().GetResult();

    /// <summary>
    /// A managed identity gets a token for one resource at a time, so exactly one scope is accepted, as Azure.Identity's
    /// <c>ManagedIdentityCredential</c> requires (<c>ScopeUtilities.ScopesToResource</c>).
    /// </summary>
    private static string SingleScope(AzureCoreRequestContext requestContext)
    {
        var scopes = requestContext.Scopes;
        if (scopes is not { Length: 1 } || string.IsNullOrEmpty(scopes[0]))
        {
            throw new ArgumentException(
                $"A GeneratedArm credential gets a token for exactly one scope, such as 'https://management.azure.com/.default'; this request has {scopes?.Length ?? 0}. Ask for each resource separately.",
                nameof(requestContext));
        }

        return scopes[0];
    }
}
