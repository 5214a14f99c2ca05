using System.Diagnostics;
using GeneratedArm.Identity;
using GeneratedArm.Tests.Infrastructure;

namespace GeneratedArm.Tests;

public class HotPathTests
{
    [Test]
    public async Task Cached_token_path_allocates_nothing()
    {
        var handler = new StubHandler((_, _) => Imds.Token("tok", DateTimeOffset.UtcNow, TimeSpan.FromHours(24)));
        using var credential = new ManagedIdentityCredential(new() { Endpoint = new Uri("http://169.254.169.254"), Transport = handler });
        await credential.GetTokenAsync(Imds.ArmResource);
        const string scope = "https://management.azure.com//.default";
        await credential.GetTokenAsync(scope);

        for (var i = 0; i < 1000; i++)
        {
            _ = Sync(credential, Imds.ArmResource);
        }

        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < 10_000; i++)
        {
            _ = Sync(credential, Imds.ArmResource);
        }

        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.That(allocated, Is.Zero);

        before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < 10_000; i++)
        {
            _ = Sync(credential, i % 2 == 0 ? Imds.ArmResource : scope);
        }

        Assert.That(GC.GetAllocatedBytesForCurrentThread() - before, Is.Zero, "alternating resource and scope");
        Assert.That(handler.Count, Is.EqualTo(1));
    }

    [Test]
    [Explicit("Timing: run on a quiet machine. dotnet test --filter Cached_token_path_timing")]
    public async Task Cached_token_path_timing()
    {
        var handler = new StubHandler((_, _) => Imds.Token("tok", DateTimeOffset.UtcNow, TimeSpan.FromHours(24)));
        using var credential = new ManagedIdentityCredential(new() { Endpoint = new Uri("http://169.254.169.254"), Transport = handler });
        await credential.GetTokenAsync(Imds.ArmResource);
        const int N = 5_000_000;
        for (var i = 0; i < N / 10; i++)
        {
            _ = Sync(credential, Imds.ArmResource);
        }

        var watch = Stopwatch.StartNew();
        for (var i = 0; i < N; i++)
        {
            _ = Sync(credential, Imds.ArmResource);
        }

        var ns = watch.Elapsed.TotalMilliseconds * 1_000_000 / N;
        TestContext.Out.WriteLine($"cached GetTokenAsync: {ns:0.0} ns/call");
        Assert.That(ns, Is.LessThan(100));
    }

    private static string Sync(ManagedIdentityCredential credential, string resource)
    {
        var pending = credential.GetTokenAsync(resource);
        return pending.IsCompletedSuccessfully ? pending.Result.Token : throw new AssertionException("cached path was not synchronous");
    }
}
