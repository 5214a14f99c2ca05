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

    [Test]
    public async Task Arm_get_allocates_little_beyond_the_request_it_must_send()
    {
        // The same GET by hand through the same handler (ARM's four headers, headers-read, pooled body, same model)
        // against ArmClient.GetAsync: what ArmClient adds per call (retry loop, token lookup, Task<T>) must stay small.
        var imds = new StubHandler((_, _) => Imds.Token("tok", DateTimeOffset.UtcNow, TimeSpan.FromHours(24)));
        using var credential = new ManagedIdentityCredential(new() { Endpoint = new Uri("http://169.254.169.254"), Transport = imds });
        var arm = new FixedArmHandler();
        using var client = new ArmClient(credential, new ArmClientOptions { Transport = arm });
        using var bare = new HttpClient(arm, disposeHandler: false); // 100 s Timeout, as ArmClient sets on its own client
        const string Path = "/subscriptions/s/resourceGroups/DevTest";
        var uri = new Uri("https://management.azure.com" + Path + "?api-version=2016-06-01");
        var authorization = "Bearer " + (await credential.GetTokenAsync(Imds.ArmResource)).Token;

        async Task<string?> ViaArmClient() => (await client.GetAsync<TestResourceGroup>(Path, "2016-06-01")).Name;

        async Task<string?> ByHand()
        {
            _ = await credential.GetTokenAsync(Imds.ArmResource);
            using var request = new HttpRequestMessage(HttpMethod.Get, uri);
            request.Headers.TryAddWithoutValidation("Authorization", authorization);
            request.Headers.TryAddWithoutValidation("x-ms-client-request-id", Internal.RequestId.Next());
            request.Headers.TryAddWithoutValidation("x-ms-return-client-request-id", "true");
            request.Headers.TryAddWithoutValidation("User-Agent", Internal.UserAgent.Value);
            using var response = await bare.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
            using var body = await Internal.PooledBody.ReadAsync(response, default);
            var reader = new System.Text.Json.Utf8JsonReader(body.Memory.Span);
            reader.Read();
            return TestResourceGroup.ReadJson(ref reader).Name;
        }

        var perCallArm = await AllocatedPerCall(ViaArmClient);
        var perCallByHand = await AllocatedPerCall(ByHand);
        TestContext.Out.WriteLine($"ArmClient.GetAsync: {perCallArm} B/call; by hand: {perCallByHand} B/call");
#if DEBUG
        // Debug builds compile every async method into a class allocated per call (SendCoreAsync's is large).
        const int Budget = 1024;
#else
        // Release: state machines stay on the stack when every await completes synchronously; the Task<T> is 72 B.
        const int Budget = 128;
#endif
        Assert.That(perCallArm - perCallByHand, Is.LessThanOrEqualTo(Budget), "ArmClient's own per-call allocation");
    }

    private static async Task<long> AllocatedPerCall(Func<Task<string?>> call)
    {
        const int N = 2_000;
        for (var i = 0; i < 200; i++)
        {
            Assert.That(await call(), Is.EqualTo("DevTest"));
        }

        // Every await completes synchronously against the fixed handler, so all allocations land on this thread.
        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < N; i++)
        {
            if (!call().IsCompletedSuccessfully)
            {
                Assert.Fail("the call should complete synchronously against a fixed handler");
            }
        }

        return (GC.GetAllocatedBytesForCurrentThread() - before) / N;
    }

    private sealed class FixedArmHandler : HttpMessageHandler
    {
        private static readonly byte[] Body = System.Text.Encoding.UTF8.GetBytes(
            """{"id":"/subscriptions/s/resourceGroups/DevTest","name":"DevTest","location":"westus","properties":{"provisioningState":"Succeeded"}}""");

        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken) =>
            Task.FromResult(new HttpResponseMessage(System.Net.HttpStatusCode.OK) { Content = new ByteArrayContent(Body), RequestMessage = request });
    }

    private static string Sync(ManagedIdentityCredential credential, string resource)
    {
        var pending = credential.GetTokenAsync(resource);
        return pending.IsCompletedSuccessfully ? pending.Result.Token : throw new AssertionException("cached path was not synchronous");
    }
}
