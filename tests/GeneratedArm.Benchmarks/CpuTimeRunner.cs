using System.Diagnostics;
using System.Globalization;
using System.Reflection;
using BenchmarkDotNet.Attributes;

namespace GeneratedArm.Benchmarks;

/// <summary>
/// A diagnostic companion to BenchmarkDotNet for a shared, loaded machine: runs every <c>[Benchmark]</c> of
/// <see cref="ArmCallCostBenchmarks"/> in turn and reports process CPU time per call (the best of several rounds).
/// Wall-clock timings inflate whenever other processes take the cores; CPU time does not, so neighbouring rows stay
/// comparable under load. It includes every thread of this process (the in-process emulator or Kestrel server too),
/// so through a server it measures client plus server work. Also a steady loop to attach <c>perf record</c> to
/// (<c>DOTNET_PerfMapEnabled=1</c>). Usage: <c>-- cpu [Canned|Emulator|Loopback] [seconds per round] [method]</c>.
/// </summary>
internal static class CpuTimeRunner
{
    public static async Task RunAsync(string[] args)
    {
        var servers = args.Length > 1 ? [args[1]] : new[] { "Canned", "Emulator", "Loopback" };
        var seconds = args.Length > 2 ? double.Parse(args[2], CultureInfo.InvariantCulture) : 1.0;
        var methods = typeof(ArmCallCostBenchmarks).GetMethods()
            .Where(m => m.GetCustomAttribute<BenchmarkAttribute>() is not null && (args.Length < 4 || m.Name == args[3]))
            .ToArray();
        foreach (var server in servers)
        {
            var suite = new ArmCallCostBenchmarks { Server = server };
            await suite.SetupAsync();
            try
            {
                // Warm every path (and the server behind it), then measure in interleaved rounds so that tiering, GC and
                // neighbours' load fall on every row alike; keep each row's best round.
                var calls = methods.Select(m => CreateCall(suite, m)).ToArray();
                foreach (var call in calls)
                {
                    await RunForAsync(call, seconds, minimumCalls: 5_000);
                }

                var best = Enumerable.Repeat(double.MaxValue, calls.Length).ToArray();
                var bytes = new double[calls.Length];
                for (var round = 0; round < 7; round++)
                {
                    for (var i = 0; i < calls.Length; i++)
                    {
                        var (cpu, allocated) = await MeasureAsync(calls[i], seconds);
                        best[i] = Math.Min(best[i], cpu);
                        bytes[i] = allocated;
                    }
                }

                for (var i = 0; i < methods.Length; i++)
                {
                    Console.WriteLine(FormattableString.Invariant($"{server,-9} {methods[i].Name,-32} {best[i],10:0} ns CPU/call  {best[i] / best[0],5:0.00}x  {bytes[i],7:0} B/call"));
                }
            }
            finally
            {
                await suite.CleanupAsync();
            }
        }
    }

    // A bound delegate (return types are covariant: Task<T> is a Task), so no reflection cost lands in the figures.
    private static Func<Task> CreateCall(ArmCallCostBenchmarks suite, MethodInfo method) => (Func<Task>)Delegate.CreateDelegate(typeof(Func<Task>), suite, method);

    /// <summary>Process CPU time and bytes allocated (every thread) per call over one round.</summary>
    private static async Task<(double CpuNanoseconds, double Bytes)> MeasureAsync(Func<Task> call, double seconds)
    {
        var process = Process.GetCurrentProcess();
        process.Refresh();
        var cpuBefore = process.TotalProcessorTime;
        var bytesBefore = GC.GetTotalAllocatedBytes(precise: false);
        var calls = await RunForAsync(call, seconds, minimumCalls: 100);
        var allocated = GC.GetTotalAllocatedBytes(precise: false) - bytesBefore;
        process.Refresh();
        return ((process.TotalProcessorTime - cpuBefore).TotalNanoseconds / calls, (double)allocated / calls);
    }

    private static async Task<int> RunForAsync(Func<Task> call, double seconds, int minimumCalls)
    {
        var calls = 0;
        var wall = Stopwatch.StartNew();
        while (wall.Elapsed.TotalSeconds < seconds || calls < minimumCalls)
        {
            for (var i = 0; i < 100; i++)
            {
                await call();
            }

            calls += 100;
        }

        return calls;
    }
}
