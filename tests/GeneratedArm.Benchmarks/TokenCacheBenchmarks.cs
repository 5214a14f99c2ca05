using Azure.Core;
using Azure.Core.Pipeline;
using BenchmarkDotNet.Attributes;
using GeneratedArm.Identity;

namespace GeneratedArm.Benchmarks;

/// <summary>A cached managed-identity token: GeneratedArm's credential against Azure.Identity's.</summary>
[MemoryDiagnoser]
public class TokenCacheBenchmarks
{
    private const string Resource = "https://management.azure.com/";
    private ManagedIdentityCredential _generatedArm = null!;
    private Azure.Identity.ManagedIdentityCredential _azureIdentity = null!;
    private readonly TokenRequestContext _azureContext = new([Resource + ".default"]);

    [GlobalSetup]
    public async Task SetupAsync()
    {
        var handler = new CannedAzureHandler();
        _generatedArm = new ManagedIdentityCredential(new ManagedIdentityCredentialOptions { Endpoint = new Uri("http://169.254.169.254"), Transport = handler });
        _azureIdentity = new Azure.Identity.ManagedIdentityCredential(
            new Azure.Identity.ManagedIdentityCredentialOptions(Azure.Identity.ManagedIdentityId.SystemAssigned)
            {
                Transport = new HttpClientTransport(new HttpClient(handler)),
            });
        await _generatedArm.GetTokenAsync(Resource);
        await _azureIdentity.GetTokenAsync(_azureContext, default);
    }

    [GlobalCleanup]
    public void Cleanup() => _generatedArm.Dispose();

    [Benchmark(Baseline = true)]
    public async ValueTask<DateTimeOffset> GeneratedArmCachedToken() => (await _generatedArm.GetTokenAsync(Resource)).ExpiresOn;

    [Benchmark]
    public async ValueTask<DateTimeOffset> AzureIdentityCachedToken() => (await _azureIdentity.GetTokenAsync(_azureContext, default)).ExpiresOn;
}
