using BenchmarkDotNet.Attributes;
using GeneratedArm.TestServer;

namespace GeneratedArm.Benchmarks;

/// <summary>
/// What learning a resource provider from its spec adds to an emulator's start (warm: after BenchmarkDotNet's warm-up, so the
/// process, JIT and the emulator's signing key exist already): a plain in-process emulator vs one started with the
/// Microsoft.ManagedIdentity 2024-11-30 spec (plus the common-types file it refers to) from ../shared/specs. Each start parses
/// the spec files and builds the resource-type catalogue; the emulator is disposed in the same iteration.
/// </summary>
[MemoryDiagnoser]
public class ProviderSpecStartupBenchmarks
{
    private string _spec = null!;

    [GlobalSetup]
    public void Setup()
    {
        string? root = AppContext.BaseDirectory;
        while (root is not null && !File.Exists(Path.Combine(root, "GeneratedArm.sln"))) root = Path.GetDirectoryName(root);
        _spec = Path.GetFullPath(Path.Combine(root ?? "/", "..", "shared", "specs", "azure-rest-api-specs", "specification", "msi", "resource-manager",
            "Microsoft.ManagedIdentity", "stable", "2024-11-30", "ManagedIdentity.json"));
        if (!File.Exists(_spec)) throw new InvalidOperationException($"This benchmark needs the spec corpus: {_spec} (../shared/specs next to the repository).");
    }

    // CA1822: BenchmarkDotNet runs instance methods.
#pragma warning disable CA1822
    [Benchmark(Baseline = true)]
    public async Task PlainEmulator()
    {
        await using var emulator = AzureEmulator.Create();
    }
#pragma warning restore CA1822

    [Benchmark]
    public async Task EmulatorWithManagedIdentitySpec()
    {
        await using var emulator = AzureEmulator.Create(b => b.AddResourceProviderSpecs(_spec));
    }
}
