using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using GeneratedArm.TestServer.Hosting;
using GeneratedArm.TestServer.Rbac;
using static GeneratedArm.TestServer.Tests.Arm.ArmTestKit;

namespace GeneratedArm.TestServer.Tests.Arm;

/// <summary>Durable state (<c>--data-dir</c>): everything acknowledged survives restarts and <c>kill -9</c>; the file on disk always loads.</summary>
public class PersistenceTests
{
    private string _dir = "";

    [SetUp]
    public void CreateDirectory() => _dir = Directory.CreateTempSubdirectory("garm-data-").FullName;

    [TearDown]
    public void DeleteDirectory()
    {
        try { Directory.Delete(_dir, recursive: true); } catch (IOException) { }
    }

    [Test]
    public async Task In_process_emulator_with_a_data_directory_keeps_groups_resources_assignments_and_identities_across_restarts()
    {
        string assignment = Guid.NewGuid().ToString();
        using (var first = AzureEmulator.Create(b => b.UseDataDirectory(_dir)))
        {
            using var client = first.CreateClient();
            string admin = first.CreateAdministratorToken();
            using var rg = await SendAsync(client, HttpMethod.Put, Rg("Kept"), admin, """{"location":"eastus","tags":{"k":"v"}}""");
            using var res = await SendAsync(client, HttpMethod.Put, $"/subscriptions/{Sub}/resourceGroups/Kept/providers/Microsoft.Web/sites/app?api-version=2023-01-01", admin, """{"location":"eastus","properties":{"n":1}}""");
            using var ra = await SendAsync(client, HttpMethod.Put, $"/subscriptions/{Sub}/resourceGroups/Kept/providers/Microsoft.Authorization/roleAssignments/{assignment}?api-version=2022-04-01", admin,
                $$$"""{"properties":{"roleDefinitionId":"/providers/Microsoft.Authorization/roleDefinitions/{{{BuiltInRoles.ReaderId}}}","principalId":"{{{TutorialDefaults.SystemAssignedPrincipalId}}}"}}""");
            Assert.That((rg.StatusCode, res.StatusCode, ra.StatusCode), Is.EqualTo((HttpStatusCode.Created, HttpStatusCode.Created, HttpStatusCode.Created)));
            first.State.AddUserAssignedIdentity(new State.ManagedIdentityInfo(State.ManagedIdentityKind.UserAssigned,
                $"/subscriptions/{Sub}/resourceGroups/Kept/providers/Microsoft.ManagedIdentity/userAssignedIdentities/late", Guid.NewGuid().ToString(), Guid.NewGuid().ToString(), TutorialDefaults.TenantId));
        }

        // A different configuration on restart: the saved state wins.
        using var second = AzureEmulator.Create(b => b.UseDataDirectory(_dir).AddResourceGroup("NotApplied"));
        using var client2 = second.CreateClient();
        using var read = await SendAsync(client2, HttpMethod.Get, $"/subscriptions/{Sub}/resourceGroups/Kept/providers/Microsoft.Web/sites/app?api-version=2023-01-01", VmToken(second));

        Assert.That(second.State.FindResourceGroup(Sub, "kept")!.Tags["k"], Is.EqualTo("v"));
        Assert.That(second.State.FindResourceGroup(Sub, "NotApplied"), Is.Null);
        Assert.That(second.State.FindRoleAssignment(assignment), Is.Not.Null);
        Assert.That(second.State.UserAssignedIdentities.Select(u => u.ResourceId), Has.Some.EndsWith("/late"));
        Assert.That(read.StatusCode, Is.EqualTo(HttpStatusCode.OK), "the VM's identity reads Kept through the persisted assignment");
        Assert.That((await JsonAsync(read)).GetProperty("properties").GetProperty("n").GetInt32(), Is.EqualTo(1));
    }

