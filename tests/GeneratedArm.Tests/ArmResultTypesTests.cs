using System.Net;
using GeneratedArm.Tests.Infrastructure;

namespace GeneratedArm.Tests;

/// <summary>
/// ArmResponse&lt;T&gt;, ArmPageable&lt;T&gt;/ArmPage&lt;T&gt;, HeadAsync and ArmOperation(&lt;T&gt;): what generated
/// clients return. Long-running rules follow Azure.Core's NextLinkOperationImplementation (final-state-via,
/// header precedence, rehydration).
/// </summary>
public class ArmResultTypesTests
{
    private const string Arm = "https://management.azure.com";
    private const string Group = "/subscriptions/s/resourcegroups/DevTest";

    [Test]
    public async Task ArmResponse_of_T_carries_the_value_status_and_request_id_and_converts_to_the_model()
    {
        var handler = new StubHandler((_, _) => StubHandler.Json(HttpStatusCode.OK, """{"name":"DevTest"}""", ("x-ms-request-id", "req-1"), ("x-ms-correlation-request-id", "corr-1")));
        using var client = Client(handler);

        var raw = await client.SendAsync(HttpMethod.Get, Group, "2021-04-01");
        var response = new ArmResponse<TestResourceGroup>(raw.ContentAs<TestResourceGroup>(), raw);
        TestResourceGroup model = response;

        Assert.Multiple(() =>
        {
            Assert.That(model.Name, Is.EqualTo("DevTest"));
            Assert.That(response.Status, Is.EqualTo(200));
            Assert.That(response.RequestId, Is.EqualTo("req-1"));
            Assert.That(response.CorrelationRequestId, Is.EqualTo("corr-1"));
            Assert.That(response.GetRawResponse(), Is.SameAs(raw));
        });
    }

    [Test]
    public async Task HeadAsync_is_true_for_204_and_false_with_the_status_and_request_id_for_404()
    {
        var handler = new StubHandler((_, n) => n == 1
            ? StubHandler.Status(HttpStatusCode.NoContent)
            : StubHandler.Json(HttpStatusCode.NotFound, """{"error":{"code":"ResourceGroupNotFound","message":"gone"}}""", ("x-ms-request-id", "req-404")));
        using var client = Client(handler);

        var exists = await client.HeadAsync(Group, "2021-04-01");
        var missing = await client.HeadAsync(Group, "2021-04-01");

        Assert.Multiple(() =>
        {
            Assert.That(exists.Value, Is.True);
            Assert.That(exists.Status, Is.EqualTo(204));
            Assert.That(missing.Value, Is.False);
            Assert.That(missing.Status, Is.EqualTo(404));
            Assert.That(missing.RequestId, Is.EqualTo("req-404"));
        });
    }

    [Test]
    public async Task GetPageable_gives_pages_with_their_nextLink_and_resumes_from_a_continuation_token()
    {
        const string Next = Arm + "/subscriptions/s/resourcegroups?api-version=2021-04-01&%24skiptoken=p2";
        var handler = new StubHandler((r, _) => r.RequestUri!.Query.Contains("skiptoken", StringComparison.Ordinal)
            ? StubHandler.Json(HttpStatusCode.OK, """{"value":[{"name":"c"}]}""")
            : StubHandler.Json(HttpStatusCode.OK, """{"value":[{"name":"a"},{"name":"b"}],"nextLink":"%NEXT%"}""".Replace("%NEXT%", Next, StringComparison.Ordinal)));
        using var client = Client(handler);
        var pageable = client.GetPageable<TestResourceGroup>("/subscriptions/s/resourcegroups", "2021-04-01");

        var pages = new List<ArmPage<TestResourceGroup>>();
        await foreach (var page in pageable.AsPages())
        {
            pages.Add(page);
        }

        int before = handler.Count;
        var resumed = new List<string?>();
        await foreach (var page in pageable.AsPages(pages[0].ContinuationToken))
        {
            resumed.AddRange(page.Values.Select(v => v.Name));
        }

        var items = new List<string?>();
        await foreach (var item in pageable)
        {
            items.Add(item.Name);
        }

        Assert.Multiple(() =>
        {
            Assert.That(pages.Select(p => p.Values.Count), Is.EqualTo((int[])[2, 1]));
            Assert.That(pages[0].ContinuationToken, Is.EqualTo(Next));
            Assert.That(pages[1].ContinuationToken, Is.Null);
            Assert.That(pages[1].GetRawResponse().Status, Is.EqualTo(200));
            Assert.That(resumed, Is.EqualTo((string[])["c"]));
            Assert.That(handler.Count - before, Is.EqualTo(3), "resuming fetched only the second page; enumerating fetched both");
            Assert.That(items, Is.EqualTo((string[])["a", "b", "c"]));
        });
    }

