using System.Collections.Concurrent;
using System.Security.Cryptography;
using GeneratedArm.TestServer.Hosting;
using GeneratedArm.TestServer.State;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace GeneratedArm.TestServer.Identity;

/// <summary>An issued access token and the times IMDS reports for it.</summary>
public sealed record IssuedToken(string AccessToken, string Resource, string ClientId, DateTimeOffset IssuedAt, DateTimeOffset NotBefore, DateTimeOffset ExpiresOn);

/// <summary>
/// Issues Entra v1.0 managed-identity access tokens (RS256) and caches them per (identity, resource) the way
/// IMDS does: "the back-end services for managed identities maintain a cache per resource URI for around 24 hours"
/// (learn.microsoft.com/entra/identity/managed-identities-azure-resources/managed-identities-faq, "Are managed identities tokens cached?").
/// </summary>
internal sealed class TokenIssuer(EmulatorOptions options)
{
    private static readonly JsonWebTokenHandler s_handler = new() { SetDefaultTimesOnTokenCreation = false };
    private readonly ConcurrentDictionary<(string PrincipalId, string Resource), IssuedToken> _cache = new();

    /// <summary>A cached token is handed out again until less than this is left of its lifetime.</summary>
    internal static readonly TimeSpan ReuseMargin = TimeSpan.FromMinutes(5);

    /// <summary>The emulator's clock as the token issuer sees it (the configured clock plus the configured skew).</summary>
    public DateTimeOffset Now => options.TimeProvider.GetUtcNow() + options.ClockSkew;

    /// <summary>Returns the cached token for (identity, resource) while it has more than <see cref="ReuseMargin"/> left, else a new one.</summary>
    public IssuedToken GetOrIssue(ManagedIdentityInfo identity, string resource, bool bypassCache = false)
    {
        var key = (identity.PrincipalId.ToUpperInvariant(), resource);
        var now = Now;
        if (!bypassCache && _cache.TryGetValue(key, out var cached) && cached.ExpiresOn - now > ReuseMargin)
            return cached;
        var issued = Issue(identity, resource, now, options.TokenLifetime);
        _cache[key] = issued;
        return issued;
    }

    public void ClearCache() => _cache.Clear();

    /// <summary>Signs a new token (no caching).</summary>
    public IssuedToken Issue(ManagedIdentityInfo identity, string resource, DateTimeOffset issuedAt, TimeSpan lifetime, SigningKey? key = null)
    {
        ArgumentNullException.ThrowIfNull(identity);
        long iat = issuedAt.ToUnixTimeSeconds();
        long exp = (issuedAt + lifetime).ToUnixTimeSeconds();
        string issuer = Issuers.V1(identity.TenantId);
        // Claims of a real managed-identity token for ARM (v1.0): see the facts file §2.1 and
        // learn.microsoft.com/entra/identity-platform/access-token-claims-reference.
        var claims = new Dictionary<string, object>
        {
            ["aud"] = resource,
            ["iss"] = issuer,
            ["iat"] = iat,
            ["nbf"] = iat,
            ["exp"] = exp,
            ["aio"] = Opaque(24),
            ["appid"] = identity.ClientId,
            ["appidacr"] = "2",
            ["idp"] = issuer,
            ["idtyp"] = "app",
            ["oid"] = identity.PrincipalId,
            ["rh"] = Opaque(32),
            ["sub"] = identity.PrincipalId,
            ["tid"] = identity.TenantId,
            ["uti"] = Opaque(16),
            ["ver"] = "1.0",
            // Azure writes the identity's resource id with lower-case "resourcegroups" in this claim.
            ["xms_mirid"] = identity.ResourceId.Replace("/resourceGroups/", "/resourcegroups/", StringComparison.OrdinalIgnoreCase),
        };
        var descriptor = new SecurityTokenDescriptor
        {
            Claims = claims,
            SigningCredentials = (key ?? options.SigningKey).Credentials,
            TokenType = "JWT",
            // Header: alg RS256, kid, typ JWT. Entra's v1 tokens also carry x5t (a certificate thumbprint); the emulator's key has no certificate.
        };
        string token = s_handler.CreateToken(descriptor);
        var issued = DateTimeOffset.FromUnixTimeSeconds(iat);
        return new IssuedToken(token, resource, identity.ClientId, issued, issued, DateTimeOffset.FromUnixTimeSeconds(exp));
    }

    private static string Opaque(int bytes) => Base64UrlEncoder.Encode(RandomNumberGenerator.GetBytes(bytes));
}

/// <summary>Issuer strings Entra uses.</summary>
public static class Issuers
{
    /// <summary>v1.0 issuer (managed-identity tokens): <c>https://sts.windows.net/{tenant}/</c>.</summary>
    public static string V1(string tenantId) => $"https://sts.windows.net/{tenantId}/";

    /// <summary>v2.0 issuer: <c>https://login.microsoftonline.com/{tenant}/v2.0</c>.</summary>
    public static string V2(string tenantId) => $"https://login.microsoftonline.com/{tenantId}/v2.0";
}