    [Test]
    public async Task A_deletion_acknowledged_before_a_restart_completes_after_it()
    {
        string location;
        using (var first = AzureEmulator.Create(b => b.UseDataDirectory(_dir).WithResourceGroupDeletion(polls: 10, duration: TimeSpan.FromHours(1))))
        {
            using var client = first.CreateClient();
            string admin = first.CreateAdministratorToken();
            using var rg = await SendAsync(client, HttpMethod.Put, Rg("Interrupted"), admin, """{"location":"eastus"}""");
            using var accepted = await SendAsync(client, HttpMethod.Delete, Rg("Interrupted"), admin);
            Assert.That(accepted.StatusCode, Is.EqualTo(HttpStatusCode.Accepted));
            location = accepted.Headers.Location!.ToString();
        }
        using var second = AzureEmulator.Create(b => b.UseDataDirectory(_dir));
        using var client2 = second.CreateClient();
        string admin2 = second.CreateAdministratorToken();

        using var poll = await SendAsync(client2, HttpMethod.Get, location, admin2);
        using var read = await SendAsync(client2, HttpMethod.Get, Rg("Interrupted"), admin2);

        Assert.That(poll.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That(read.StatusCode, Is.EqualTo(HttpStatusCode.NotFound));
    }

    [Test]
    public void A_data_directory_in_use_by_another_emulator_is_refused_and_released_on_dispose()
    {
        using (var first = AzureEmulator.Create(b => b.UseDataDirectory(_dir)))
        {
            Assert.That(() => AzureEmulator.Create(b => b.UseDataDirectory(_dir)), Throws.InstanceOf<IOException>().With.Message.Contains("in use by another emulator"));
        }
        using var second = AzureEmulator.Create(b => b.UseDataDirectory(_dir));
        Assert.That(second.State.FindResourceGroup(Sub, "DevTest"), Is.Not.Null);
    }

    [Test]
    public async Task Admin_reset_returns_to_the_configured_state_and_persists_that()
    {
        using (var first = AzureEmulator.Create(b => b.UseDataDirectory(_dir)))
        {
            using var client = first.CreateClient();
            using var rg = await SendAsync(client, HttpMethod.Put, Rg("Gone"), first.CreateAdministratorToken(), """{"location":"eastus"}""");
            using var reset = await client.PostAsync(new Uri("https://management.azure.com/_emulator/reset"), null);
            Assert.That(reset.StatusCode, Is.EqualTo(HttpStatusCode.NoContent));
        }
        using var second = AzureEmulator.Create(b => b.UseDataDirectory(_dir));

        Assert.That(second.State.FindResourceGroup(Sub, "Gone"), Is.Null);
        Assert.That(second.State.FindResourceGroup(Sub, "DevTest"), Is.Not.Null);
    }

    [Test]
    public void A_leftover_temporary_file_from_an_interrupted_write_is_ignored_and_a_foreign_file_is_a_clear_error()
    {
        using (var first = AzureEmulator.Create(b => b.UseDataDirectory(_dir).AddResourceGroup("Saved"))) { }
        File.WriteAllText(Path.Combine(_dir, "state.json.tmp"), "{\"format\":\"generatedarm-emulator-state/1\",\"state\":{\"resourceGr");

        using (var second = AzureEmulator.Create(b => b.UseDataDirectory(_dir)))
        {
            Assert.That(second.State.FindResourceGroup(Sub, "Saved"), Is.Not.Null);
        }
        Assert.That(File.Exists(Path.Combine(_dir, "state.json.tmp")), Is.False);

        File.WriteAllText(Path.Combine(_dir, "state.json"), "{\"something\":\"else\"}");
        Assert.That(() => AzureEmulator.Create(b => b.UseDataDirectory(_dir)), Throws.InstanceOf<InvalidDataException>().With.Message.Contains("not an emulator state file"));
    }

    /// <summary>
    /// The standalone program with <c>--data-dir</c>: 8 concurrent writers (group creations, updates of one group each, resource
    /// creations and deletions), <c>kill -9</c> while they are in flight, restart — three times. Every write answered 2xx is there
    /// after each restart: created groups exist, each writer's group holds its last acknowledged update (or the one in flight), deleted
    /// resources stay deleted, and the state loads.
    /// </summary>
    [Test]
    [Platform(Include = "Linux,MacOsX", Reason = "kill -9")]
    public async Task Every_acknowledged_write_survives_repeated_kill_9_of_the_standalone_emulator()
    {
        const int Writers = 8, Kills = 3;
        var created = new System.Collections.Concurrent.ConcurrentBag<string>();
        var deleted = new System.Collections.Concurrent.ConcurrentBag<string>();
        var lastUpdate = new int[Writers];
        string? assignment = null;
        for (int round = 0; round < Kills; round++)
        {
            var (process, imds, arm) = await StartAsync();
            try
            {
                using var http = Client();
                string admin = await AdminTokenAsync(http, imds);
                if (round == 0)
                {
                    using var ra = await Send(http, HttpMethod.Put, $"{arm}/subscriptions/{Sub}/resourceGroups/DevTest/providers/Microsoft.Authorization/roleAssignments/{Guid.Empty.ToString()[..^1]}1?api-version=2022-04-01", admin,
                        $$$"""{"properties":{"roleDefinitionId":"/providers/Microsoft.Authorization/roleDefinitions/{{{BuiltInRoles.ContributorId}}}","principalId":"{{{TutorialDefaults.SystemAssignedPrincipalId}}}"}}""");
                    Assert.That(ra.StatusCode, Is.EqualTo(HttpStatusCode.Created), await ra.Content.ReadAsStringAsync());
                    assignment = "00000000-0000-0000-0000-000000000001";
                }
                else
                {
                    await AssertAcknowledgedWritesPresentAsync(http, arm, admin, created, deleted, lastUpdate);
                }

                // Writers run until the process dies under them.
                int before = created.Count;
                var writers = Enumerable.Range(0, Writers).Select(w => Task.Run(() => WriteUntilKilledAsync(http, arm, admin, w, round, created, deleted, lastUpdate))).ToArray();
                while (created.Count < before + 60 && !writers.All(t => t.IsCompleted)) await Task.Delay(5);
                process.Kill(); // SIGKILL on Unix: no shutdown code runs.
                await process.WaitForExitAsync();
                await Task.WhenAll(writers);
            }
            finally
            {
                if (!process.HasExited) process.Kill();
                process.Dispose();
            }
        }

        var (restarted, imds2, arm2) = await StartAsync();
        try
        {
            using var http = Client();
            string admin = await AdminTokenAsync(http, imds2);
            int groups = await AssertAcknowledgedWritesPresentAsync(http, arm2, admin, created, deleted, lastUpdate);
            // The VM's token issued before the kill still validates: the signing key lives in the data directory too.
            using var vmWrite = await Send(http, HttpMethod.Patch, $"{arm2}/subscriptions/{Sub}/resourcegroups/DevTest?api-version=2022-09-01", await VmTokenAsync(http, imds2), """{"tags":{"after":"restart"}}""");

            Assert.That(created, Has.Count.GreaterThanOrEqualTo(Kills * 60));
            Assert.That(vmWrite.StatusCode, Is.EqualTo(HttpStatusCode.OK), "the Contributor assignment survived");
            Assert.That(assignment, Is.Not.Null);
            TestContext.Out.WriteLine($"{created.Count} acknowledged creations and {deleted.Count} acknowledged deletions across {Kills} kill -9; {groups} groups after the last restart");
        }
        finally
        {
            restarted.Kill();
            await restarted.WaitForExitAsync();
            restarted.Dispose();
        }
    }

    private static async Task WriteUntilKilledAsync(HttpClient http, string arm, string admin, int w, int round,
        System.Collections.Concurrent.ConcurrentBag<string> created, System.Collections.Concurrent.ConcurrentBag<string> deleted, int[] lastUpdate)
    {
        for (int i = 0; ; i++)
        {
            string name = $"w{w}-r{round}-{i}";
            string site = $"/subscriptions/{Sub}/resourceGroups/DevTest/providers/Microsoft.Web/sites/s{w}-r{round}-{i}?api-version=2023-01-01";
            try
            {
                using (var r = await Send(http, HttpMethod.Put, $"{arm}/subscriptions/{Sub}/resourcegroups/{name}?api-version=2022-09-01", admin, """{"location":"westus"}"""))
                    if (r.StatusCode == HttpStatusCode.Created) created.Add(name);
                int n = lastUpdate[w] + 1;
                using (var r = await Send(http, HttpMethod.Put, $"{arm}/subscriptions/{Sub}/resourcegroups/updated-{w}?api-version=2022-09-01", admin,
                    "{\"location\":\"westus\",\"tags\":{\"n\":\"" + n.ToString(System.Globalization.CultureInfo.InvariantCulture) + "\"}}"))
                {
                    if (r.IsSuccessStatusCode) lastUpdate[w] = n;
                }

                using (var r = await Send(http, HttpMethod.Put, arm + site, admin, """{"location":"westus","properties":{}}"""))
                    if (!r.IsSuccessStatusCode) continue;
                using (var r = await Send(http, HttpMethod.Delete, arm + site, admin))
                    if (r.StatusCode == HttpStatusCode.OK) deleted.Add(site);
            }
            catch (HttpRequestException) { return; }
            catch (TaskCanceledException) { return; }
        }
    }

    /// <summary>Every acknowledged creation is listed, every acknowledged deletion is gone, each writer's group holds its last acknowledged update or the next; returns the group count.</summary>
    private static async Task<int> AssertAcknowledgedWritesPresentAsync(HttpClient http, string arm, string admin,
        System.Collections.Concurrent.ConcurrentBag<string> created, System.Collections.Concurrent.ConcurrentBag<string> deleted, int[] lastUpdate)
    {
        var names = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        var tags = new Dictionary<string, int>(StringComparer.OrdinalIgnoreCase);
        string? next = $"{arm}/subscriptions/{Sub}/resourcegroups?api-version=2022-09-01";
        while (next is not null)
        {
            using var page = await Send(http, HttpMethod.Get, next, admin);
            var body = JsonDocument.Parse(await page.Content.ReadAsStringAsync()).RootElement;
            foreach (var g in body.GetProperty("value").EnumerateArray())
            {
                string name = g.GetProperty("name").GetString()!;
                names.Add(name);
                if (g.TryGetProperty("tags", out var t) && t.TryGetProperty("n", out var n)) tags[name] = int.Parse(n.GetString()!, System.Globalization.CultureInfo.InvariantCulture);
            }
            next = body.TryGetProperty("nextLink", out var link) ? link.GetString() : null;
        }
        Assert.That(created.Where(n => !names.Contains(n)), Is.Empty, "acknowledged creations lost");
        for (int w = 0; w < lastUpdate.Length; w++)
        {
            if (lastUpdate[w] == 0) continue;
            Assert.That(tags.GetValueOrDefault($"updated-{w}"), Is.InRange(lastUpdate[w], lastUpdate[w] + 1), $"writer {w}'s last acknowledged update");
        }
        foreach (string site in deleted)
        {
            using var read = await Send(http, HttpMethod.Get, arm + site, admin);
            Assert.That(read.StatusCode, Is.EqualTo(HttpStatusCode.NotFound), "an acknowledged deletion came back: " + site);
        }
        return names.Count;
    }

    [Test]
    public async Task A_journal_line_cut_short_by_a_crash_is_skipped_and_every_complete_one_replays()
    {
        using (var first = AzureEmulator.Create(b => b.UseDataDirectory(_dir)))
        {
            using var client = first.CreateClient();
            string admin = first.CreateAdministratorToken();
            using var a = await SendAsync(client, HttpMethod.Put, Rg("First"), admin, """{"location":"eastus"}""");
            using var b = await SendAsync(client, HttpMethod.Put, Rg("Second"), admin, """{"location":"eastus","tags":{"k":"v"}}""");
            using var c = await SendAsync(client, HttpMethod.Put, Rg("Second"), admin, """{"location":"eastus","tags":{"k":"w"}}""");
        }
        string journal = Directory.GetFiles(_dir, "journal-*.log").Single();
        await File.AppendAllTextAsync(journal, "{\"t\":99,\"changes\":[{\"c\":\"resourceGroups\",\"k\":\"x/Torn\",\"v\":{\"subscr");

        using var second = AzureEmulator.Create(b => b.UseDataDirectory(_dir));

        Assert.That(second.State.FindResourceGroup(Sub, "First"), Is.Not.Null);
        Assert.That(second.State.FindResourceGroup(Sub, "Second")!.Tags["k"], Is.EqualTo("w"));
        Assert.That(second.State.ListResourceGroups(Sub).Select(g => g.Name), Has.None.EqualTo("Torn"));
    }

    [Test]
    public async Task A_damaged_journal_line_before_the_end_is_a_clear_error()
    {
        using (var first = AzureEmulator.Create(b => b.UseDataDirectory(_dir)))
        {
            using var client = first.CreateClient();
            using var a = await SendAsync(client, HttpMethod.Put, Rg("First"), first.CreateAdministratorToken(), """{"location":"eastus"}""");
        }
        string journal = Directory.GetFiles(_dir, "journal-*.log").Single();
        await File.WriteAllTextAsync(journal, "garbage\n" + await File.ReadAllTextAsync(journal));

        Assert.That(() => AzureEmulator.Create(b => b.UseDataDirectory(_dir)),
            Throws.InstanceOf<InvalidDataException>().With.Message.Contains("line 1 is not a journal record"));
    }

    [Test]
    public async Task Reads_and_writes_that_change_nothing_write_nothing_to_the_data_directory()
    {
        using var emulator = AzureEmulator.Create(b => b.UseDataDirectory(_dir));
        using var client = emulator.CreateClient();
        string admin = emulator.CreateAdministratorToken();
        using var put = await SendAsync(client, HttpMethod.Put, Rg("Steady"), admin, """{"location":"eastus","tags":{"k":"v"}}""");
        var store = emulator.Runtime.Persistence!;
        long flushes = store.JournalFlushes;
        long length = new FileInfo(Directory.GetFiles(_dir, "journal-*.log").Single()).Length;

        using var get = await SendAsync(client, HttpMethod.Get, Rg("Steady"), admin);
        using var list = await SendAsync(client, HttpMethod.Get, $"/subscriptions/{Sub}/resourcegroups?api-version=2022-09-01", admin);
        using var same = await SendAsync(client, HttpMethod.Put, Rg("Steady"), admin, """{"location":"eastus","tags":{"k":"v"}}""");
        using var missing = await SendAsync(client, HttpMethod.Delete, $"/subscriptions/{Sub}/resourceGroups/Steady/providers/Microsoft.Web/sites/none?api-version=2023-01-01", admin);

        Assert.That((put.StatusCode, get.StatusCode, list.StatusCode, same.StatusCode, missing.StatusCode),
            Is.EqualTo((HttpStatusCode.Created, HttpStatusCode.OK, HttpStatusCode.OK, HttpStatusCode.OK, HttpStatusCode.NoContent)));
        Assert.That(store.JournalFlushes, Is.EqualTo(flushes));
        Assert.That(new FileInfo(Directory.GetFiles(_dir, "journal-*.log").Single()).Length, Is.EqualTo(length));
    }

    [Test]
    public async Task State_raises_Changed_only_for_writes_that_change_it()
    {
        using var emulator = AzureEmulator.Create();
        using var client = emulator.CreateClient();
        string admin = emulator.CreateAdministratorToken();
        int changes = 0;
        emulator.State.Changed = () => Interlocked.Increment(ref changes);

        using var created = await SendAsync(client, HttpMethod.Put, Rg("Quiet"), admin, """{"location":"eastus","tags":{"k":"v"}}""");
        using var same = await SendAsync(client, HttpMethod.Put, Rg("Quiet"), admin, """{"location":"eastus","tags":{"k":"v"}}""");
        using var samePatch = await SendAsync(client, HttpMethod.Patch, Rg("Quiet"), admin, """{"tags":{"k":"v"}}""");
        using var read = await SendAsync(client, HttpMethod.Get, Rg("Quiet"), admin);
        using var missing = await SendAsync(client, HttpMethod.Delete, $"/subscriptions/{Sub}/resourceGroups/Quiet/providers/Microsoft.Web/sites/none?api-version=2023-01-01", admin);
        int quiet = changes;
        using var changed = await SendAsync(client, HttpMethod.Patch, Rg("Quiet"), admin, """{"tags":{"k":"w"}}""");

        Assert.That((created.StatusCode, same.StatusCode, samePatch.StatusCode, read.StatusCode, missing.StatusCode, changed.StatusCode),
            Is.EqualTo((HttpStatusCode.Created, HttpStatusCode.OK, HttpStatusCode.OK, HttpStatusCode.OK, HttpStatusCode.NoContent, HttpStatusCode.OK)));
        Assert.That(quiet, Is.EqualTo(1), "only the creation changed the state");
        Assert.That(changes, Is.EqualTo(2));
    }

    [Test]
    public async Task Concurrent_writers_share_journal_flushes_and_a_compaction_keeps_every_write()
    {
        using (var emulator = AzureEmulator.Create(b => b.UseDataDirectory(_dir)))
        {
            using var client = emulator.CreateClient();
            string admin = emulator.CreateAdministratorToken();
            var store = emulator.Runtime.Persistence!;
            long flushes = store.JournalFlushes;
            var responses = await Task.WhenAll(Enumerable.Range(0, 64).Select(async i =>
            {
                using var r = await SendAsync(client, HttpMethod.Put, Rg("c" + i.ToString(System.Globalization.CultureInfo.InvariantCulture)), admin, """{"location":"eastus"}""");
                return r.StatusCode;
            }));
            Assert.That(responses, Has.All.EqualTo(HttpStatusCode.Created));
            Assert.That(store.JournalFlushes - flushes, Is.InRange(1, 64), "at most one flush per write");

            store.CompactNow();
            using var after = await SendAsync(client, HttpMethod.Put, Rg("AfterCompaction"), admin, """{"location":"eastus"}""");
            Assert.That(Directory.GetFiles(_dir, "journal-*.log"), Has.Length.EqualTo(1), "the old journal is gone");
        }
        using var reopened = AzureEmulator.Create(b => b.UseDataDirectory(_dir));
        Assert.That(Enumerable.Range(0, 64).Select(i => reopened.State.FindResourceGroup(Sub, "c" + i.ToString(System.Globalization.CultureInfo.InvariantCulture))), Has.None.Null);
        Assert.That(reopened.State.FindResourceGroup(Sub, "AfterCompaction"), Is.Not.Null);
    }

    [Test]
    public async Task Standalone_emulator_refuses_a_data_directory_holding_something_else_with_exit_code_2()
    {
        await File.WriteAllTextAsync(Path.Combine(_dir, "state.json"), "not json at all");
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add(typeof(Program).Assembly.Location);
        start.ArgumentList.Add("--data-dir");
        start.ArgumentList.Add(_dir);
        using var process = Process.Start(start)!;
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        var stderr = process.StandardError.ReadToEndAsync(cts.Token);
        await process.WaitForExitAsync(cts.Token);

        Assert.That(process.ExitCode, Is.EqualTo(2));
        Assert.That(await stderr, Does.Contain("state.json' is not valid JSON"));
    }

    private async Task<(Process Process, string Imds, string Arm)> StartAsync()
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add(typeof(Program).Assembly.Location);
        start.ArgumentList.Add("--data-dir");
        start.ArgumentList.Add(_dir);
        var process = Process.Start(start)!;
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        string? line;
        try
        {
            line = await process.StandardOutput.ReadLineAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill();
            Assert.Fail("no ready line within 30 s: " + await process.StandardError.ReadToEndAsync());
            throw;
        }
        Assert.That(line, Does.StartWith("GeneratedArm emulator ready"));
        string Value(string key) => line!.Split(' ').Single(p => p.StartsWith(key + "=", StringComparison.Ordinal))[(key.Length + 1)..];
        return (process, Value("imds"), Value("arm"));
    }

    private static HttpClient Client() => new(new HttpClientHandler
    {
        // Standalone ARM serves a self-signed certificate; this test is about durability, the HTTPS trust test is StandaloneTests'.
        ServerCertificateCustomValidationCallback = HttpClientHandler.DangerousAcceptAnyServerCertificateValidator,
    });

    private static async Task<string> AdminTokenAsync(HttpClient http, string imds)
    {
        using var response = await http.PostAsync(new Uri($"{imds}/_emulator/arm/administrator-token"), null);
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        return JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("access_token").GetString()!;
    }

    private static async Task<string> VmTokenAsync(HttpClient http, string imds)
    {
        using var request = TestHelpers.ImdsRequest($"{imds}/metadata/identity/oauth2/token?api-version=2018-02-01&resource=https://management.azure.com/");
        using var response = await http.SendAsync(request);
        return JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("access_token").GetString()!;
    }

    private static async Task<HttpResponseMessage> Send(HttpClient http, HttpMethod method, string url, string token, string? body = null)
    {
        using var request = new HttpRequestMessage(method, url);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        if (body is not null) request.Content = new StringContent(body, Encoding.UTF8, "application/json");
        return await http.SendAsync(request);
    }
}
