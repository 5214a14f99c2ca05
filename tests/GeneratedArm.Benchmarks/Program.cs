using BenchmarkDotNet.Running;
using GeneratedArm.Benchmarks.Load;

namespace GeneratedArm.Benchmarks;

/// <summary>
/// Entry point: <c>dotnet run -c Release --project tests/GeneratedArm.Benchmarks -- --filter '*'</c> (BenchmarkDotNet), or
/// <c>… -- load [reads|writes|all]</c> for the emulator's loopback load benchmark (<see cref="LoadCommand"/>).
/// </summary>
public static class Program
{
    public static async Task<int> Main(string[] args)
    {
        if (args.Length > 0 && args[0] == "load") return await LoadCommand.RunAsync(args[1..]).ConfigureAwait(false);
        BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
        return 0;
    }
}
