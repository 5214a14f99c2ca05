using GeneratedArm.Identity;
using AzureCoreAccessToken = Azure.Core.AccessToken;
using AzureCoreCredential = Azure.Core.TokenCredential;
using AzureCoreRequestContext = Azure.Core.TokenRequestContext;

namespace GeneratedArm.Azure;

/// <summary>
/// An Azure SDK credential (<see cref="AzureCoreCredential"/>: <c>DefaultAzureCredential</c>, <c>AzureCliCredential</c>,
/// <c>WorkloadIdentityCredential</c>, …) as a GeneratedArm <see cref="TokenCredential"/>, so it can drive
/// <see cref="ArmClient"/>. Tokens are cached per scope and fetched again at their refresh time, as the Azure SDK's
/// own bearer-token policy does, so a credential without a cache of its own (<c>AzureCliCredential</c> starts
/// <c>az</c> for every token) is asked once per token lifetime, not once per request.
/// </summary>
public class AzureCoreCredentialAdapter : TokenCredential
{
    /// <summary>
    /// How long before expiry a token without a refresh time of its own is fetched again: five minutes, the
    /// default of Azure.Core's <c>BearerTokenAuthenticationPolicy</c> token cache (<c>DefaultTokenRefreshOffset</c>).
    /// </summary>
    public static readonly TimeSpan DefaultRefreshOffset = TimeSpan.FromMinutes(5);

    private readonly AzureCoreCredential _credential;
    private readonly TimeProvider _timeProvider;
    private readonly Dictionary<string, Task<AccessToken>> _tokens = new(StringComparer.Ordinal);
    private readonly Lock _sync = new();

    /// <summary>Wraps an Azure SDK credential.</summary>
    /// <param name="credential">The credential that issues the tokens.</param>
    /// <param name="timeProvider">The clock that decides when a cached token is refreshed; <see cref="TimeProvider.System"/> if <see langword="null"/>.</param>
    public AzureCoreCredentialAdapter(AzureCoreCredential credential, TimeProvider? timeProvider = null)
    {
        ArgumentNullException.ThrowIfNull(credential);
        _credential = credential;
        _timeProvider = timeProvider ?? TimeProvider.System;
    }

    /// <summary>For mocking.</summary>
    protected AzureCoreCredentialAdapter()
    {
        _credential = null!;
        _timeProvider = TimeProvider.System;
    }

    /// <summary>The Azure SDK credential this adapter asks for tokens.</summary>
    public virtual AzureCoreCredential Credential => _credential;

    /// <inheritdoc />
    /// <remarks>A resource (<c>https://management.azure.com/</c>) is asked for as its <c>/.default</c> scope.</remarks>
    public override ValueTask<AccessToken> GetTokenAsync(string resourceOrScope, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(resourceOrScope);
        return new ValueTask<AccessToken>(CachedOrFetchAsync(resourceOrScope, rejected: null, cancellationToken));
    }

    /// <inheritdoc />
    /// <remarks>Drops <paramref name="rejectedToken"/> from the cache and asks the Azure SDK credential again.</remarks>
    public override ValueTask<AccessToken> RefreshTokenAsync(string resourceOrScope, AccessToken rejectedToken, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(resourceOrScope);
        return new ValueTask<AccessToken>(CachedOrFetchAsync(resourceOrScope, rejectedToken, cancellationToken));
    }

    /// <summary>
    /// The scope GeneratedArm's resource maps to: a <c>/.default</c> scope stays as it is, a resource gets <c>/.default</c>
    /// appended (<c>https://management.azure.com/</c> → <c>https://management.azure.com//.default</c>), the inverse of
    /// <see cref="TokenCredential.ScopeToResource"/> and of Azure.Identity's <c>ScopeUtilities.ResourceToScopes</c>.
    /// </summary>
    /// <param name="resourceOrScope">A resource or a scope.</param>
    /// <returns>The scope.</returns>
    public static string ResourceToScope(string resourceOrScope)
    {
        ArgumentException.ThrowIfNullOrEmpty(resourceOrScope);
        const string DefaultSuffix = "/.default";
        return resourceOrScope.EndsWith(DefaultSuffix, StringComparison.Ordinal) ? resourceOrScope : resourceOrScope + DefaultSuffix;
    }

    private Task<AccessToken> CachedOrFetchAsync(string resourceOrScope, AccessToken? rejected, CancellationToken cancellationToken)
    {
        Task<AccessToken> shared;
        lock (_sync)
        {
            if (!_tokens.TryGetValue(resourceOrScope, out shared!) || !IsUsable(shared, rejected))
            {
                // One request in flight per scope, shared by every caller; a caller that gives up does not cancel it for the others.
                shared = FetchAsync(resourceOrScope);
                _tokens[resourceOrScope] = shared;
            }
        }

        return shared.WaitAsync(cancellationToken);
    }

    /// <summary>A pending request is joined; a token is reused until its refresh time unless it is the one the service rejected.</summary>
    private bool IsUsable(Task<AccessToken> entry, AccessToken? rejected)
    {
        if (!entry.IsCompleted)
        {
            return true;
        }

        if (!entry.IsCompletedSuccessfully)
        {
            return false;
        }

        var token = entry.Result;
        return (rejected is null || token != rejected.Value) && _timeProvider.GetUtcNow() < token.RefreshOn;
    }

    private async Task<AccessToken> FetchAsync(string resourceOrScope)
    {
        var context = new AzureCoreRequestContext([ResourceToScope(resourceOrScope)]);
        AzureCoreAccessToken token = await _credential.GetTokenAsync(context, CancellationToken.None).ConfigureAwait(false);
        var refreshOn = token.RefreshOn ?? token.ExpiresOn - DefaultRefreshOffset;
        return new AccessToken(token.Token, token.ExpiresOn, refreshOn, token.TokenType ?? "Bearer", TokenCredential.ScopeToResource(resourceOrScope));
    }
}
