using System.Diagnostics;
using System.Net.Security;
using System.Security.Cryptography.X509Certificates;
using Azure.Core;
using Azure.Core.Pipeline;
using Azure.Identity;
using Azure.ResourceManager;

namespace GeneratedArm.TestServer.Tests;

/// <summary>
/// Runs client scenarios in a fresh process. Azure.Identity/MSAL read <c>AZURE_POD_IDENTITY_AUTHORITY_HOST</c> and
/// <c>AZURE_TOKEN_CREDENTIALS</c> from the process environment, and MSAL caches the IMDS endpoint in a static on first use,
/// so a test that points them at a standalone emulator must not share its process with other tests.
/// </summary>
public static class ChildProcess
{
    private static readonly string[] ArmScope = ["https://management.azure.com//.default"];

    /// <summary>Entry point of this assembly when run as <c>dotnet GeneratedArm.TestServer.Tests.dll scenario …</c>.</summary>
    public static async Task<int> Main(string[] args)
    {
        ArgumentNullException.ThrowIfNull(args);
        try
        {
            switch (args[0])
            {
                case "mi-token":
                    Console.WriteLine((await new ManagedIdentityCredential(ManagedIdentityId.SystemAssigned).GetTokenAsync(new TokenRequestContext(ArmScope), default)).Token);
                    return 0;
                case "dac-token":
                    Console.WriteLine((await new DefaultAzureCredential().GetTokenAsync(new TokenRequestContext(ArmScope), default)).Token);
                    return 0;
                case "arm-get":
                {
                    // ARM over HTTPS, trusting the emulator's exported certificate (args[1] = ARM URL, args[2] = PEM path).
                    using var trusted = X509Certificate2.CreateFromPem(await File.ReadAllTextAsync(args[2]));
                    using var handler = new HttpClientHandler
                    {
                        ServerCertificateCustomValidationCallback = (_, cert, chain, errors) =>
                            errors == SslPolicyErrors.None || (cert is not null && cert.RawData.AsSpan().SequenceEqual(trusted.RawData)),
                    };
                    var options = new ArmClientOptions
                    {
                        Environment = new ArmEnvironment(new Uri(args[1]), "https://management.azure.com/"),
                        Transport = new HttpClientTransport(handler),
                    };
                    var arm = new ArmClient(new ManagedIdentityCredential(ManagedIdentityId.SystemAssigned), TutorialDefaults.SubscriptionId, options);
                    var subscription = arm.GetSubscriptionResource(Azure.ResourceManager.Resources.SubscriptionResource.CreateResourceIdentifier(TutorialDefaults.SubscriptionId));
                    var group = (await subscription.GetResourceGroupAsync(TutorialDefaults.ResourceGroupName)).Value;
                    Console.WriteLine($"{group.Data.Id} {group.Data.Location}");
                    return 0;
                }
                default:
                    await Console.Error.WriteLineAsync("unknown scenario " + args[0]);
                    return 64;
            }
        }
        catch (CredentialUnavailableException e)
        {
            Console.WriteLine("CredentialUnavailable: " + e.Message.Split('\n')[0]);
            return 3;
        }
        catch (AuthenticationFailedException e)
        {
            Console.WriteLine("AuthenticationFailed: " + string.Join(' ', e.Message.Split('\n', StringSplitOptions.TrimEntries)));
            return 4;
        }
    }

    /// <summary>Runs a scenario in a child process with the given environment variables; returns exit code and output.</summary>
    public static async Task<(int ExitCode, string Stdout, string Stderr)> RunAsync(IReadOnlyDictionary<string, string?> environment, params string[] args)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add(typeof(ChildProcess).Assembly.Location);
        foreach (var a in args) start.ArgumentList.Add(a);
        // A clean slate: no managed-identity source other than IMDS, no other credential configuration.
        foreach (var name in new[] { "IDENTITY_ENDPOINT", "IDENTITY_HEADER", "MSI_ENDPOINT", "MSI_SECRET", "IMDS_ENDPOINT", "AZURE_CLIENT_ID", "AZURE_TENANT_ID",
                     "AZURE_CLIENT_SECRET", "AZURE_FEDERATED_TOKEN_FILE", "AZURE_TOKEN_CREDENTIALS", "AZURE_POD_IDENTITY_AUTHORITY_HOST" })
        {
            start.Environment.Remove(name);
        }

        foreach (var (name, value) in environment) start.Environment[name] = value;
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw;
        }
        return (process.ExitCode, (await stdout).Trim(), (await stderr).Trim());
    }
}
