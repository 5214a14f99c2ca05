using System.Diagnostics;
using System.Net;
using static GeneratedArm.TestServer.Tests.Arm.ArmTestKit;

namespace GeneratedArm.TestServer.Tests.Arm;

/// <summary>Figures for the ARM side (printed; the bounds are loose so a busy shared machine does not fail them).</summary>
public class ArmFiguresTests
{
    private static async Task<(double MedianMs, double P95Ms)> MeasureAsync(int count, Func<int, Task<HttpResponseMessage>> send, HttpStatusCode expected)
    {
        var times = new List<double>(count);
        for (int i = 0; i < count; i++)
        {
            long start = Stopwatch.GetTimestamp();
            using var response = await send(i);
            times.Add(Stopwatch.GetElapsedTime(start).TotalMilliseconds);
            Assert.That(response.StatusCode, Is.EqualTo(expected));
        }
        times.Sort();
        return (times[count / 2], times[(int)(count * 0.95)]);
    }

    [Test]
    public async Task In_process_ARM_reads_and_writes_take_well_under_a_few_milliseconds_and_durable_writes_pay_for_the_fsync()
    {
        string dir = Directory.CreateTempSubdirectory("garm-figures-").FullName;
        try
        {
            using var memory = AzureEmulator.Create();
            using var durable = AzureEmulator.Create(b => b.UseDataDirectory(dir));
            using var memoryClient = memory.CreateClient();
            using var durableClient = durable.CreateClient();
            string token = VmToken(memory), admin = memory.CreateAdministratorToken(), durableAdmin = durable.CreateAdministratorToken();
            await MeasureAsync(50, _ => SendAsync(memoryClient, HttpMethod.Get, Rg("DevTest"), token), HttpStatusCode.OK); // warm-up

            var reads = await MeasureAsync(500, _ => SendAsync(memoryClient, HttpMethod.Get, Rg("DevTest"), token), HttpStatusCode.OK);
            var writes = await MeasureAsync(200, i => SendAsync(memoryClient, HttpMethod.Put, Rg($"m{i}"), admin, """{"location":"westus"}"""), HttpStatusCode.Created);
            var durableWrites = await MeasureAsync(100, i => SendAsync(durableClient, HttpMethod.Put, Rg($"d{i}"), durableAdmin, """{"location":"westus"}"""), HttpStatusCode.Created);

            TestContext.Out.WriteLine($"in-process ARM GET resource group: median {reads.MedianMs:F3} ms, p95 {reads.P95Ms:F3} ms (500 requests)");
            TestContext.Out.WriteLine($"in-process ARM PUT resource group, in memory: median {writes.MedianMs:F3} ms, p95 {writes.P95Ms:F3} ms (200 requests)");
            TestContext.Out.WriteLine($"in-process ARM PUT resource group, --data-dir (journal line + fsync): median {durableWrites.MedianMs:F3} ms, p95 {durableWrites.P95Ms:F3} ms (100 requests, state grows to 101 groups)");
            Assert.That(reads.MedianMs, Is.LessThan(20));
            Assert.That(durableWrites.MedianMs, Is.LessThan(200));
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }
}
