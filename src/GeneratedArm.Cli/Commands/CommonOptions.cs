using System.CommandLine;
using System.CommandLine.Parsing;

namespace GeneratedArm.Cli.Commands;

/// <summary>Options shared by the commands that talk to real endpoints.</summary>
internal static class CommonOptions
{
    public static Option<Uri?> ImdsEndpoint() => new("--imds-endpoint")
    {
        Description = $"IMDS base URL. Default: ${Endpoints.ImdsOverrideVariable}, else {Endpoints.DefaultImds}",
        CustomParser = ParseAbsoluteUri,
    };

    public static Option<Uri?> ArmEndpoint() => new("--arm-endpoint")
    {
        Description = $"ARM base URL. Default: {Endpoints.DefaultArm}",
        CustomParser = ParseAbsoluteUri,
    };

    public static Option<string> Resource() => new("--resource")
    {
        Description = "The resource (audience) the token is for; a scope ending in /.default is accepted too.",
        DefaultValueFactory = _ => "https://management.azure.com/",
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
