namespace GeneratedArm.Cli;

/// <summary>How <c>garm</c> finds IMDS and ARM when they are not given on the command line.</summary>
internal static class Endpoints
{
    /// <summary>The variable the Azure SDKs (Azure.Identity, MSAL, msal-node, MSAL Python) honour to move IMDS.</summary>
    public const string ImdsOverrideVariable = "AZURE_POD_IDENTITY_AUTHORITY_HOST";

    public static readonly Uri DefaultImds = new("http://169.254.169.254");
    public static readonly Uri DefaultArm = new("https://management.azure.com");

    /// <summary>The flag, else <c>AZURE_POD_IDENTITY_AUTHORITY_HOST</c>, else the link-local IMDS address.</summary>
    public static Uri ResolveImds(Uri? flag, Func<string, string?>? environment = null)
    {
        if (flag is not null)
        {
            return flag;
        }

        var fromEnvironment = (environment ?? Environment.GetEnvironmentVariable)(ImdsOverrideVariable);
        if (string.IsNullOrWhiteSpace(fromEnvironment))
        {
            return DefaultImds;
        }

        return Uri.TryCreate(fromEnvironment, UriKind.Absolute, out var uri)
            ? uri
            : throw new CliUsageException($"{ImdsOverrideVariable}='{fromEnvironment}' is not an absolute URL; set it to e.g. http://127.0.0.1:8080 or unset it.");
    }

    /// <summary>The flag, else public-cloud ARM.</summary>
    public static Uri ResolveArm(Uri? flag) => flag ?? DefaultArm;
}
