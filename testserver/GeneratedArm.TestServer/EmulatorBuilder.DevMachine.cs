using GeneratedArm.TestServer.DevMachine;

namespace GeneratedArm.TestServer;

// Settings for running apps on a developer's machine (testserver/README.md, "Emulator on your machine").
public sealed partial class EmulatorBuilder
{
    /// <summary>The secret the App Service identity endpoint (<c>/msi/token</c>) expects in <c>X-IDENTITY-HEADER</c> (default: a random one).</summary>
    public EmulatorBuilder WithAppServiceIdentityHeader(string secret)
    {
        ArgumentException.ThrowIfNullOrEmpty(secret);
        Options.AppServiceIdentityHeader = secret;
        return this;
    }

    /// <summary>
    /// Hands out the developer's own tokens from <c>az account get-access-token</c> on both identity endpoints (IMDS and App Service),
    /// for code that should reach real Azure. The fake ARM is switched off: its tokens would not be Azure's.
    /// </summary>
    public EmulatorBuilder UseAzureCliTokens(AzureCliSettings? settings = null)
    {
        Options.AzureCli = settings ?? new AzureCliSettings();
        Options.ServeArm = false;
        return this;
    }
}
