using GeneratedArm.TestServer.Hosting;

namespace GeneratedArm.TestServer.DevMachine;

/// <summary>What the standalone emulator prints after its ready line: how to point each client at it (testserver/README.md, "Emulator on your machine").</summary>
internal static class ClientSetup
{
    private const string ArmResource = "https://management.azure.com/";

    public static IEnumerable<string> Describe(StandaloneEmulator emulator, bool linkLocal, string? certificatePath)
    {
        string imds = emulator.ImdsUrl.GetLeftPart(UriPartial.Authority);
        string tokenUrl = $"{imds}/metadata/identity/oauth2/token?api-version=2018-02-01&resource={ArmResource}";
        yield return "Client setup:";
        if (linkLocal)
        {
            yield return "  IMDS answers at its real address http://169.254.169.254: code written for an Azure VM needs no settings at all.";
        }
        else
        {
            yield return "  Azure.Identity / MSAL (.NET, JS, Python), IMDS protocol (set before the app's first token request):";
            yield return $"    AZURE_POD_IDENTITY_AUTHORITY_HOST={imds}";
            yield return "    AZURE_TOKEN_CREDENTIALS=ManagedIdentityCredential   (DefaultAzureCredential trusts its IMDS probe only from 169.254.169.254)";
        }
        yield return "  Azure.Identity / MSAL, App Service protocol (App Service, Functions, Container Apps; DefaultAzureCredential needs nothing else):";
        yield return $"    IDENTITY_ENDPOINT={emulator.IdentityEndpoint}";
        yield return $"    IDENTITY_HEADER={emulator.IdentityHeader}";
        yield return "  Azure CLI: az login --identity   (with the variables above; unverified)";
        yield return "  Azure PowerShell: Connect-AzAccount -Identity   (with the variables above; unverified)";
        yield return $"  PowerShell: Invoke-WebRequest -Uri '{tokenUrl}' -Headers @{{Metadata=\"true\"}}";
        yield return $"  curl: curl '{tokenUrl}' -H Metadata:true";
        if (emulator.ServesArm)
        {
            string trust = certificatePath is null ? "write the certificate with --cert-out FILE and trust it" : $"trust {certificatePath} (SSL_CERT_FILE={certificatePath}, curl --cacert {certificatePath})";
            yield return $"  ARM (fake): {emulator.ArmUrl.GetLeftPart(UriPartial.Authority)}; {trust}; at its real name: map management.azure.com to 127.0.0.1 and use --arm-url https://127.0.0.1:443";
        }
        else
        {
            yield return "  ARM: real Azure (https://management.azure.com), with the tokens of your 'az login'; every token request is logged on stderr.";
        }
    }
}
