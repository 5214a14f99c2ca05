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

        var parameters = new TokenValidationParameters
        {
            IssuerSigningKeys = [runtime.Options.SigningKey.SecurityKey, .. runtime.Options.AdditionalTrustedKeys.Select(k => k.SecurityKey)],
            ValidateIssuerSigningKey = true,
            ValidIssuers = runtime.State.Tenants.SelectMany(t => new[] { Issuers.V1(t.TenantId), Issuers.V2(t.TenantId) }).ToList(),
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
        {
            return (null, ArmErrors.TokenAudienceWrong(aud, AllowedAudiences));
        }

        var jwt = (JsonWebToken)result.SecurityToken;
        var now = runtime.UtcNow;
        var tolerance = runtime.Options.ArmClockTolerance;
        if (jwt.ValidTo != DateTime.MinValue && jwt.ValidTo + tolerance < now.UtcDateTime)
        {
            return (null, ArmErrors.TokenExpired(jwt.ValidTo, now.UtcDateTime));
        }
        if (jwt.ValidFrom != DateTime.MinValue && jwt.ValidFrom - tolerance > now.UtcDateTime)
        {
            return (null, ArmErrors.TokenNotYetValid(jwt.ValidFrom, now.UtcDateTime));
        }

        string? oid = claims.TryGetValue("oid", out var o) ? o?.ToString() : null;
        if (string.IsNullOrEmpty(oid))
        {
            return (null, ArmErrors.TokenWithoutPrincipal());
        }
        string? appId = claims.TryGetValue("appid", out var app) ? app?.ToString() : claims.TryGetValue("azp", out var azp) ? azp?.ToString() : null;
        string tid = claims.TryGetValue("tid", out var t) ? t?.ToString() ?? "" : "";
        return (new ArmCaller(oid, appId, tid, aud), null);
    }
}
