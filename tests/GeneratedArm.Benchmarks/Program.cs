using BenchmarkDotNet.Running;
using GeneratedArm.Benchmarks.Load;

namespace GeneratedArm.Benchmarks;

/// <summary>
/// Entry point: <c>dotnet run -c Release --project tests/GeneratedArm.Benchmarks -- --filter '*'</c> (BenchmarkDotNet);
/// <c>… -- load [reads|writes|all]</c> for the emulator's loopback load benchmark (<see cref="LoadCommand"/>);
/// <c>… -- cpu</c> for <see cref="CpuTimeRunner"/>'s CPU-time breakdown of an ARM GET.
/// </summary>
public static class Program
{
    public static async Task<int> Main(string[] args)
    {
        if (args.Length > 0 && args[0] == "load") return await LoadCommand.RunAsync(args[1..]).ConfigureAwait(false);
        if (args.Length > 0 && args[0] == "cpu")
        {
            await CpuTimeRunner.RunAsync(args).ConfigureAwait(false);
            return 0;
        }

        BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
        return 0;
    }
}
