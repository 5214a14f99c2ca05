using System.Diagnostics;
using System.Text.Json;

namespace GeneratedArm.TestServer.Tests.DevMachine;

/// <summary>
/// A real client in another language against the standalone emulator program: <c>@azure/identity</c> 4.14.1 (its
/// <c>ManagedIdentityCredential</c> hands token requests to msal-node) and <c>@azure/arm-resources</c> 8.0.0, installed from npm into a
/// temp folder and run with node, trusting the emulator's certificate through <c>NODE_EXTRA_CA_CERTS</c>. The IMDS protocol is reached
/// through <c>AZURE_POD_IDENTITY_AUTHORITY_HOST</c> (msal-node's <c>Imds</c> source reads it as the IMDS base URL), the App Service
/// protocol through <c>IDENTITY_ENDPOINT</c> + <c>IDENTITY_HEADER</c> (msal-node's <c>AppService</c> source), as Azure.Identity for .NET.
/// Skipped with the reason when node/npm are absent.
/// </summary>
[NonParallelizable]
public class JavaScriptIdentityTests
{
    private const string Secret = "6c1e0f3a-js-app-service-secret";

    // Prints one JSON line: the token's claims and lifetime and resource group DevTest as ResourceManagementClient reads it, or the error.
    private const string Script = """
        import { ManagedIdentityCredential, DefaultAzureCredential } from "@azure/identity";
        import { ResourceManagementClient } from "@azure/arm-resources";
        const [kind, arm, subscription] = process.argv.slice(2);
        const credential = kind === "default" ? new DefaultAzureCredential() : new ManagedIdentityCredential();
        let token;
        try { token = await credential.getToken("https://management.azure.com/.default"); }
        catch (e) { console.log(JSON.stringify({ error: e.name, message: e.message })); process.exit(3); }
        const claims = JSON.parse(Buffer.from(token.token.split(".")[1], "base64url").toString());
        const client = new ResourceManagementClient(credential, subscription, { endpoint: arm });
        const group = await client.resourceGroups.get("DevTest");
        console.log(JSON.stringify({ oid: claims.oid, aud: claims.aud, expiresInSeconds: Math.round((token.expiresOnTimestamp - Date.now()) / 1000),
          id: group.id, name: group.name, location: group.location }));
        """;

    // A clean slate: no managed-identity source or credential setting from the machine running the tests.
    private static readonly string[] CredentialVariables =
    [
        "IDENTITY_ENDPOINT", "IDENTITY_HEADER", "IDENTITY_SERVER_THUMBPRINT", "MSI_ENDPOINT", "MSI_SECRET", "IMDS_ENDPOINT", "AZURE_CLIENT_ID",
        "AZURE_TENANT_ID", "AZURE_CLIENT_SECRET", "AZURE_CLIENT_CERTIFICATE_PATH", "AZURE_USERNAME", "AZURE_FEDERATED_TOKEN_FILE",
        "AZURE_TOKEN_CREDENTIALS", "AZURE_POD_IDENTITY_AUTHORITY_HOST", "AZURE_AUTHORITY_HOST",
    ];

    private string? _folder;

