using GeneratedArm.Identity;

namespace GeneratedArm.Cli.Commands;

/// <summary>The credential options shared by <c>token</c> and <c>get</c>.</summary>
internal static class CredentialOptions
{
    /// <param name="endpoint">The <c>--imds-endpoint</c> flag; null lets the runtime use AZURE_POD_IDENTITY_AUTHORITY_HOST, else 169.254.169.254.</param>
    public static ManagedIdentityCredentialOptions Create(Uri? endpoint, ManagedIdentityId identity, TimeSpan? timeout, HttpMessageHandler? transport)
    {
        var options = new ManagedIdentityCredentialOptions { Endpoint = endpoint, Identity = identity, Transport = transport };
        if (timeout is { } overall)
        {
            options.Retry.OverallTimeout = overall;
            options.GoneRetryDuration = overall < options.GoneRetryDuration ? overall : options.GoneRetryDuration;
        }

        return options;
    }
}
