using System.Globalization;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using GeneratedArm.TestServer;
using GeneratedArm.TestServer.Hosting;
using GeneratedArm.TestServer.State;

namespace GeneratedArm.Benchmarks.Load;

/// <summary>
/// <c>dotnet run -c Release --project tests/GeneratedArm.Benchmarks -- load [reads|writes|all] [--connections 64] [--seconds 6] [--requests 2000000]</c>
/// (at most 1,024 connections, 120 s and 5,000,000 requests per run; every target is 127.0.0.1)
/// <list type="bullet">
/// <item><b>reads</b>: the standalone emulator (Kestrel, loopback) against a minimal Kestrel app serving the same bytes, under the same
/// closed-loop load: IMDS token (HTTP) and ARM GET of a resource group (HTTPS, administrator's token).</item>
/// <item><b>writes</b>: 8 writers PUTting resource groups, in memory with 40 and 10,000 groups stored, and durable (a data directory in
/// the temp folder) with 0 and 10,000 groups; plus one writer's durable PUT median at 0 and 10,000 groups.</item>
/// </list>
/// Client and servers share the machine (one process), so figures are for comparison within one run, not absolute capacity.
/// </summary>
public static class LoadCommand
{
    private const string ArmResource = "https://management.azure.com/";
    private const string ApiVersion = "2022-09-01";

    public static async Task<int> RunAsync(string[] args)
    {
        string mode = args.Length > 0 && !args[0].StartsWith("--", StringComparison.Ordinal) ? args[0] : "all";
        int connections;
        TimeSpan duration;
        long maxRequests;
        try
        {
            connections = IntOption(args, "--connections", 64, max: 1024);
            duration = TimeSpan.FromSeconds(IntOption(args, "--seconds", 6, max: (int)LoadGenerator.MaxDuration.TotalSeconds));
            maxRequests = IntOption(args, "--requests", 2_000_000, max: (int)LoadGenerator.MaxRequests);
        }
        catch (ArgumentException e)
        {
            await Console.Error.WriteLineAsync(e.Message).ConfigureAwait(false);
            return 2;
        }
        if (mode is not ("reads" or "writes" or "all"))
        {
            await Console.Error.WriteLineAsync($"Unknown load mode '{mode}': use reads, writes or all.").ConfigureAwait(false);
            return 2;
        }
        Console.WriteLine($"load {mode}: {connections} connections for reads, {duration.TotalSeconds:N0} s measured per side and scenario (after warm-up), at most {maxRequests:N0} requests, {Environment.ProcessorCount} cores");
        if (mode is "reads" or "all") await ReadsAsync(connections, duration, maxRequests).ConfigureAwait(false);
        if (mode is "writes" or "all") await WritesAsync(duration, maxRequests).ConfigureAwait(false);
        return 0;
    }

    private static async Task ReadsAsync(int connections, TimeSpan duration, long maxRequests)
    {
        await using var emulator = await StandaloneEmulator.StartAsync(new StandaloneOptions()).ConfigureAwait(false);
        using var setup = new LoadGenerator(1, emulator.Certificate);
        string token = await AdministratorTokenAsync(emulator).ConfigureAwait(false);

        string imdsPath = "/metadata/identity/oauth2/token";
        string imdsQuery = "?api-version=2018-02-01&resource=" + Uri.EscapeDataString(ArmResource);
        string armPath = $"/subscriptions/{TutorialDefaults.SubscriptionId}/resourcegroups/{TutorialDefaults.ResourceGroupName}";
        string armQuery = "?api-version=" + ApiVersion;
        HttpRequestMessage Imds(Uri baseUrl)
        {
            var request = new HttpRequestMessage(HttpMethod.Get, new Uri(baseUrl, imdsPath + imdsQuery));
            request.Headers.Add("Metadata", "true");
            return request;
        }
        HttpRequestMessage Arm(Uri baseUrl)
        {
            var request = new HttpRequestMessage(HttpMethod.Get, new Uri(baseUrl, armPath + armQuery));
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
            return request;
        }

        var answers = new Dictionary<string, CannedAnswer>(StringComparer.Ordinal)
        {
            [imdsPath] = await CaptureAsync(Imds(emulator.ImdsUrl)).ConfigureAwait(false),
            [armPath] = await CaptureAsync(Arm(emulator.ArmUrl)).ConfigureAwait(false),
        };
        await using var floor = await FloorServer.StartAsync(answers, emulator.Certificate).ConfigureAwait(false);

        using var load = new LoadGenerator(connections, emulator.Certificate);
        var (floorImds, emuImds) = await SideBySideAsync(load, ("floor: IMDS token (HTTP)", (_, _) => Imds(floor.HttpUrl)),
            ("emulator: IMDS token (HTTP)", (_, _) => Imds(emulator.ImdsUrl)), maxRequests, duration).ConfigureAwait(false);
        var (floorArm, emuArm) = await SideBySideAsync(load, ("floor: ARM GET group (HTTPS)", (_, _) => Arm(floor.HttpsUrl)),
            ("emulator: ARM GET group (HTTPS)", (_, _) => Arm(emulator.ArmUrl)), maxRequests, duration).ConfigureAwait(false);
        foreach (var r in new[] { floorImds, emuImds, floorArm, emuArm }) Console.WriteLine(r);
        PrintRatio("IMDS token", emuImds, floorImds);
        PrintRatio("ARM GET", emuArm, floorArm);

        async Task<CannedAnswer> CaptureAsync(HttpRequestMessage request)
        {
            using (request)
            {
                using var response = await setup.Client.SendAsync(request).ConfigureAwait(false);
                byte[] body = await response.Content.ReadAsByteArrayAsync().ConfigureAwait(false);
                if (!response.IsSuccessStatusCode)
                    throw new InvalidOperationException($"The emulator answered {(int)response.StatusCode} to {request.RequestUri}: {Encoding.UTF8.GetString(body)}");
                return new CannedAnswer((int)response.StatusCode, response.Content.Headers.ContentType?.ToString() ?? "application/json", body);
            }
        }
    }

