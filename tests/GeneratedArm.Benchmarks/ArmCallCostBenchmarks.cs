using System.Text.Json;
using BenchmarkDotNet.Attributes;
using GeneratedArm.Benchmarks.Models;

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
    private ArmCallTarget _target = null!;
    private HttpClient _http = null!;
    private ArmClient _generatedArm = null!;
    private Uri _uri = null!;

    [Params("Canned", "Emulator", "Loopback")]
    public string Server { get; set; } = "Canned";

    [GlobalSetup]
    public async Task SetupAsync()
    {
        _target = await ArmCallTarget.StartAsync(Server);
        _http = new HttpClient(_target.Handler, disposeHandler: false);
        _http.DefaultRequestHeaders.TryAddWithoutValidation("Authorization", "Bearer " + _target.Token);
        _uri = _target.ResourceGroupUri;
        _generatedArm = new ArmClient(_target.Credential, new ArmClientOptions { Endpoint = _target.Endpoint, Transport = _target.Handler });

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
        await _target.DisposeAsync();
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
    public async Task<string?> GeneratedArmClient() => (await _generatedArm.GetAsync<ResourceGroup>(ArmCallTarget.Path, ArmCallTarget.ApiVersion)).Name;

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
