using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using BenchmarkDotNet.Attributes;
using GeneratedArm.Benchmarks.Models;

namespace GeneratedArm.Benchmarks;

/// <summary>
/// Reading and writing the tutorial's resource group: GeneratedArm's generated code against the
/// System.Text.Json source generator (the fastest alternative a user would pick) on an equivalent POCO.
/// </summary>
[MemoryDiagnoser]
[GroupBenchmarksBy(BenchmarkDotNet.Configs.BenchmarkLogicalGroupRule.ByCategory)]
[CategoriesColumn]
public class DeserializationBenchmarks
{
    private readonly byte[] _json = Encoding.UTF8.GetBytes(CannedAzureHandler.ResourceGroupJson);
    private ResourceGroup _generated = null!;
    private StjResourceGroup _stj = null!;
    private readonly System.Buffers.ArrayBufferWriter<byte> _buffer = new(1024);

    [GlobalSetup]
    public void Setup()
    {
        _generated = Read();
        _stj = JsonSerializer.Deserialize(_json, StjContext.Default.StjResourceGroup)!;
    }

    [Benchmark(Baseline = true)]
    [BenchmarkCategory("Read")]
    public StjResourceGroup ReadWithSystemTextJsonSourceGen() => JsonSerializer.Deserialize(_json, StjContext.Default.StjResourceGroup)!;

    [Benchmark]
    [BenchmarkCategory("Read")]
    public ResourceGroup ReadWithGeneratedArm() => Read();

    [Benchmark(Baseline = true)]
    [BenchmarkCategory("Write")]
    public int WriteWithSystemTextJsonSourceGen()
    {
        _buffer.ResetWrittenCount();
        using var writer = new Utf8JsonWriter(_buffer);
        JsonSerializer.Serialize(writer, _stj, StjContext.Default.StjResourceGroup);
        return _buffer.WrittenCount;
    }

    [Benchmark]
    [BenchmarkCategory("Write")]
    public int WriteWithGeneratedArm()
    {
        _buffer.ResetWrittenCount();
        using var writer = new Utf8JsonWriter(_buffer);
        _generated.WriteJson(writer);
        writer.Flush();
        return _buffer.WrittenCount;
    }

    private ResourceGroup Read()
    {
        var reader = new Utf8JsonReader(_json);
        reader.Read();
        return ResourceGroup.ReadJson(ref reader);
    }
}

/// <summary>The POCO a user would write for System.Text.Json's source generator.</summary>
public sealed class StjResourceGroup
{
    [JsonPropertyName("id")] public string? Id { get; set; }
    [JsonPropertyName("name")] public string? Name { get; set; }
    [JsonPropertyName("type")] public string? Type { get; set; }
    [JsonPropertyName("location")] public string? Location { get; set; }
    [JsonPropertyName("managedBy")] public string? ManagedBy { get; set; }
    [JsonPropertyName("tags")] public Dictionary<string, string>? Tags { get; set; }
    [JsonPropertyName("properties")] public StjResourceGroupProperties? Properties { get; set; }
}

/// <summary>The nested POCO.</summary>
public sealed class StjResourceGroupProperties
{
    [JsonPropertyName("provisioningState")] public string? ProvisioningState { get; set; }
}

[JsonSerializable(typeof(StjResourceGroup))]
internal sealed partial class StjContext : JsonSerializerContext;
