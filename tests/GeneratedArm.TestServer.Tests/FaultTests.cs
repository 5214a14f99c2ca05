using System.Net;
using System.Net.Http.Json;
using GeneratedArm.TestServer.Faults;
using Microsoft.Extensions.Time.Testing;

namespace GeneratedArm.TestServer.Tests;

public class FaultTests
{
    private static async Task<List<HttpStatusCode>> TokenStatusesAsync(HttpClient client, int count)
    {
        var result = new List<HttpStatusCode>();
        for (int i = 0; i < count; i++)
        {
            using var r = await client.SendAsync(TestHelpers.ImdsRequest());
            result.Add(r.StatusCode);
        }
        return result;
    }

    [Test]
    public async Task FirstN_rule_fires_for_the_first_N_matching_requests_then_expires()
    {
        using var emulator = AzureEmulator.Create(b => b.WithFault(FaultRules.ImdsThrottled(2, TimeSpan.FromSeconds(3))));
        using var client = emulator.CreateClient();

        using var first = await client.SendAsync(TestHelpers.ImdsRequest());
        var rest = await TokenStatusesAsync(client, 2);

        Assert.That(first.StatusCode, Is.EqualTo(HttpStatusCode.TooManyRequests));
        Assert.That(first.Headers.RetryAfter!.Delta, Is.EqualTo(TimeSpan.FromSeconds(3)));
        Assert.That(first.Headers.GetValues("Server").Single(), Does.StartWith("IMDS/"));
        Assert.That(rest, Is.EqualTo(new[] { HttpStatusCode.TooManyRequests, HttpStatusCode.OK }));
        Assert.That(emulator.Faults, Is.Empty);
    }

    [Test]
    public async Task EveryNth_rule_fires_on_every_Nth_matching_request()
    {
        using var emulator = AzureEmulator.Create();
        emulator.AddFault(new FaultRule { Target = FaultTarget.ImdsToken, Effect = FaultEffect.Status(500), Trigger = FaultTrigger.EveryNth(3) });
        using var client = emulator.CreateClient();

        var statuses = await TokenStatusesAsync(client, 6);

        Assert.That(statuses, Is.EqualTo(new[] { HttpStatusCode.OK, HttpStatusCode.OK, HttpStatusCode.InternalServerError, HttpStatusCode.OK, HttpStatusCode.OK, HttpStatusCode.InternalServerError }));
    }

    [Test]
    public async Task Probability_rule_with_a_fixed_seed_repeats_the_same_sequence()
    {
        async Task<List<HttpStatusCode>> Run()
        {
            using var emulator = AzureEmulator.Create(b => b.WithFault(new FaultRule { Target = FaultTarget.ImdsToken, Effect = FaultEffect.Status(503), Trigger = FaultTrigger.WithProbability(0.5, seed: 42) }));
            using var client = emulator.CreateClient();
            return await TokenStatusesAsync(client, 20);
        }

        var a = await Run();
        var b = await Run();

        Assert.That(a, Is.EqualTo(b));
        Assert.That(a, Does.Contain(HttpStatusCode.OK).And.Contain(HttpStatusCode.ServiceUnavailable));
    }

    [Test]
    public async Task Imds_updating_answers_410_for_its_duration()
    {
        var clock = new FakeTimeProvider();
        using var emulator = AzureEmulator.Create(b => b.UseTimeProvider(clock).WithFault(FaultRules.ImdsUpdating(TimeSpan.FromSeconds(70))));
        using var client = emulator.CreateClient();

        var during = await TokenStatusesAsync(client, 3);
        clock.Advance(TimeSpan.FromSeconds(70));
        var after = await TokenStatusesAsync(client, 1);

        Assert.That(during, Is.All.EqualTo(HttpStatusCode.Gone));
        Assert.That(after, Is.All.EqualTo(HttpStatusCode.OK));
    }