    /// <summary>
    /// Two sides (floor and emulator, or two state sizes) alternate in <see cref="Rounds"/> short rounds and each side's rounds are
    /// summed, so a change in the machine's load during the run (other builds) weighs on both alike.
    /// </summary>
    private static async Task<(LoadResult A, LoadResult B)> SideBySideAsync(LoadGenerator load,
        (string Name, Func<int, long, HttpRequestMessage> Create) a, (string Name, Func<int, long, HttpRequestMessage> Create) b,
        long maxRequests, TimeSpan duration)
    {
        var round = duration / Rounds;
        var warmup = TimeSpan.FromMilliseconds(200);
        // A longer first warm-up per side, so both run tiered-up (PGO) code before anything is measured.
        await load.RunAsync("warm-up", a.Create, maxRequests / Rounds, TimeSpan.FromSeconds(2), TimeSpan.Zero).ConfigureAwait(false);
        await load.RunAsync("warm-up", b.Create, maxRequests / Rounds, TimeSpan.FromSeconds(2), TimeSpan.Zero).ConfigureAwait(false);
        var aRounds = new List<LoadResult>();
        var bRounds = new List<LoadResult>();
        for (int i = 0; i < Rounds; i++)
        {
            aRounds.Add(await load.RunAsync(a.Name, a.Create, maxRequests / Rounds, round, warmup).ConfigureAwait(false));
            bRounds.Add(await load.RunAsync(b.Name, b.Create, maxRequests / Rounds, round, warmup).ConfigureAwait(false));
        }
        return (LoadResult.Combine(aRounds), LoadResult.Combine(bRounds));
    }

    private const int Rounds = 12;

    private static void PrintRatio(string what, LoadResult emulator, LoadResult floor) =>
        Console.WriteLine($"{what}: {emulator.RequestsPerSecond / floor.RequestsPerSecond:N2}x the floor's requests/s (target >= 0.8), p99 {emulator.P99Ms / floor.P99Ms:N2}x the floor's (target <= 2)");

    private static async Task WritesAsync(TimeSpan duration, long maxRequests)
    {
        const int writers = 8;
        LoadResult memory40, memory10k, durable0, durable10k, single0, single10k;
        await using (var small = await WriteTarget.StartAsync(40, durable: false, certificate: null).ConfigureAwait(false))
        await using (var large = await WriteTarget.StartAsync(10_000, durable: false, small.Emulator.Certificate).ConfigureAwait(false))
        {
            using var load = new LoadGenerator(writers, small.Emulator.Certificate);
            (memory40, memory10k) = await SideBySideAsync(load, ("memory, 40 groups, 8 writers", small.Put), ("memory, 10,000 groups, 8 writers", large.Put),
                maxRequests, duration).ConfigureAwait(false);
        }
        await using (var empty = await WriteTarget.StartAsync(0, durable: true, certificate: null).ConfigureAwait(false))
        await using (var large = await WriteTarget.StartAsync(10_000, durable: true, empty.Emulator.Certificate).ConfigureAwait(false))
        {
            using var load = new LoadGenerator(writers, empty.Emulator.Certificate);
            (durable0, durable10k) = await SideBySideAsync(load, ("durable, 0 groups, 8 writers", empty.Put), ("durable, 10,000 groups, 8 writers", large.Put),
                maxRequests, duration).ConfigureAwait(false);
            using var single = new LoadGenerator(1, empty.Emulator.Certificate);
            (single0, single10k) = await SideBySideAsync(single, ("durable, 0 groups, 1 writer", empty.Put), ("durable, 10,000 groups, 1 writer", large.Put),
                maxRequests, duration).ConfigureAwait(false);
        }
        foreach (var r in new[] { memory40, memory10k, durable0, durable10k, single0, single10k }) Console.WriteLine(r);
        Console.WriteLine($"in-memory writes/s at 10,000 groups: {memory10k.RequestsPerSecond / memory40.RequestsPerSecond:N2}x at 40 (target >= 0.9)");
        Console.WriteLine($"durable writes/s with 8 writers: {durable0.RequestsPerSecond:N0} at 0 groups, {durable10k.RequestsPerSecond:N0} at 10,000 (target >= 1,000)");
        Console.WriteLine($"durable PUT median, 8 writers: {durable10k.P50Ms / durable0.P50Ms:N2}x at 10,000 groups vs 0; 1 writer: {single10k.P50Ms / single0.P50Ms:N2}x (target <= 1.3)");
    }

