using System.CommandLine;
using System.CommandLine.Parsing;
using GeneratedArm.Identity;

namespace GeneratedArm.Cli.Commands;

/// <summary>Options shared by the commands that talk to real endpoints.</summary>
internal static class CommonOptions
{
    public static Option<Uri?> ImdsEndpoint() => new("--imds-endpoint")
    {
        Description = $"IMDS base URL. Default: ${ManagedIdentityCredentialOptions.EndpointEnvironmentVariable} (the variable the Azure SDKs honour), else {ManagedIdentityCredentialOptions.DefaultEndpoint}",
        CustomParser = ParseAbsoluteUri,
    };

    public static Option<Uri?> ArmEndpoint() => new("--arm-endpoint")
    {
        Description = $"ARM base URL. Default: {ArmClientOptions.DefaultEndpoint}",
        CustomParser = ParseAbsoluteUri,
    };

    public static Option<string> Resource() => new("--resource")
    {
        Description = "The resource (audience) the token is for; a scope ending in /.default is accepted too.",
        DefaultValueFactory = _ => "https://management.azure.com/",
    };

    public static Option<TimeSpan?> Timeout() => new("--timeout")
    {
        Description = "Give up after this many seconds, retries included. Default: the runtime's (3 minutes for IMDS, which may answer 410 for 70 s while it updates).",
        CustomParser = result =>
        {
            var text = result.Tokens.Count > 0 ? result.Tokens[0].Value : null;
            if (double.TryParse(text, System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out var seconds) && seconds > 0 && seconds <= 3600)
            {
                return TimeSpan.FromSeconds(seconds);
            }

            result.AddError($"--timeout takes a number of seconds between 0 and 3600, not '{text}'.");
            return null;
        },
    };

    private static Uri? ParseAbsoluteUri(ArgumentResult result)
    {
        var text = result.Tokens.Count > 0 ? result.Tokens[0].Value : null;
        if (text is null)
        {
            return null;
        }

        if (Uri.TryCreate(text, UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttp || uri.Scheme == Uri.UriSchemeHttps))
        {
            return uri;
        }

        result.AddError($"'{text}' is not an absolute http or https URL.");
        return null;
    }
}
