using BenchmarkDotNet.Running;

namespace GeneratedArm.Benchmarks;

/// <summary>
/// Entry point: <c>dotnet run -c Release --project tests/GeneratedArm.Benchmarks -- --filter '*'</c>; with <c>-- cpu</c>,
/// <see cref="CpuTimeRunner"/>'s CPU-time breakdown of an ARM GET.
/// </summary>
public static class Program
{
    public static async Task Main(string[] args)
    {
        if (args.Length > 0 && args[0] == "cpu")
        {
            await CpuTimeRunner.RunAsync(args);
            return;
        }

        BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
    }
}
