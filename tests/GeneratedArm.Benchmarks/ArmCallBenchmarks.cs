using System.Net.Http.Json;
using Azure.Core;
using Azure.Core.Pipeline;
using Azure.ResourceManager;
using BenchmarkDotNet.Attributes;
using GeneratedArm.Benchmarks.Models;
using GeneratedArm.Identity;
using GeneratedArm.TestServer;

namespace GeneratedArm.Benchmarks;

/// <summary>
/// One ARM GET of the tutorial's resource group, token already cached, by each client a user would pick, all through
/// the same handler. Baseline (the floor of any client): <c>HttpClient.GetStringAsync</c> with the bearer header set
/// once — no ARM headers, no parse, no retries. <c>HandWrittenStj</c> is what a user writes by hand:
/// <c>GetFromJsonAsync</c> with System.Text.Json's source-generated context.
/// Param <c>Server</c>: <c>Canned</c> isolates client overhead (fixed bytes, no server work); <c>Emulator</c> runs
/// the in-process emulator (token validation, RBAC) behind every call, as integration tests do; <c>Loopback</c> is a
/// minimal Kestrel HTTPS server on 127.0.0.1 (<see cref="LoopbackArmServer"/>): a real socket and TLS, no server work.
/// </summary>
[MemoryDiagnoser]
[ThreadingDiagnoser]
public class ArmCallBenchmarks
{
    private const string ApiVersion = "2016-06-01";
    private static readonly string Path = $"/subscriptions/{TutorialDefaults.SubscriptionId}/resourceGroups/{TutorialDefaults.ResourceGroupName}";

    private AzureEmulator? _emulator;
    private LoopbackArmServer? _loopback;
    private HttpMessageHandler _handler = null!;
    private HttpClient _bare = null!;
    private ArmClient _generatedArm = null!;
    private Azure.ResourceManager.ArmClient _azureSdk = null!;
    private ManagedIdentityCredential _credential = null!;
    private Uri _bareUri = null!;

    [Params("Canned", "Emulator", "Loopback")]
    public string Server { get; set; } = "Canned";

    [GlobalSetup]
    public async Task SetupAsync()
    {
        var endpoint = new Uri("https://management.azure.com");
        HttpMessageHandler imdsHandler;
        switch (Server)
        {
            case "Emulator":
                _emulator = AzureEmulator.Create();
                _handler = _emulator.CreateHandler();
                imdsHandler = _handler;
                break;
            case "Loopback":
                // Tokens come from the canned IMDS (they are cached before measuring); every ARM GET crosses the socket.
                _loopback = await LoopbackArmServer.StartAsync();
                _handler = _loopback.CreateHandler();
                imdsHandler = new CannedAzureHandler();
                endpoint = _loopback.Endpoint;
                break;
            default:
                _handler = new CannedAzureHandler();
                imdsHandler = _handler;
                break;
        }

        _credential = new ManagedIdentityCredential(new ManagedIdentityCredentialOptions { Endpoint = new Uri("http://169.254.169.254"), Transport = imdsHandler });
        var token = await _credential.GetTokenAsync("https://management.azure.com/");

        _bare = new HttpClient(_handler, disposeHandler: false);
        _bare.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", token.Token);
        _bareUri = new Uri(endpoint, $"{Path}?api-version={ApiVersion}");

        _generatedArm = new ArmClient(_credential, new ArmClientOptions { Endpoint = endpoint, Transport = _handler });

        var azureCredential = new Azure.Identity.ManagedIdentityCredential(
            new Azure.Identity.ManagedIdentityCredentialOptions(Azure.Identity.ManagedIdentityId.SystemAssigned)
            {
                Transport = new HttpClientTransport(new HttpClient(imdsHandler, disposeHandler: false)),
            });
        _azureSdk = new Azure.ResourceManager.ArmClient(azureCredential, TutorialDefaults.SubscriptionId, CreateAzureSdkOptions(_handler, endpoint));

        // Warm every path once so caches (tokens, connections) are filled before measuring.
        await Floor();
        await HandWrittenStj();
        await GeneratedArmClient();
        await AzureResourceManager();
    }

    [GlobalCleanup]
    public async Task CleanupAsync()
    {
        _generatedArm.Dispose();
        _bare.Dispose();
        _credential.Dispose();
        _handler.Dispose();
        if (_emulator is not null)
        {
            await _emulator.DisposeAsync();
        }

        if (_loopback is not null)
        {
            await _loopback.DisposeAsync();
        }
    }

    [Benchmark(Baseline = true)]
    public async Task<int> Floor()
    {
        var text = await _bare.GetStringAsync(_bareUri);
        return text.Length;
    }

    [Benchmark]
    public async Task<string?> HandWrittenStj()
    {
        var group = await _bare.GetFromJsonAsync(_bareUri, StjContext.Default.StjResourceGroup);
        return group!.Name;
    }

    [Benchmark]
    public async Task<string?> GeneratedArmClient()
    {
        var group = await _generatedArm.GetAsync<ResourceGroup>(Path, ApiVersion);
        return group.Name;
    }

    [Benchmark]
    public async Task<string?> AzureResourceManager()
    {
        var group = await _azureSdk.GetResourceGroupResource(new ResourceIdentifier(Path)).GetAsync();
        return group.Value.Data.Name;
    }

    /// <summary>Azure.ResourceManager options using the benchmark's handler, API version pinned to the tutorial's, no retries.</summary>
    private static Azure.ResourceManager.ArmClientOptions CreateAzureSdkOptions(HttpMessageHandler handler, Uri endpoint)
    {
        var options = new Azure.ResourceManager.ArmClientOptions
        {
            Transport = new HttpClientTransport(new HttpClient(handler, disposeHandler: false)),
            Environment = new ArmEnvironment(endpoint, "https://management.azure.com/"),
        };
        options.Retry.MaxRetries = 0;
        options.SetApiVersion(new ResourceType("Microsoft.Resources/resourceGroups"), ApiVersion);
        return options;
    }
}