    [OneTimeSetUp]
    public async Task InstallPackages()
    {
        NodeClient.RequireNodeAndNpm();
        // npm install takes ~5-30 s; generous for a loaded machine.
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(5));
        _folder = await NodeClient.CreateProjectAsync("garm-js-identity", Script, ["@azure/identity@4.14.1", "@azure/arm-resources@8.0.0"], timeout.Token);
    }

    [OneTimeTearDown]
    public void DeletePackages() => NodeClient.DeleteProject(_folder);

    [Test]
    [CancelAfter(180_000)]
    public async Task ManagedIdentityCredential_over_the_IMDS_protocol_via_AZURE_POD_IDENTITY_AUTHORITY_HOST_gets_a_token_and_ResourceManagementClient_reads_DevTest(CancellationToken cancellationToken)
    {
        var result = await RunAsync("managed", imds => new() { ["AZURE_POD_IDENTITY_AUTHORITY_HOST"] = imds }, expectedExit: 0, cancellationToken);

        AssertTokenAndResourceGroup(result);
    }

    [Test]
    [CancelAfter(180_000)]
    public async Task ManagedIdentityCredential_over_the_App_Service_protocol_via_IDENTITY_ENDPOINT_and_IDENTITY_HEADER_gets_a_token_and_ResourceManagementClient_reads_DevTest(CancellationToken cancellationToken)
    {
        var result = await RunAsync("managed", imds => AppService(imds, Secret), expectedExit: 0, cancellationToken);

        AssertTokenAndResourceGroup(result);
    }

    [Test]
    [CancelAfter(180_000)]
    public async Task ManagedIdentityCredential_with_a_wrong_IDENTITY_HEADER_gets_no_token_and_the_emulators_message(CancellationToken cancellationToken)
    {
        var result = await RunAsync("managed", imds => AppService(imds, "not-the-secret"), expectedExit: 3, cancellationToken);

        // msal-node turns the 401 body's "message" into the error description; @azure/identity reports it as CredentialUnavailableError.
        Assert.That(result.TryGetProperty("oid", out _), Is.False, "no token");
        Assert.That(result.GetProperty("error").GetString(), Is.EqualTo("CredentialUnavailableError"));
        Assert.That(result.GetProperty("message").GetString(), Does.Contain("The X-IDENTITY-HEADER header is missing or does not match IDENTITY_HEADER."));
    }

    // Unlike .NET's, @azure/identity's DefaultAzureCredential needs no AZURE_TOKEN_CREDENTIALS here: managed identity comes before the
    // developer credentials in its chain, and its IMDS availability probe is skipped when AZURE_POD_IDENTITY_AUTHORITY_HOST is set
    // (@azure/identity 4.14.1 dist/esm/credentials/managedIdentityCredential/imdsMsi.js, isAvailable). The ready line's setting works too.
    [TestCase(null, TestName = "DefaultAzureCredential_gets_a_token_over_the_IMDS_protocol_with_only_AZURE_POD_IDENTITY_AUTHORITY_HOST")]
    [TestCase("ManagedIdentityCredential", TestName = "DefaultAzureCredential_gets_a_token_over_the_IMDS_protocol_with_the_ready_lines_AZURE_TOKEN_CREDENTIALS")]
    [CancelAfter(180_000)]
    public async Task DefaultAzureCredential_over_the_IMDS_protocol(string? tokenCredentials, CancellationToken cancellationToken)
    {
        var result = await RunAsync("default", imds => new()
        {
            ["AZURE_POD_IDENTITY_AUTHORITY_HOST"] = imds,
            ["AZURE_TOKEN_CREDENTIALS"] = tokenCredentials,
        }, expectedExit: 0, cancellationToken);

        AssertTokenAndResourceGroup(result);
    }

    // "prod" keeps developer credentials out and still includes managed identity; without it managed identity is tried before them anyway.
    [TestCase(null, TestName = "DefaultAzureCredential_gets_a_token_over_the_App_Service_protocol_with_only_IDENTITY_ENDPOINT_and_IDENTITY_HEADER")]
    [TestCase("prod", TestName = "DefaultAzureCredential_gets_a_token_over_the_App_Service_protocol_with_AZURE_TOKEN_CREDENTIALS_prod")]
    [CancelAfter(180_000)]
    public async Task DefaultAzureCredential_over_the_App_Service_protocol(string? tokenCredentials, CancellationToken cancellationToken)
    {
        var result = await RunAsync("default", imds =>
        {
            var environment = AppService(imds, Secret);
            environment["AZURE_TOKEN_CREDENTIALS"] = tokenCredentials;
            return environment;
        }, expectedExit: 0, cancellationToken);

        AssertTokenAndResourceGroup(result);
    }

    private static Dictionary<string, string?> AppService(string imds, string header) => new()
    {
        ["IDENTITY_ENDPOINT"] = imds + "/msi/token",
        ["IDENTITY_HEADER"] = header,
    };

    private static void AssertTokenAndResourceGroup(JsonElement result)
    {
        Assert.That(result.GetProperty("oid").GetString(), Is.EqualTo(TutorialDefaults.SystemAssignedPrincipalId));
        Assert.That(result.GetProperty("aud").GetString(), Is.EqualTo("https://management.azure.com"));
        // expires_on is POSIX seconds on both protocols; a misread (milliseconds, or a date string) would land far outside this window.
        Assert.That(result.GetProperty("expiresInSeconds").GetInt64(), Is.InRange(5 * 60, 25 * 3600));
        Assert.That(result.GetProperty("id").GetString(), Is.EqualTo(TutorialDefaults.ResourceGroupId));
        Assert.That(result.GetProperty("name").GetString(), Is.EqualTo(TutorialDefaults.ResourceGroupName));
        Assert.That(result.GetProperty("location").GetString(), Is.EqualTo(TutorialDefaults.Location));
    }

    /// <summary>Starts the emulator program with <c>--identity-header</c> and <c>--cert-out</c>, runs the script, returns its JSON line.</summary>
    private async Task<JsonElement> RunAsync(string credential, Func<string, Dictionary<string, string?>> settings, int expectedExit, CancellationToken cancellationToken)
    {
        string certificate = Path.Combine(_folder!, "arm-" + Guid.NewGuid().ToString("N") + ".pem");
        Process? emulator = null;
        try
        {
            (emulator, string ready) = await NodeClient.StartEmulatorAsync(cancellationToken, "--identity-header", Secret, "--cert-out", certificate);
            string imds = NodeClient.Field(ready, "imds="), arm = NodeClient.Field(ready, "arm=");
            var environment = CredentialVariables.ToDictionary(v => v, _ => (string?)null);
            foreach (var (name, value) in settings(imds)) environment[name] = value;
            environment["NODE_EXTRA_CA_CERTS"] = certificate;

            var (exit, output, errors) = await NodeClient.RunAsync("node", _folder!, environment, cancellationToken, "run.mjs", credential, arm, TutorialDefaults.SubscriptionId);

            Assert.That(exit, Is.EqualTo(expectedExit), output + errors);
            return JsonDocument.Parse(output.Trim().Split('\n')[^1]).RootElement;
        }
        finally
        {
            NodeClient.Stop(emulator);
        }
    }
}
