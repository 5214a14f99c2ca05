using System.Globalization;
using Microsoft.AspNetCore.Http;

namespace GeneratedArm.TestServer.DevMachine;

/// <summary>
/// One line per token request in <c>azure-cli</c> mode (the tokens are the developer's own): time, protocol, resource, client process,
/// outcome. Never the token.
/// </summary>
internal static class TokenRequestLog
{
    public static void Write(TextWriter? log, HttpContext context, string protocol, string resource, string outcome, DateTimeOffset now)
    {
        if (log is null) return;
        var connection = context.Connection;
        string client = LoopbackClientProcess.Describe(connection.RemoteIpAddress, connection.RemotePort)
            ?? (connection.RemoteIpAddress is { } address ? $"{address}:{connection.RemotePort.ToString(CultureInfo.InvariantCulture)}" : "unknown");
        string line = $"{now.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture)} token request: protocol={protocol} resource={resource} client={client} -> {outcome}";
        lock (log)
        {
            log.WriteLine(line);
            log.Flush();
        }
    }
}