    [Test]
    public async Task A_pageable_stops_when_its_cancellation_token_is_cancelled()
    {
        var handler = new StubHandler((_, _) => StubHandler.Json(HttpStatusCode.OK, """{"value":[{"name":"a"}],"nextLink":"https://management.azure.com/more?api-version=1"}"""));
        using var client = Client(handler);
        using var cts = new CancellationTokenSource();
        var pageable = client.GetPageable<TestResourceGroup>("/subscriptions/s/resourcegroups", "2021-04-01", cts.Token);

        var seen = 0;
        Assert.CatchAsync<OperationCanceledException>(async () =>
        {
            await foreach (var _ in pageable)
            {
                if (++seen == 2)
                {
                    await cts.CancelAsync();
                }
            }
        });
        Assert.That(seen, Is.EqualTo(2));
    }

    [TestCase("Location", "/subscriptions/s/resourcegroups/DevTest", Description = "the default: PUT reads the original URI")]
    [TestCase("OriginalUri", "/subscriptions/s/resourcegroups/DevTest")]
    public async Task PUT_with_Azure_AsyncOperation_reads_the_result_from_the_original_uri(string finalStateVia, string finalPath)
    {
        var (handler, time) = AsyncOperationScript(location: null);
        using var client = Client(handler, time);

        var initial = await client.SendAsync(HttpMethod.Put, Group, "2021-04-01", "{}"u8.ToArray());
        var operation = new ArmOperation<TestResourceGroup>(client, initial, Enum.Parse<ArmFinalStateVia>(finalStateVia));
        var wait = operation.WaitForCompletionAsync();
        await Clock.DriveAsync(wait, time, TimeSpan.FromSeconds(1), TimeSpan.FromMinutes(1));
        var result = await wait;

        Assert.That(result.Value.Name, Is.EqualTo("final"));
        Assert.That(handler.Last.Uri.AbsolutePath, Is.EqualTo(finalPath));
        Assert.That(operation.HasCompleted, Is.True);
    }

    [TestCase("AzureAsyncOperation", "/operations/1", Description = "POST: the status response itself is the result")]
    [TestCase("Location", "/results/1", Description = "POST: the Location of the first response")]
    public async Task POST_with_Azure_AsyncOperation_reads_the_result_where_final_state_via_says(string finalStateVia, string lastPath)
    {
        var (handler, time) = AsyncOperationScript(location: Arm + "/results/1");
        using var client = Client(handler, time);

        var initial = await client.SendAsync(HttpMethod.Post, Group + "/restart", "2021-04-01");
        var operation = new ArmOperation(client, initial, Enum.Parse<ArmFinalStateVia>(finalStateVia));
        var wait = operation.WaitForCompletionAsync();
        await Clock.DriveAsync(wait, time, TimeSpan.FromSeconds(1), TimeSpan.FromMinutes(1));
        await wait;

        Assert.That(handler.Last.Uri.AbsolutePath, Is.EqualTo(lastPath));
    }

    [Test]
    public async Task Operation_Location_wins_over_Azure_AsyncOperation_and_Location()
    {
        var time = Clock.Create();
        var handler = new StubHandler((r, n) => n == 1
            ? StubHandler.Status(HttpStatusCode.Accepted, ("Operation-Location", Arm + "/oplocation/1"), ("Azure-AsyncOperation", Arm + "/operations/1"), ("Location", Arm + "/results/1"))
            : StubHandler.Json(HttpStatusCode.OK, """{"status":"Succeeded"}"""));
        using var client = Client(handler, time);

        var initial = await client.SendAsync(HttpMethod.Delete, Group, "2021-04-01");
        var operation = new ArmOperation(client, initial);
        await operation.UpdateStatusAsync();

        Assert.That(handler.Last.Uri.AbsolutePath, Is.EqualTo("/oplocation/1"));
        Assert.That(operation.HasCompleted, Is.True, "DELETE: the succeeded status is the end");
    }

    [Test]
    public async Task A_rehydrated_operation_polls_where_the_original_would_have_and_survives_its_client()
    {
        var time = Clock.Create();
        var handler = new StubHandler((r, n) => n == 1
            ? StubHandler.Status(HttpStatusCode.Accepted, ("Location", Arm + "/subscriptions/s/operationresults/t1?api-version=2021-04-01"), ("Retry-After", "5"))
            : StubHandler.Status(HttpStatusCode.OK));
        string id;
        using (var first = Client(handler, time))
        {
            var started = new ArmOperation(first, await first.SendAsync(HttpMethod.Delete, Group, "2021-04-01"));
            Assert.That(started.HasCompleted, Is.False);
            id = started.Id;
        }

        using var second = Client(handler, time);
        var resumed = ArmOperation.Rehydrate(second, id);
        Assert.That(resumed.HasCompleted, Is.False);
        var response = await resumed.WaitForCompletionAsync();

        Assert.Multiple(() =>
        {
            Assert.That(response.Status, Is.EqualTo(200));
            Assert.That(handler.Last.Uri.AbsoluteUri, Is.EqualTo(Arm + "/subscriptions/s/operationresults/t1?api-version=2021-04-01"));
            Assert.That(resumed.HasCompleted, Is.True);
            Assert.That(id, Does.Not.Contain("Bearer").And.Not.Contain("static"), "the token carries no credential");
        });
    }

