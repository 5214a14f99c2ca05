using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using GeneratedArm.Identity;

namespace GeneratedArm.Cli.Commands;

/// <summary><c>garm token</c>: step 2 of the tutorial against a real IMDS; prints the token response.</summary>
internal static class TokenCommand
{
    public static Command Create(CliConsole console)
    {
        var resource = CommonOptions.Resource();
        var imds = CommonOptions.ImdsEndpoint();
        var timeout = CommonOptions.Timeout();
        var identity = new IdentityOptions();
        var command = new Command("token", "Get an access token from IMDS (run on an Azure VM) and print it as JSON.") { resource, imds, timeout };
        identity.AddTo(command);

        command.SetAction((parse, cancellationToken) => Failures.ReportAsync(console, async () =>
        {
            using var credential = new ManagedIdentityCredential(CredentialOptions.Create(parse.GetValue(imds), identity.Resolve(parse), parse.GetValue(timeout), console.Transport));
            var token = await credential.GetTokenAsync(parse.GetRequiredValue(resource), cancellationToken).ConfigureAwait(false);
            await WriteAsync(console.Output, token).ConfigureAwait(false);
            return 0;
        }));
        return command;
    }

    // The user asked for the token, so it is printed here and nowhere else (never in logs or errors).
    private static async Task WriteAsync(TextWriter output, AccessToken token)
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = true }))
        {
            json.WriteStartObject();
            json.WriteString("token_type", token.TokenType);
            json.WriteString("resource", token.Resource);
            json.WriteString("expires_on", token.ExpiresOn.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture));
            json.WriteString("expires_on_utc", token.ExpiresOn.UtcDateTime.ToString("O", CultureInfo.InvariantCulture));
            json.WriteString("access_token", token.Token);
            json.WriteEndObject();
        }

        await output.WriteLineAsync(System.Text.Encoding.UTF8.GetString(buffer.ToArray())).ConfigureAwait(false);
    }
}