    /// <summary>
    /// A standalone emulator seeded with groups (durable in a temporary data directory, or in memory) and its PUT: writers PUT groups
    /// named <c>load-{writer}-{n}</c> over a fixed set of 25 names each, so the state stays at the seeded size (plus at most 25 per
    /// writer) while every request is a real write (created or replaced, with new tags).
    /// </summary>
    private sealed class WriteTarget : IAsyncDisposable
    {
        private readonly string? _dataDir;
        private readonly string _token;

        private WriteTarget(StandaloneEmulator emulator, string token, string? dataDir)
        {
            Emulator = emulator;
            _token = token;
            _dataDir = dataDir;
        }

        public StandaloneEmulator Emulator { get; }

        /// <param name="certificate">The certificate to present (so one pinned load generator can drive two emulators), or a new one.</param>
        public static async Task<WriteTarget> StartAsync(int seededGroups, bool durable, System.Security.Cryptography.X509Certificates.X509Certificate2? certificate)
        {
            string? dataDir = durable ? Directory.CreateTempSubdirectory("garm-load-").FullName : null;
            var emulator = await StandaloneEmulator.StartAsync(new StandaloneOptions { Certificate = certificate }, b =>
            {
                b.ConfigureState(s => s with { ResourceGroups = [.. s.ResourceGroups, .. SeedGroups(seededGroups)] });
                if (dataDir is not null) b.UseDataDirectory(dataDir);
            }).ConfigureAwait(false);
            return new WriteTarget(emulator, await AdministratorTokenAsync(emulator).ConfigureAwait(false), dataDir);
        }

        public HttpRequestMessage Put(int writer, long sequence)
        {
            var uri = new Uri(Emulator.ArmUrl,
                $"/subscriptions/{TutorialDefaults.SubscriptionId}/resourcegroups/load-{writer}-{sequence % 25}?api-version={ApiVersion}");
            var request = new HttpRequestMessage(HttpMethod.Put, uri)
            {
                Content = new StringContent("{\"location\":\"westus\",\"tags\":{\"n\":\"" + sequence.ToString(CultureInfo.InvariantCulture) + "\"}}", Encoding.UTF8, "application/json"),
            };
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", _token);
            return request;
        }

        public async ValueTask DisposeAsync()
        {
            await Emulator.DisposeAsync().ConfigureAwait(false);
            if (_dataDir is not null) Directory.Delete(_dataDir, recursive: true);
        }
    }

    private static IEnumerable<ResourceGroupInfo> SeedGroups(int count) =>
        Enumerable.Range(0, count).Select(i => new ResourceGroupInfo(TutorialDefaults.SubscriptionId, "seed-" + i.ToString(CultureInfo.InvariantCulture), "westus"));

    private static async Task<string> AdministratorTokenAsync(StandaloneEmulator emulator)
    {
        using var client = new HttpClient();
        using var response = await client.PostAsync(new Uri(emulator.ImdsUrl, "/_emulator/arm/administrator-token"), null).ConfigureAwait(false);
        response.EnsureSuccessStatusCode();
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync().ConfigureAwait(false));
        return json.RootElement.GetProperty("access_token").GetString()!;
    }

    /// <summary>A whole-number option between 1 and <paramref name="max"/> (the benchmark stays bounded in time and requests).</summary>
    private static int IntOption(string[] args, string name, int fallback, int max)
    {
        int i = Array.IndexOf(args, name);
        if (i < 0) return fallback;
        if (i + 1 >= args.Length || !int.TryParse(args[i + 1], NumberStyles.None, CultureInfo.InvariantCulture, out int value) || value < 1 || value > max)
            throw new ArgumentException($"{name} needs a whole number from 1 to {max}.");
        return value;
    }
}
