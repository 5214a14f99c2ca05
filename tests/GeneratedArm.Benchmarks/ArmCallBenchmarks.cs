using System.Net.Http.Json;
using Azure.Core;
using Azure.Core.Pipeline;
using Azure.ResourceManager;
using BenchmarkDotNet.Attributes;
using GeneratedArm.Benchmarks.Models;
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
    private ArmCallTarget _target = null!;
    private HttpClient _bare = null!;
    private ArmClient _generatedArm = null!;
    private Azure.ResourceManager.ArmClient _azureSdk = null!;
    private Uri _bareUri = null!;

    [Params("Canned", "Emulator", "Loopback")]
    public string Server { get; set; } = "Canned";

    [GlobalSetup]
    public async Task SetupAsync()
    {
        _target = await ArmCallTarget.StartAsync(Server);
        _bare = new HttpClient(_target.Handler, disposeHandler: false);
        _bare.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", _target.Token);
        _bareUri = _target.ResourceGroupUri;

        _generatedArm = new ArmClient(_target.Credential, new ArmClientOptions { Endpoint = _target.Endpoint, Transport = _target.Handler });

        var azureCredential = new Azure.Identity.ManagedIdentityCredential(
            new Azure.Identity.ManagedIdentityCredentialOptions(Azure.Identity.ManagedIdentityId.SystemAssigned)
            {
                Transport = new HttpClientTransport(new HttpClient(_target.ImdsHandler, disposeHandler: false)),
            });
        _azureSdk = new Azure.ResourceManager.ArmClient(azureCredential, TutorialDefaults.SubscriptionId, CreateAzureSdkOptions(_target.Handler, _target.Endpoint));

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
        await _target.DisposeAsync();
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
        var group = await _generatedArm.GetAsync<ResourceGroup>(ArmCallTarget.Path, ArmCallTarget.ApiVersion);
        return group.Name;
    }

    [Benchmark]
    public async Task<string?> AzureResourceManager()
    {
        var group = await _azureSdk.GetResourceGroupResource(new ResourceIdentifier(ArmCallTarget.Path)).GetAsync();
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
        options.SetApiVersion(new ResourceType("Microsoft.Resources/resourceGroups"), ArmCallTarget.ApiVersion);
        return options;
    }
}
