using System.Text.Json;
using BenchmarkDotNet.Attributes;
using GeneratedArm.Benchmarks.Models;
using GeneratedArm.Identity;
using GeneratedArm.TestServer;

namespace GeneratedArm.Benchmarks;

/// <summary>
/// Where <see cref="ArmClient.GetAsync{T}"/>'s time goes beyond the <c>GetStringAsync</c> floor, one step at a time,
/// each through the same handler as <see cref="ArmCallBenchmarks"/>: the ARM request headers (and what the server does
/// with them), reading the body as it streams (<c>ResponseHeadersRead</c>) instead of buffered, the model parse, and
/// finally <see cref="ArmClient"/>'s own work (token lookup, retry loop, tracing and logging checks, the returned task).
/// The difference between two neighbouring rows is the cost of one step.
/// </summary>
[MemoryDiagnoser]
[ThreadingDiagnoser]
public class ArmCallCostBenchmarks
{
    private const string ApiVersion = "2016-06-01";
    private static readonly string Path = $"/subscriptions/{TutorialDefaults.SubscriptionId}/resourceGroups/{TutorialDefaults.ResourceGroupName}";

    private AzureEmulator? _emulator;
    private LoopbackArmServer? _loopback;
    private HttpMessageHandler _handler = null!;
    private HttpClient _http = null!;
    private ArmClient _generatedArm = null!;
    private ManagedIdentityCredential _credential = null!;
    private Uri _uri = null!;
    private string _authorization = null!;

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
        _authorization = "Bearer " + token.Token;
        _http = new HttpClient(_handler, disposeHandler: false);
        _http.DefaultRequestHeaders.TryAddWithoutValidation("Authorization", _authorization);
        _uri = new Uri(endpoint, $"{Path}?api-version={ApiVersion}");
        _generatedArm = new ArmClient(_credential, new ArmClientOptions { Endpoint = endpoint, Transport = _handler });

        await Floor();
        await WithArmHeaders();
        await WithArmHeadersStreamed();
        await WithArmHeadersStreamedAndParsed();
        await GeneratedArmClient();
    }

    [GlobalCleanup]
    public async Task CleanupAsync()
    {
        _generatedArm.Dispose();
        _http.Dispose();
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

    /// <summary>The floor: <c>GetStringAsync</c>, bearer header only.</summary>
    [Benchmark(Baseline = true)]
    public async Task<int> Floor() => (await _http.GetStringAsync(_uri)).Length;

    /// <summary>+ the three headers ARM requests carry (a new client request id each time, return-client-request-id, User-Agent); buffered, read as a string.</summary>
    [Benchmark]
    public async Task<int> WithArmHeaders()
    {
        using var request = CreateArmRequest();
        using var response = await _http.SendAsync(request);
        return (await response.Content.ReadAsStringAsync()).Length;
    }

    /// <summary>+ <c>ResponseHeadersRead</c> and the body read into a pooled buffer as it streams, as <see cref="ArmClient"/> does.</summary>
    [Benchmark]
    public async Task<int> WithArmHeadersStreamed()
    {
        using var request = CreateArmRequest();
        using var response = await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
        var (buffer, length) = await ReadPooledAsync(response);
        System.Buffers.ArrayPool<byte>.Shared.Return(buffer);
        return length;
    }

    /// <summary>+ the generated model's parse: <see cref="ArmClient.GetAsync{T}"/> by hand, without its retry loop and diagnostics.</summary>
    [Benchmark]
    public async Task<string?> WithArmHeadersStreamedAndParsed()
    {
        using var request = CreateArmRequest();
        using var response = await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
        var (buffer, length) = await ReadPooledAsync(response);
        try
        {
            var reader = new Utf8JsonReader(buffer.AsSpan(0, length));
            reader.Read();
            return ResourceGroup.ReadJson(ref reader).Name;
        }
        finally
        {
            System.Buffers.ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>The real thing.</summary>
    [Benchmark]
    public async Task<string?> GeneratedArmClient() => (await _generatedArm.GetAsync<ResourceGroup>(Path, ApiVersion)).Name;

    private HttpRequestMessage CreateArmRequest()
    {
        var request = new HttpRequestMessage(HttpMethod.Get, _uri);
        request.Headers.TryAddWithoutValidation("x-ms-client-request-id", Internal.RequestId.Next());
        request.Headers.TryAddWithoutValidation("x-ms-return-client-request-id", "true");
        request.Headers.TryAddWithoutValidation("User-Agent", Internal.UserAgent.Value);
        return request;
    }

    private static async Task<(byte[] Buffer, int Length)> ReadPooledAsync(HttpResponseMessage response)
    {
        var declared = response.Content.Headers.ContentLength ?? 4096;
        var buffer = System.Buffers.ArrayPool<byte>.Shared.Rent((int)declared + 1);
        await using var stream = await response.Content.ReadAsStreamAsync();
        var length = 0;
        int read;
        while ((read = await stream.ReadAsync(buffer.AsMemory(length))) > 0)
        {
            length += read;
        }

        return (buffer, length);
    }
}
