namespace GeneratedArm.Identity;

/// <summary>
/// A source of bearer tokens for <see cref="ArmClient"/>. <see cref="ManagedIdentityCredential"/> is the
/// production implementation; derive from this class to supply tokens another way (or to mock).
/// </summary>
public abstract class TokenCredential
{
    /// <summary>Gets a token for a resource (<c>https://management.azure.com/</c>) or a scope (<c>https://management.azure.com/.default</c>).</summary>
    /// <param name="resourceOrScope">The resource (App ID URI) or a <c>/.default</c> scope.</param>
    /// <param name="cancellationToken">Stops waiting at once.</param>
    /// <returns>The token.</returns>
    public abstract ValueTask<AccessToken> GetTokenAsync(string resourceOrScope, CancellationToken cancellationToken = default);

    /// <summary>
    /// Gets a token to replace one the service rejected (a 401 with a <c>WWW-Authenticate</c> challenge). The
    /// default implementation calls <see cref="GetTokenAsync"/>; caching credentials override it to drop the rejected token.
    /// </summary>
    /// <param name="resourceOrScope">The resource or scope the rejected token was for.</param>
    /// <param name="rejectedToken">The token the service rejected.</param>
    /// <param name="cancellationToken">Stops waiting at once.</param>
    /// <returns>A token that is not <paramref name="rejectedToken"/> from the cache's point of view.</returns>
    public virtual ValueTask<AccessToken> RefreshTokenAsync(string resourceOrScope, AccessToken rejectedToken, CancellationToken cancellationToken = default) =>
        GetTokenAsync(resourceOrScope, cancellationToken);

    /// <summary>
    /// Maps a scope to a resource the way Azure.Identity does: a trailing <c>/.default</c> is removed
    /// (<c>https://management.azure.com//.default</c> → <c>https://management.azure.com/</c>,
    /// <c>https://management.azure.com/.default</c> → <c>https://management.azure.com</c>); anything else is already a resource.
    /// </summary>
    /// <param name="resourceOrScope">A resource or a scope.</param>
    /// <returns>The resource.</returns>
    public static string ScopeToResource(string resourceOrScope)
    {
        ArgumentException.ThrowIfNullOrEmpty(resourceOrScope);
        const string DefaultSuffix = "/.default";
        return resourceOrScope.EndsWith(DefaultSuffix, StringComparison.Ordinal)
            ? resourceOrScope[..^DefaultSuffix.Length]
            : resourceOrScope;
    }
}
