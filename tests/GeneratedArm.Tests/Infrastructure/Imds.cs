using System.Globalization;
using System.Net;

namespace GeneratedArm.Tests.Infrastructure;

/// <summary>IMDS answers as IMDS sends them (every field a string), plus the test clock's start.</summary>
public static class Imds
{
    public static readonly DateTimeOffset Start = new(2026, 11, 28, 12, 0, 0, TimeSpan.Zero);

    public const string ArmResource = "https://management.azure.com/";

    public static string TokenJson(string token, DateTimeOffset now, TimeSpan lifetime, string resource = ArmResource)
    {
        var expiresOn = (now + lifetime).ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
        var expiresIn = ((long)lifetime.TotalSeconds).ToString(CultureInfo.InvariantCulture);
        var notBefore = now.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
        return $$"""{"access_token":"{{token}}","client_id":"7a1e5b3c-0000-4000-8000-000000000001","expires_in":"{{expiresIn}}","expires_on":"{{expiresOn}}","ext_expires_in":"{{expiresIn}}","not_before":"{{notBefore}}","resource":"{{resource}}","token_type":"Bearer"}""";
    }

    public static HttpResponseMessage Token(string token, DateTimeOffset now, TimeSpan lifetime, string resource = ArmResource) =>
        StubHandler.Json(HttpStatusCode.OK, TokenJson(token, now, lifetime, resource));

    public static HttpResponseMessage Error(HttpStatusCode status, string error, string description, params (string, string)[] headers) =>
        StubHandler.Json(status, $$"""{"error":"{{error}}","error_description":"{{description}}"}""", headers);

    /// <summary>A JWT-looking secret that is easy to search for in logs and messages.</summary>
    public static string SecretToken(string marker = "s3cr3t") => $"eyJ0eXAiOiJKV1QifQ.{marker}-{Guid.NewGuid():N}.sig";
}
