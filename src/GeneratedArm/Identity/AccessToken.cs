namespace GeneratedArm.Identity;

/// <summary>
/// A bearer token together with its lifetime. <see cref="ToString"/> never reveals <see cref="Token"/>, so an
/// <see cref="AccessToken"/> is safe to log or to show in a debugger's watch window.
/// </summary>
public readonly struct AccessToken : IEquatable<AccessToken>
{
    /// <summary>Creates an access token.</summary>
    /// <param name="token">The raw bearer token.</param>
    /// <param name="expiresOn">When the token stops being valid.</param>
    /// <param name="refreshOn">When a cache should start fetching a replacement.</param>
    /// <param name="tokenType">The token type, normally <c>Bearer</c>.</param>
    /// <param name="resource">The resource (audience) the token was issued for.</param>
    public AccessToken(string token, DateTimeOffset expiresOn, DateTimeOffset refreshOn, string tokenType, string resource)
    {
        ArgumentNullException.ThrowIfNull(token);
        Token = token;
        ExpiresOn = expiresOn;
        RefreshOn = refreshOn;
        TokenType = tokenType ?? "Bearer";
        Resource = resource ?? string.Empty;
    }

    /// <summary>The raw token. Treat it as a secret: never log it.</summary>
    public string Token { get; }

    /// <summary>When the token stops being valid.</summary>
    public DateTimeOffset ExpiresOn { get; }

    /// <summary>
    /// When the credential starts fetching a replacement in the background: half the lifetime for tokens
    /// valid longer than two hours (as Azure.Identity and MSAL do), otherwise a few minutes before expiry.
    /// </summary>
    public DateTimeOffset RefreshOn { get; }

    /// <summary>The token type, normally <c>Bearer</c>.</summary>
    public string TokenType { get; }

    /// <summary>The resource (audience) the token was issued for, e.g. <c>https://management.azure.com/</c>.</summary>
    public string Resource { get; }

    /// <inheritdoc />
    public bool Equals(AccessToken other) =>
        string.Equals(Token, other.Token, StringComparison.Ordinal) && ExpiresOn == other.ExpiresOn;

    /// <inheritdoc />
    public override bool Equals(object? obj) => obj is AccessToken other && Equals(other);

    /// <inheritdoc />
    public override int GetHashCode() => HashCode.Combine(Token is null ? 0 : StringComparer.Ordinal.GetHashCode(Token), ExpiresOn);

    /// <summary>Compares two tokens by value.</summary>
    public static bool operator ==(AccessToken left, AccessToken right) => left.Equals(right);

    /// <summary>Compares two tokens by value.</summary>
    public static bool operator !=(AccessToken left, AccessToken right) => !left.Equals(right);

    /// <summary>Describes the token without revealing it.</summary>
    public override string ToString() =>
        FormattableString.Invariant($"AccessToken {{ TokenType = {TokenType}, Resource = {Resource}, ExpiresOn = {ExpiresOn:O}, RefreshOn = {RefreshOn:O}, Token = <redacted> }}");
}