    [Test]
    public async Task Identity_still_provisioning_answers_404_Identity_not_found_for_its_duration()
    {
        var clock = new FakeTimeProvider();
        using var emulator = AzureEmulator.Create(b => b.UseTimeProvider(clock).WithFault(FaultRules.IdentityStillProvisioning(TimeSpan.FromSeconds(5))));
        using var client = emulator.CreateClient();

        using var during = await client.SendAsync(TestHelpers.ImdsRequest());
        clock.Advance(TimeSpan.FromSeconds(5));
        using var after = await client.SendAsync(TestHelpers.ImdsRequest());

        Assert.That(during.StatusCode, Is.EqualTo(HttpStatusCode.NotFound));
        Assert.That(await during.Content.ReadAsStringAsync(), Does.Contain("Identity not found"));
        Assert.That(after.StatusCode, Is.EqualTo(HttpStatusCode.OK));
    }

    [Test]
    public async Task Slow_first_response_delays_only_the_first_token_request_on_the_emulator_clock()
    {
        var clock = new FakeTimeProvider();
        using var emulator = AzureEmulator.Create(b => b.UseTimeProvider(clock).WithFault(FaultRules.SlowFirstResponse()));
        using var client = emulator.CreateClient();

        var first = client.SendAsync(TestHelpers.ImdsRequest());
        while (emulator.Requests.Count == 0) await Task.Yield();
        using var second = await client.SendAsync(TestHelpers.ImdsRequest());
        bool firstDoneBeforeAdvance = first.IsCompleted;
        // Step the clock until the first answer arrives: the delay's timer may start only after the request is recorded,
        // so one big jump could land before it and leave it waiting forever.
        var advanced = TimeSpan.Zero;
        while (!first.IsCompleted && advanced < TimeSpan.FromSeconds(10))
        {
            clock.Advance(TimeSpan.FromMilliseconds(250));
            advanced += TimeSpan.FromMilliseconds(250);
            await Task.WhenAny(first, Task.Delay(10));
        }

        using var firstResponse = await first;

        Assert.That(second.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That(firstDoneBeforeAdvance, Is.False, "the first response waits 1.5 s");
        Assert.That(advanced, Is.GreaterThanOrEqualTo(TimeSpan.FromSeconds(1.5)), "released by the emulator's clock, not before");
        Assert.That(firstResponse.StatusCode, Is.EqualTo(HttpStatusCode.OK));
    }

    [Test]
    public void Hang_lasts_until_the_client_gives_up()
    {
        using var emulator = AzureEmulator.Create(b => b.WithFault(new FaultRule { Target = FaultTarget.ImdsToken, Effect = FaultEffect.Hang() }));
        using var client = emulator.CreateClient();
        client.Timeout = TimeSpan.FromMilliseconds(200);

        Assert.That(async () => await client.SendAsync(TestHelpers.ImdsRequest()), Throws.InstanceOf<TaskCanceledException>());
    }

    [Test]
    public void Abort_drops_the_connection_without_a_response()
    {
        using var emulator = AzureEmulator.Create(b => b.WithFault(new FaultRule { Target = FaultTarget.ImdsToken, Effect = FaultEffect.Abort() }));
        using var client = emulator.CreateClient();

        Assert.That(async () => await client.SendAsync(TestHelpers.ImdsRequest()), Throws.InstanceOf<HttpRequestException>().Or.InstanceOf<IOException>());
    }

    [Test]
    public async Task Arm_rules_match_by_method_and_path_pattern()
    {
        using var emulator = AzureEmulator.Create();
        using var client = emulator.CreateClient();
        string token = await TestHelpers.GetTokenAsync(client);
        emulator.AddFault(FaultRules.ArmThrottled(1, TimeSpan.FromSeconds(7), "GET", "/subscriptions/*/resourcegroups/devtest"));

        using var imds = await client.SendAsync(TestHelpers.ImdsRequest());
        using var other = await client.SendAsync(TestHelpers.ArmGet(TestHelpers.DevTestUrl.Replace("DevTest", "Other", StringComparison.Ordinal), token));
        using var throttled = await client.SendAsync(TestHelpers.ArmGet(TestHelpers.DevTestUrl, token));
        using var ok = await client.SendAsync(TestHelpers.ArmGet(TestHelpers.DevTestUrl, token));

        Assert.That(imds.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That(other.StatusCode, Is.EqualTo(HttpStatusCode.Forbidden));
        Assert.That(throttled.StatusCode, Is.EqualTo(HttpStatusCode.TooManyRequests));
        Assert.That(throttled.Headers.RetryAfter!.Delta, Is.EqualTo(TimeSpan.FromSeconds(7)));
        Assert.That(await throttled.Content.ReadAsStringAsync(), Does.Contain("\"code\":\"TooManyRequests\""));
        Assert.That(ok.StatusCode, Is.EqualTo(HttpStatusCode.OK));
    }

    [Test]
    public async Task Admin_api_adds_lists_and_removes_rules()
    {
        using var emulator = AzureEmulator.Create();
        using var client = emulator.CreateClient();

        using var added = await client.PostAsync("/_emulator/faults", new StringContent(
            """{"name":"boom","target":"ImdsToken","effect":{"kind":"Status","statusCode":503,"retryAfter":"00:00:02"},"trigger":{"kind":"FirstN","count":1}}""",
            System.Text.Encoding.UTF8, "application/json"));
        var listed = await client.GetFromJsonAsync<List<FaultRule>>("/_emulator/faults", Hosting.EmulatorJson.Options);
        using var faulted = await client.SendAsync(TestHelpers.ImdsRequest());
        using var preset = await client.PostAsync("/_emulator/faults/presets/imds-updating?seconds=30", null);
        using var removed = await client.DeleteAsync("/_emulator/faults/imds-updating");
        using var malformed = await client.PostAsync("/_emulator/faults", new StringContent("{nope", System.Text.Encoding.UTF8, "application/json"));

        Assert.That(added.StatusCode, Is.EqualTo(HttpStatusCode.Created));
        Assert.That(listed!.Single().Name, Is.EqualTo("boom"));
        Assert.That(listed!.Single().Effect.RetryAfter, Is.EqualTo(TimeSpan.FromSeconds(2)));
        Assert.That(faulted.StatusCode, Is.EqualTo(HttpStatusCode.ServiceUnavailable));
        Assert.That(preset.StatusCode, Is.EqualTo(HttpStatusCode.Created));
        Assert.That(removed.StatusCode, Is.EqualTo(HttpStatusCode.NoContent));
        Assert.That(malformed.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest));
        Assert.That(emulator.Faults, Is.Empty);
    }

    [Test]
    public async Task Admin_api_exposes_state_requests_and_reset()
    {
        using var emulator = AzureEmulator.Create();
        using var client = emulator.CreateClient();
        await TestHelpers.GetTokenAsync(client);

        string state = await client.GetStringAsync("/_emulator/state");
        string requests = await client.GetStringAsync("/_emulator/requests");
        emulator.State.RemoveResourceGroup(TutorialDefaults.SubscriptionId, "DevTest");
        using var reset = await client.PostAsync("/_emulator/reset", null);

        Assert.That(state, Does.Contain("\"DevTest\"").And.Contain(TutorialDefaults.SystemAssignedPrincipalId));
        Assert.That(requests, Does.Contain("/metadata/identity/oauth2/token"));
        Assert.That(reset.StatusCode, Is.EqualTo(HttpStatusCode.NoContent));
        Assert.That(emulator.State.FindResourceGroup(TutorialDefaults.SubscriptionId, "DevTest"), Is.Not.Null);
    }

    [Test]
    public async Task Reset_restores_the_initial_fault_rules()
    {
        using var emulator = AzureEmulator.Create(b => b.WithFault(FaultRules.ImdsThrottled(1)));
        using var client = emulator.CreateClient();
        await TokenStatusesAsync(client, 1);
        Assert.That(emulator.Faults, Is.Empty);

        emulator.Reset();

        Assert.That(await TokenStatusesAsync(client, 2), Is.EqualTo(new[] { HttpStatusCode.TooManyRequests, HttpStatusCode.OK }));
    }

    [TestCase("/subscriptions/*/resourceGroups/*", "/subscriptions/abc/resourcegroups/DevTest", true)]
    [TestCase("/subscriptions/*/resourceGroups/*", "/subscriptions/abc/resourcegroups/DevTest/providers/x", false)]
    [TestCase("/subscriptions/**", "/subscriptions/abc/resourcegroups/DevTest/providers/x", true)]
    public void Path_patterns_use_star_within_a_segment_and_double_star_across(string pattern, string path, bool expected) =>
        Assert.That(FaultEngine.PathMatches(pattern, path), Is.EqualTo(expected));
}
