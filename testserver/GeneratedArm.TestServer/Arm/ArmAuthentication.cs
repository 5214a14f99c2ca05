using System.Globalization;
using GeneratedArm.TestServer.Hosting;
using GeneratedArm.TestServer.Identity;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace GeneratedArm.TestServer.Arm;

/// <summary>The authenticated caller of an ARM request (from the validated token's claims).</summary>
public sealed record ArmCaller(string ObjectId, string? AppId, string TenantId, string Audience);

/// <summary>Why ARM refused a token: ARM's error code and message (facts §2.2).</summary>
internal sealed record ArmAuthenticationFailure(string Code, string Message, string ChallengeDescription);

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

    public static async Task<(ArmCaller? Caller, ArmAuthenticationFailure? Failure)> AuthenticateAsync(string? authorization, EmulatorRuntime runtime)
    {
        if (string.IsNullOrEmpty(authorization))
            return (null, new("AuthenticationFailed", "Authentication failed. The 'Authorization' header is missing.",
                "The authentication failed because of missing 'Authorization' header."));
        if (!authorization.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
            return (null, new("AuthenticationFailed", "Authentication failed. The 'Authorization' header is provided in an invalid format.",
                "The authentication failed because of invalid 'Authorization' header."));
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
            return (null, Invalid());

        var claims = result.Claims;
        string aud = claims.TryGetValue("aud", out var a) ? a?.ToString() ?? "" : "";
        if (!AllowedAudiences.Contains(aud, StringComparer.OrdinalIgnoreCase))
        {
            // Verbatim shape (JetBrains/azure-tools-for-intellij#16).
            return (null, new("InvalidAuthenticationTokenAudience",
                $"The access token has been obtained for wrong audience or resource '{aud}'. It should exactly match with one of the allowed audiences {string.Join(',', AllowedAudiences.Select(x => $"'{x}'"))}.",
                "The access token has been obtained from wrong audience or resource."));
        }

        var jwt = (JsonWebToken)result.SecurityToken;
        var now = runtime.UtcNow;
        var tolerance = runtime.Options.ArmClockTolerance;
        if (jwt.ValidTo != DateTime.MinValue && jwt.ValidTo + tolerance < now.UtcDateTime)
        {
            // hashicorp/terraform-provider-azurerm#20867: "The access token expiry UTC time '3/19/2023 8:55:46 AM' is earlier than current UTC time '…'."
            return (null, new("ExpiredAuthenticationToken",
                $"The access token expiry UTC time '{Format(jwt.ValidTo)}' is earlier than current UTC time '{Format(now.UtcDateTime)}'.",
                "The access token expiry UTC time is earlier than current UTC time."));
        }
        if (jwt.ValidFrom != DateTime.MinValue && jwt.ValidFrom - tolerance > now.UtcDateTime)
        {
            return (null, new("InvalidAuthenticationToken",
                $"The access token is not yet valid. Its validity starts at UTC time '{Format(jwt.ValidFrom)}' which is later than current UTC time '{Format(now.UtcDateTime)}'.",
                "The access token is not yet valid."));
        }

        string? oid = claims.TryGetValue("oid", out var o) ? o?.ToString() : null;
        if (string.IsNullOrEmpty(oid))
        {
            // Azure/azure-sdk-for-java#1714.
            return (null, new("InvalidAuthenticationToken",
                "The received access token is not valid: at least one of the claims 'puid' or 'altsecid' or 'oid' should be present. If you are accessing as application please make sure service principal is properly created in the tenant.",
                "The access token is invalid."));
        }
        string? appId = claims.TryGetValue("appid", out var app) ? app?.ToString() : claims.TryGetValue("azp", out var azp) ? azp?.ToString() : null;
        string tid = claims.TryGetValue("tid", out var t) ? t?.ToString() ?? "" : "";
        return (new ArmCaller(oid, appId, tid, aud), null);
    }

    private static ArmAuthenticationFailure Invalid() =>
        new("InvalidAuthenticationToken", "The access token is invalid.", "The access token is invalid.");

    private static string Format(DateTime utc) => utc.ToString("M/d/yyyy h:mm:ss tt", CultureInfo.InvariantCulture);
}
