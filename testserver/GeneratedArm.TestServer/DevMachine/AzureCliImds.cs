using GeneratedArm.TestServer.Hosting;
using GeneratedArm.TestServer.Imds;
using Microsoft.AspNetCore.Http;

namespace GeneratedArm.TestServer.DevMachine;

/// <summary>IMDS's token answer, filled from the Azure CLI (after IMDS's own request checks have passed).</summary>
internal static class AzureCliImds
{
    public static async Task ServeAsync(HttpContext context, EmulatorRuntime runtime, AzureCliTokenSource cli, string resource)
    {
        try
        {
            var token = await cli.GetTokenAsync(resource).ConfigureAwait(false);
            TokenRequestLog.Write(cli.Settings.Log, context, "IMDS", resource, $"served, expires {token.ExpiresOn.UtcDateTime:u}", runtime.UtcNow);
            // client_id is the token's appid (the Azure CLI's own application for a user login).
            await ImdsTokenHandler.WriteTokenAsync(context, token.AccessToken, token.ClientId, token.ExpiresOn, token.NotBefore, resource, runtime.UtcNow)
                .ConfigureAwait(false);
        }
        catch (AzureCliException e)
        {
            TokenRequestLog.Write(cli.Settings.Log, context, "IMDS", resource, "refused: " + e.Message, runtime.UtcNow);
            // IMDS's error shape and IMDS's status for "no identity to give a token for" (400, "Identity not found"): clients do not retry
            // a 400, so the message reaches the developer at once instead of after minutes of retries.
            await ImdsRules.WriteIdentityErrorAsync(context, 400, "invalid_request", e.Message).ConfigureAwait(false);
        }
    }
}
