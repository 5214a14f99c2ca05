using Azure.Core;
using Azure.Core.Pipeline;
using System.Net.Http.Json;
using Azure.ResourceManager;
using BenchmarkDotNet.Attributes;
using GeneratedArm.Benchmarks.Models;
using GeneratedArm.Identity;
using GeneratedArm.TestServer;

namespace GeneratedArm.Benchmarks;

/// <summary>
/// One ARM GET of the tutorial's resource group, token already cached, by each client a user would pick.
/// Baseline: what a user writes with a bare <see cref="HttpClient"/> through the same handler — bearer header set by
/// hand, <c>GetFromJsonAsync</c> with System.Text.Json's source-generated context (no retries, no ARM headers, no
/// error decoding). <c>BareHttpClientBytesOnly</c> skips even the parsing: the floor of any client.
/// Param <c>Server</c>: <c>Canned</c> isolates client overhead (fixed bytes, no server work); <c>Emulator</c> runs
/// the in-process emulator (token validation, RBAC) behind every call, as integration tests do.
/// </summary>
[MemoryDiagnoser]
public class ArmCallBenchmarks
{
    private const string ApiVersion = "2016-06-01";
    private static readonly string Path = $"/subscriptions/{TutorialDefaults.SubscriptionId}/resourceGroups/{TutorialDefaults.ResourceGroupName}";

    private AzureEmulator? _emulator;
    private HttpClient _bare = null!;
    private ArmClient _generatedArm = null!;
    private Azure.ResourceManager.ArmClient _azureSdk = null!;
    private ManagedIdentityCredential _credential = null!;
    private Uri _bareUri = null!;

    [Params("Canned", "Emulator")]
    public string Server { get; set; } = "Canned";

    [GlobalSetup]
    public async Task SetupAsync()
    {
        HttpMessageHandler handler;
        if (Server == "Emulator")
        {
            _emulator = AzureEmulator.Create();
            handler = _emulator.CreateHandler();
        }
        else
        {
            handler = new CannedAzureHandler();
        }

        _credential = new ManagedIdentityCredential(new ManagedIdentityCredentialOptions { Endpoint = new Uri("http://169.254.169.254"), Transport = handler });
        var token = await _credential.GetTokenAsync("https://management.azure.com/");

        _bare = new HttpClient(handler, disposeHandler: false);
        _bare.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", token.Token);
        _bareUri = new Uri($"https://management.azure.com{Path}?api-version={ApiVersion}");

        _generatedArm = new ArmClient(_credential, new ArmClientOptions { Endpoint = new Uri("https://management.azure.com"), Transport = handler });

        var azureCredential = new Azure.Identity.ManagedIdentityCredential(
            new Azure.Identity.ManagedIdentityCredentialOptions(Azure.Identity.ManagedIdentityId.SystemAssigned)
            {
                Transport = new HttpClientTransport(new HttpClient(handler, disposeHandler: false)),
            });
        _azureSdk = new Azure.ResourceManager.ArmClient(azureCredential, TutorialDefaults.SubscriptionId, CreateAzureSdkOptions(handler));

        // Warm every path once so caches (tokens, connections) are filled before measuring.
        await BareHttpClient();
        await GeneratedArmClient();
        await AzureResourceManager();
    }

    [GlobalCleanup]
    public async Task CleanupAsync()
    {
        _bare.Dispose();
        _credential.Dispose();
        if (_emulator is not null)
        {
            await _emulator.DisposeAsync();
        }
    }

    [Benchmark(Baseline = true)]
    public async Task<string?> BareHttpClient()
    {
        var group = await _bare.GetFromJsonAsync(_bareUri, StjContext.Default.StjResourceGroup);
        return group!.Name;
    }

    [Benchmark]
    public async Task<int> BareHttpClientBytesOnly()
    {
        using var response = await _bare.GetAsync(_bareUri);
        var bytes = await response.Content.ReadAsByteArrayAsync();
        return bytes.Length;
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
    private static Azure.ResourceManager.ArmClientOptions CreateAzureSdkOptions(HttpMessageHandler handler)
    {
        var options = new Azure.ResourceManager.ArmClientOptions
        {
            Transport = new HttpClientTransport(new HttpClient(handler, disposeHandler: false)),
        };
        options.Retry.MaxRetries = 0;
        options.SetApiVersion(new ResourceType("Microsoft.Resources/resourceGroups"), ApiVersion);
        return options;
    }
}
