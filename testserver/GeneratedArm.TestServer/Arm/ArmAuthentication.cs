using System.Collections.Concurrent;
using GeneratedArm.TestServer.Hosting;
using GeneratedArm.TestServer.Identity;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace GeneratedArm.TestServer.Arm;

/// <summary>The authenticated caller of an ARM request (from the validated token's claims).</summary>
public sealed record ArmCaller(string ObjectId, string? AppId, string TenantId, string Audience);

/// <summary>
/// Validates bearer tokens as ARM does: signature against the emulator's keys, issuer of a known tenant,
/// <c>aud</c> one of ARM's accepted audiences, <c>nbf</c>/<c>exp</c> with a small tolerance, and a principal (<c>oid</c>).
/// A token that passed once is remembered (<see cref="ValidatedTokenCache"/>) so repeat calls skip the RS256 verification, never the rest.
/// </summary>
internal static class ArmAuthentication
{
    private static readonly JsonWebTokenHandler s_handler = new();

    /// <summary>ARM's accepted audiences, as its 401 message lists them.</summary>
    public static readonly IReadOnlyList<string> AllowedAudiences =
        ["https://management.core.windows.net/", "https://management.core.windows.net", "https://management.azure.com/", "https://management.azure.com"];

    public static async Task<(ArmCaller? Caller, ArmError? Failure)> AuthenticateAsync(string? authorization, EmulatorRuntime runtime)
    {
        if (string.IsNullOrEmpty(authorization))
            return (null, ArmErrors.AuthorizationHeaderMissing());
        if (!authorization.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
            return (null, ArmErrors.AuthorizationHeaderMalformed());
        string token = authorization["Bearer ".Length..].Trim();

        var cache = runtime.Arm.ValidatedTokens;
        if (!cache.TryGet(token, runtime, out var validated))
        {
            var (fresh, failure) = await ValidateAsync(token, runtime).ConfigureAwait(false);
            if (fresh is null) return (null, failure);
            validated = fresh;
            if (validated.SigningKey is not null && validated.IssuerTenantId is not null) cache.Add(token, validated);
        }
        return CheckLifetime(validated, runtime) is { } expired ? (null, expired) : (validated.Caller, null);
    }

    /// <summary>Everything that depends only on the token's bytes and the keys: signature, issuer, audience, principal.</summary>
    private static async Task<(ValidatedToken? Token, ArmError? Failure)> ValidateAsync(string token, EmulatorRuntime runtime)
    {
        var tenants = runtime.State.Tenants;
        var parameters = new TokenValidationParameters
        {
            IssuerSigningKeys = [.. TrustedKeys(runtime.Options).Select(k => k.SecurityKey)],
            ValidateIssuerSigningKey = true,
            ValidIssuers = tenants.SelectMany(t => new[] { Issuers.V1(t.TenantId), Issuers.V2(t.TenantId) }).ToList(),
            // Audience and lifetime are checked below, to answer with ARM's specific codes and against the emulator's clock.
            ValidateAudience = false,
            ValidateLifetime = false,
        };
        var result = await s_handler.ValidateTokenAsync(token, parameters).ConfigureAwait(false);
        if (!result.IsValid)
            return (null, ArmErrors.TokenInvalid());

        var claims = result.Claims;
        string aud = claims.TryGetValue("aud", out var a) ? a?.ToString() ?? "" : "";
        if (!AllowedAudiences.Contains(aud, StringComparer.OrdinalIgnoreCase))
            return (null, ArmErrors.TokenAudienceWrong(aud, AllowedAudiences));

        string? oid = claims.TryGetValue("oid", out var o) ? o?.ToString() : null;
        if (string.IsNullOrEmpty(oid))
            return (null, ArmErrors.TokenWithoutPrincipal());
        string? appId = claims.TryGetValue("appid", out var app) ? app?.ToString() : claims.TryGetValue("azp", out var azp) ? azp?.ToString() : null;
        string tid = claims.TryGetValue("tid", out var t) ? t?.ToString() ?? "" : "";

        var jwt = (JsonWebToken)result.SecurityToken;
        // The key that verified the signature (the handler records it on the token) and the tenant whose issuer matched; a token whose
        // key or tenant cannot be told is still accepted, just not remembered.
        var signingKey = TrustedKeys(runtime.Options).FirstOrDefault(k => ReferenceEquals(k.SecurityKey, jwt.SigningKey));
        string? issuerTenant = tenants.FirstOrDefault(x => jwt.Issuer == Issuers.V1(x.TenantId) || jwt.Issuer == Issuers.V2(x.TenantId))?.TenantId;
        return (new ValidatedToken(new ArmCaller(oid, appId, tid, aud), jwt.ValidFrom, jwt.ValidTo, signingKey, issuerTenant), null);
    }

    /// <summary><c>nbf</c>/<c>exp</c> against the emulator's clock now, with its tolerance: checked on every request, cached or not.</summary>
    private static ArmError? CheckLifetime(ValidatedToken token, EmulatorRuntime runtime)
    {
        var now = runtime.UtcNow.UtcDateTime;
        var tolerance = runtime.Options.ArmClockTolerance;
        if (token.ValidTo != DateTime.MinValue && token.ValidTo + tolerance < now)
            return ArmErrors.TokenExpired(token.ValidTo, now);
        if (token.ValidFrom != DateTime.MinValue && token.ValidFrom - tolerance > now)
            return ArmErrors.TokenNotYetValid(token.ValidFrom, now);
        return null;
    }

    internal static IEnumerable<SigningKey> TrustedKeys(EmulatorOptions options) => [options.SigningKey, .. options.AdditionalTrustedKeys];
}

/// <summary>What a successful validation established about one exact token string.</summary>
internal sealed record ValidatedToken(ArmCaller Caller, DateTime ValidFrom, DateTime ValidTo, SigningKey? SigningKey, string? IssuerTenantId);

/// <summary>
/// Tokens that passed validation, keyed by the exact token string (ordinal), so a hit means the signature of exactly these bytes was
/// verified. A hit is used only while the key that verified it is still trusted (key rotation revokes it) and the issuer's tenant
/// still exists; lifetime is checked by the caller on every request. Bounded: cleared when full.
/// </summary>
internal sealed class ValidatedTokenCache
{
    public const int Capacity = 1024;
    private readonly ConcurrentDictionary<string, ValidatedToken> _tokens = new(StringComparer.Ordinal);

    public bool TryGet(string token, EmulatorRuntime runtime, out ValidatedToken validated)
    {
        if (_tokens.TryGetValue(token, out validated!) && IsStillTrusted(validated, runtime)) return true;
        if (validated is not null) _tokens.TryRemove(token, out _);
        validated = null!;
        return false;
    }

    public void Add(string token, ValidatedToken validated)
    {
        if (_tokens.Count >= Capacity) _tokens.Clear();
        _tokens[token] = validated;
    }

    public void Clear() => _tokens.Clear();

    private static bool IsStillTrusted(ValidatedToken validated, EmulatorRuntime runtime)
    {
        var options = runtime.Options;
        if (validated.SigningKey is not { } key || validated.IssuerTenantId is not { } tenant) return false;
        bool keyTrusted = ReferenceEquals(options.SigningKey, key) || options.AdditionalTrustedKeys.Contains(key);
        return keyTrusted && runtime.State.IsKnownTenant(tenant);
    }
}
