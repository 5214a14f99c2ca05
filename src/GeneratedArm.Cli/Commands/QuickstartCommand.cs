using System.CommandLine;
using System.Text;
using System.Text.Json;
using GeneratedArm.Cli.Models;
using GeneratedArm.Identity;
using GeneratedArm.TestServer;

namespace GeneratedArm.Cli.Commands;

/// <summary>
/// <c>garm quickstart</c>: the tutorial "Use a Windows VM system-assigned managed identity to access
/// Resource Manager", run for real against the emulator hosted in this process: the runtime asks the
/// emulator's IMDS for a token, calls the emulator's ARM with it and reads the answer into the
/// generated <see cref="ResourceGroup"/> model.
/// </summary>
internal static class QuickstartCommand
{
    public const string ApiVersion = "2016-06-01";
    public const string ArmResource = "https://management.azure.com/";

    public static Command Create(CliConsole console)
    {
        var command = new Command("quickstart", "Run the managed-identity → ARM tutorial against the in-process emulator and print the resource group JSON.");
        command.SetAction((_, cancellationToken) => Failures.ReportAsync(console, () => RunAsync(console, cancellationToken)));
        return command;
    }

    private static async Task<int> RunAsync(CliConsole console, CancellationToken cancellationToken)
    {
        var narration = console.Error;
        await using var emulator = AzureEmulator.Create();
        // The emulator answers at Azure's own addresses; only the transport is swapped.
        var transport = console.Transport ?? emulator.CreateHandler();
        var scope = $"/subscriptions/{TutorialDefaults.SubscriptionId}/resourceGroups/{TutorialDefaults.ResourceGroupName}";

        await narration.WriteLineAsync($"1. The VM's system-assigned identity holds Reader on {scope} (emulator default state).").ConfigureAwait(false);

        using var credential = new ManagedIdentityCredential(new ManagedIdentityCredentialOptions
        {
            Endpoint = ManagedIdentityCredentialOptions.DefaultEndpoint,
            Transport = transport,
        });
        var token = await credential.GetTokenAsync(ArmResource, cancellationToken).ConfigureAwait(false);
        await narration.WriteLineAsync($"2. IMDS issued a {token.TokenType} token for {token.Resource}, valid until {token.ExpiresOn:u}.").ConfigureAwait(false);

        using var arm = new ArmClient(credential, new ArmClientOptions { Endpoint = ArmClientOptions.DefaultEndpoint, Transport = transport });
        var group = await arm.GetAsync<ResourceGroup>(scope, ApiVersion, cancellationToken).ConfigureAwait(false);
        await narration.WriteLineAsync($"3. GET {ArmClientOptions.DefaultEndpoint.AbsoluteUri.TrimEnd('/')}{scope}?api-version={ApiVersion} returned resource group '{group.Name}' in {group.Location}:").ConfigureAwait(false);

        await console.Output.WriteLineAsync(ToJson(group)).ConfigureAwait(false);
        return 0;
    }

    private static string ToJson(ResourceGroup group)
    {
        var buffer = new System.Buffers.ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            group.WriteJson(writer);
        }

        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }
}
