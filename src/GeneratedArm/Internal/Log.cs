using Microsoft.Extensions.Logging;

namespace GeneratedArm.Internal;

/// <summary>
/// Source-generated log messages (no boxing, no formatting unless enabled). No message takes a token or an
/// <c>Authorization</c> value as a parameter; headers are logged only through <see cref="HeaderRedaction"/>.
/// </summary>
internal static partial class Log
{
    [LoggerMessage(EventId = 1, Level = LogLevel.Debug, Message = "Requesting a managed-identity token from {Endpoint} for resource '{Resource}' ({Identity}), attempt {Attempt}.")]
    public static partial void ImdsRequest(ILogger logger, string endpoint, string resource, string identity, int attempt);

    [LoggerMessage(EventId = 2, Level = LogLevel.Information, Message = "Got a managed-identity token for resource '{Resource}' ({Identity}), expires {ExpiresOn:O}, refresh from {RefreshOn:O}.")]
    public static partial void ImdsTokenAcquired(ILogger logger, string resource, string identity, DateTimeOffset expiresOn, DateTimeOffset refreshOn);

    [LoggerMessage(EventId = 3, Level = LogLevel.Warning, Message = "IMDS attempt {Attempt} failed ({Failure}); retrying in {Delay}.")]
    public static partial void ImdsRetry(ILogger logger, int attempt, string failure, TimeSpan delay);

    [LoggerMessage(EventId = 4, Level = LogLevel.Error, Message = "Managed-identity token request failed: {Failure}")]
    public static partial void ImdsFailed(ILogger logger, string failure);

    [LoggerMessage(EventId = 5, Level = LogLevel.Warning, Message = "Background refresh of the token for resource '{Resource}' failed; the current token stays in use until {ExpiresOn:O}. {Failure}")]
    public static partial void BackgroundRefreshFailed(ILogger logger, string resource, DateTimeOffset expiresOn, string failure);

    [LoggerMessage(EventId = 10, Level = LogLevel.Debug, Message = "ARM request {Method} {Uri} (client request id {ClientRequestId}), attempt {Attempt}. Headers: {Headers}")]
    public static partial void ArmRequest(ILogger logger, string method, string uri, string clientRequestId, int attempt, string headers);

    [LoggerMessage(EventId = 11, Level = LogLevel.Debug, Message = "ARM response {Status} for {Method} {Uri} in {ElapsedMilliseconds} ms (x-ms-request-id {RequestId}).")]
    public static partial void ArmResponse(ILogger logger, int status, string method, string uri, double elapsedMilliseconds, string? requestId);

    [LoggerMessage(EventId = 12, Level = LogLevel.Warning, Message = "ARM attempt {Attempt} of {Method} {Uri} failed ({Failure}); retrying in {Delay}.")]
    public static partial void ArmRetry(ILogger logger, int attempt, string method, string uri, string failure, TimeSpan delay);

    [LoggerMessage(EventId = 13, Level = LogLevel.Information, Message = "ARM answered 401 with a WWW-Authenticate challenge for {Method} {Uri}; retrying once with a fresh token.")]
    public static partial void ArmChallenge(ILogger logger, string method, string uri);

    [LoggerMessage(EventId = 14, Level = LogLevel.Warning, Message = "ARM request {Method} {Uri} failed with {Status} {ErrorCode} (x-ms-request-id {RequestId}).")]
    public static partial void ArmFailed(ILogger logger, string method, string uri, int status, string? errorCode, string? requestId);
}

/// <summary>Formats request headers for logs with every credential-bearing header replaced by <c>REDACTED</c>.</summary>
internal static class HeaderRedaction
{
    public const string Redacted = "REDACTED";

    public static string Format(HttpRequestMessage request)
    {
        var builder = new System.Text.StringBuilder();
        foreach (var header in request.Headers)
        {
            if (builder.Length > 0)
            {
                builder.Append(", ");
            }

            builder.Append(header.Key).Append(": ");
            if (IsSensitive(header.Key))
            {
                builder.Append(Redacted);
            }
            else
            {
                builder.AppendJoin(",", header.Value);
            }
        }

        return builder.ToString();
    }

    private static bool IsSensitive(string name) =>
        name.Equals("Authorization", StringComparison.OrdinalIgnoreCase)
        || name.Equals("Proxy-Authorization", StringComparison.OrdinalIgnoreCase)
        || name.Equals("Cookie", StringComparison.OrdinalIgnoreCase)
        || name.Contains("token", StringComparison.OrdinalIgnoreCase)
        || name.Contains("secret", StringComparison.OrdinalIgnoreCase);
}
