using GeneratedArm.TestServer.Hosting;
using Microsoft.AspNetCore.Http;

namespace GeneratedArm.TestServer.DevMachine;

/// <summary>
/// Answers a token request from the Azure CLI once a protocol's own request checks have passed: logs it (never the token), then writes the
/// protocol's token answer, or its error shape with the one-line reason.
/// </summary>
internal static class AzureCliResponder
{
    public static async Task ServeAsync(HttpContext context, EmulatorRuntime runtime, AzureCliTokenSource cli, string protocol, string resource,
        Func<CliToken, Task> writeToken, Func<string, Task> writeError)
    {
        CliToken token;
        try
        {
            token = await cli.GetTokenAsync(resource).ConfigureAwait(false);
        }
        catch (AzureCliException e)
        {
            TokenRequestLog.Write(cli.Settings.Log, context, protocol, resource, "refused: " + e.Message, runtime.UtcNow);
            await writeError(e.Message).ConfigureAwait(false);
            return;
        }
        TokenRequestLog.Write(cli.Settings.Log, context, protocol, resource, $"served, expires {token.ExpiresOn.UtcDateTime:u}", runtime.UtcNow);
        await writeToken(token).ConfigureAwait(false);
    }
}