    [Test]
    public void A_rehydration_token_that_points_at_another_host_is_refused_before_anything_is_sent()
    {
        var handler = new StubHandler((_, _) => StubHandler.Status(HttpStatusCode.OK));
        using var client = Client(handler);
        string json = """{"version":1,"requestMethod":"DELETE","initialUri":"https://management.azure.com/subscriptions/s/resourcegroups/x?api-version=2021-04-01","nextRequestUri":"https://attacker.example/collect","headerSource":"Location","finalStateVia":"Location","apiVersion":"2021-04-01"}""";
        string forged = System.Buffers.Text.Base64Url.EncodeToString(System.Text.Encoding.UTF8.GetBytes(json));

        var operation = ArmOperation.Rehydrate(client, forged);
        var ex = Assert.ThrowsAsync<InvalidOperationException>(() => operation.WaitForCompletionAsync());

        Assert.That(ex!.Message, Does.Contain("Refusing to send the bearer token"));
        Assert.That(handler.Count, Is.Zero);
    }

    [TestCase("not a token")]
    [TestCase("e30")]
    public void Rehydrating_something_that_is_not_an_Id_says_so(string id)
    {
        using var client = Client(new StubHandler((_, _) => StubHandler.Status(HttpStatusCode.OK)));

        var ex = Assert.Throws<ArgumentException>(() => ArmOperation.Rehydrate(client, id));

        Assert.That(ex!.Message, Does.Contain("not an ArmOperation.Id rehydration token"));
    }

    [Test]
    public async Task An_operation_that_fails_throws_with_ARMs_error_and_Value_says_it_has_not_completed()
    {
        var time = Clock.Create();
        var handler = new StubHandler((_, n) => n == 1
            ? StubHandler.Json(HttpStatusCode.Created, """{"name":"x","properties":{"provisioningState":"Creating"}}""", ("Azure-AsyncOperation", Arm + "/operations/9"))
            : StubHandler.Json(HttpStatusCode.OK, """{"status":"Canceled","error":{"code":"OperationCanceled","message":"Stopped"}}"""));
        using var client = Client(handler, time);

        var operation = new ArmOperation<TestResourceGroup>(client, await client.SendAsync(HttpMethod.Put, Group, "2021-04-01", "{}"u8.ToArray()));
        var notYet = Assert.Throws<InvalidOperationException>(() => _ = operation.Value);
        var failure = Assert.ThrowsAsync<ArmRequestException>(() => operation.UpdateStatusAsync());

        Assert.That(notYet!.Message, Does.Contain("has not completed"));
        Assert.That(failure!.ErrorCode, Is.EqualTo("OperationCanceled"));
        Assert.That(failure.Message, Does.Contain("ended Canceled"));
    }

    [Test]
    public async Task A_200_without_polling_headers_is_complete_at_once_unless_its_provisioningState_is_running()
    {
        var handler = new StubHandler((_, n) => n switch
        {
            1 => StubHandler.Json(HttpStatusCode.OK, """{"name":"x","properties":{"provisioningState":"Succeeded"}}"""),
            2 => StubHandler.Json(HttpStatusCode.OK, """{"name":"x","properties":{"provisioningState":"Updating"}}"""),
            _ => StubHandler.Json(HttpStatusCode.OK, """{"name":"x","properties":{"provisioningState":"Succeeded"}}"""),
        });
        using var client = Client(handler);

        var done = new ArmOperation(client, await client.SendAsync(HttpMethod.Put, Group, "2021-04-01", "{}"u8.ToArray()));
        var running = new ArmOperation(client, await client.SendAsync(HttpMethod.Put, Group, "2021-04-01", "{}"u8.ToArray()));
        Assert.That(done.HasCompleted, Is.True);
        Assert.That(running.HasCompleted, Is.False);

        await running.UpdateStatusAsync();
        Assert.That(running.HasCompleted, Is.True);
        Assert.That(handler.Last.Method, Is.EqualTo(HttpMethod.Get), "polled the resource itself");
    }

    private static ArmClient Client(StubHandler handler, TimeProvider? time = null)
        => new(new StaticCredential(), new ArmClientOptions { Transport = handler, TimeProvider = time ?? TimeProvider.System });

    /// <summary>202 + Azure-AsyncOperation (and Location), one InProgress poll, then Succeeded; any other GET answers the final body.</summary>
    private static (StubHandler Handler, Microsoft.Extensions.Time.Testing.FakeTimeProvider Time) AsyncOperationScript(string? location)
    {
        var time = Clock.Create();
        int polls = 0;
        var handler = new StubHandler((r, n) =>
        {
            if (n == 1)
            {
                var headers = new List<(string, string)> { ("Azure-AsyncOperation", Arm + "/operations/1"), ("Retry-After", "1") };
                if (location is not null)
                {
                    headers.Add(("Location", location));
                }

                return StubHandler.Status(HttpStatusCode.Accepted, headers.ToArray());
            }

            return r.RequestUri!.AbsolutePath == "/operations/1"
                ? StubHandler.Json(HttpStatusCode.OK, ++polls < 2 ? """{"status":"InProgress"}""" : """{"status":"Succeeded","name":"status"}""")
                : StubHandler.Json(HttpStatusCode.OK, """{"name":"final"}""");
        });
        return (handler, time);
    }
}
