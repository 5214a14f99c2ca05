using System.Net;
using GeneratedArm.Tests.Infrastructure;

namespace GeneratedArm.Tests;

public class OperationsTests
{
    private const string Sub = "/subscriptions/98f51385-2edc-4b79-bed9-7718de4cb861";

    [Test]
    public async Task Delete_202_is_followed_through_Location_until_done()
    {
        var time = Clock.Create();
        var location = "https://management.azure.com" + Sub + "/operationresults/eyJqb2JJZCI6IlgifQ?api-version=2021-04-01";
        var arm = new StubHandler((r, n) => n switch
        {
            1 => StubHandler.Status(HttpStatusCode.Accepted, ("Location", location), ("Retry-After", "15")),
            2 or 3 => StubHandler.Status(HttpStatusCode.Accepted, ("Location", location), ("Retry-After", "15")),
            _ => StubHandler.Status(HttpStatusCode.OK),
        });
        using var client = new ArmClient(new StaticCredential(), new ArmClientOptions { Transport = arm, TimeProvider = time });

        var accepted = await client.DeleteAsync(Sub + "/resourcegroups/DevTest", "2021-04-01");
        var task = client.WaitForCompletionAsync(accepted);
        await Clock.DriveAsync(task, time, TimeSpan.FromSeconds(5), TimeSpan.FromMinutes(5));
        var done = await task;

        Assert.Multiple(() =>
        {
            Assert.That(accepted.Status, Is.EqualTo(202));
            Assert.That(accepted.RequestMethod, Is.EqualTo(HttpMethod.Delete));
            Assert.That(done.Status, Is.EqualTo(200));
            Assert.That(arm.Count, Is.EqualTo(4));
            Assert.That(arm.Requests.Skip(1).Select(r => r.Uri.AbsoluteUri), Has.All.EqualTo(location), "the Location URL is polled as given, api-version not doubled");
            Assert.That(time.GetUtcNow() - Imds.Start, Is.GreaterThanOrEqualTo(TimeSpan.FromSeconds(45)), "Retry-After honoured between polls");
        });
    }

    [Test]
    public async Task Put_201_with_Azure_AsyncOperation_polls_status_then_gets_the_resource()
    {
        var time = Clock.Create();
        var op = "https://management.azure.com" + Sub + "/providers/Microsoft.Resources/operations/op1?api-version=2021-04-01";
        var arm = new StubHandler((r, n) => n switch
        {
            1 => StubHandler.Json(HttpStatusCode.Created, """{"name":"DevTest","properties":{"provisioningState":"Creating"}}""", ("Azure-AsyncOperation", op), ("Retry-After", "1")),
            2 => StubHandler.Json(HttpStatusCode.OK, """{"status":"InProgress"}""", ("Retry-After", "1")),
            3 => StubHandler.Json(HttpStatusCode.OK, """{"status":"Succeeded"}"""),
            _ => StubHandler.Json(HttpStatusCode.OK, """{"name":"DevTest","properties":{"provisioningState":"Succeeded"}}"""),
        });
        using var client = new ArmClient(new StaticCredential(), new ArmClientOptions { Transport = arm, TimeProvider = time });

        var created = await client.SendAsync(HttpMethod.Put, Sub + "/resourcegroups/DevTest", "2021-04-01", """{"location":"westus"}"""u8.ToArray());
        var task = client.WaitForCompletionAsync(created);
        await Clock.DriveAsync(task, time, TimeSpan.FromSeconds(1), TimeSpan.FromMinutes(5));
        var final = await task;

        Assert.That(final.ContentAs<TestResourceGroup>().ProvisioningState, Is.EqualTo("Succeeded"));
        Assert.That(arm.Last.Method, Is.EqualTo(HttpMethod.Get));
        Assert.That(arm.Last.Uri.AbsoluteUri, Is.EqualTo("https://management.azure.com" + Sub + "/resourcegroups/DevTest?api-version=2021-04-01"));
    }

    [Test]
    public async Task Failed_operation_raises_the_operation_error()
    {
        var time = Clock.Create();
        var op = "https://management.azure.com" + Sub + "/providers/Microsoft.Resources/operations/op2?api-version=2021-04-01";
        var arm = new StubHandler((_, n) => n == 1
            ? StubHandler.Status(HttpStatusCode.Accepted, ("Azure-AsyncOperation", op), ("Retry-After", "1"))
            : StubHandler.Json(HttpStatusCode.OK, """{"status":"Failed","error":{"code":"ResourceGroupDeletionBlocked","message":"Locked"}}"""));
        using var client = new ArmClient(new StaticCredential(), new ArmClientOptions { Transport = arm, TimeProvider = time });

        var accepted = await client.DeleteAsync(Sub + "/resourcegroups/DevTest", "2021-04-01");
        var task = client.WaitForCompletionAsync(accepted);
        await Clock.DriveAsync(task, time, TimeSpan.FromSeconds(1), TimeSpan.FromMinutes(1));

        var ex = Assert.ThrowsAsync<ArmRequestException>(() => task);
        Assert.That(ex!.ErrorCode, Is.EqualTo("ResourceGroupDeletionBlocked"));
        Assert.That(ex.Message, Does.Contain("ended Failed"));
    }

    [Test]
    public async Task Final_response_is_returned_as_is()
    {
        var arm = new StubHandler((_, _) => StubHandler.Json(HttpStatusCode.OK, "{}"));
        using var client = new ArmClient(new StaticCredential(), new ArmClientOptions { Transport = arm });

        var response = await client.DeleteAsync(Sub + "/resourcegroups/DevTest", "2021-04-01");

        Assert.That(await client.WaitForCompletionAsync(response), Is.SameAs(response));
        Assert.That(arm.Count, Is.EqualTo(1));
    }

    [Test]
    public async Task ListAsync_follows_nextLink()
    {
        var arm = new StubHandler((r, n) => n == 1
            ? StubHandler.Json(HttpStatusCode.OK, """{"value":[{"name":"a"},{"name":"b"}],"nextLink":"https://management.azure.com/subscriptions/s/resourcegroups?api-version=2021-04-01&%24skiptoken=x"}""")
            : StubHandler.Json(HttpStatusCode.OK, """{"value":[{"name":"c"}],"nextLink":null}"""));
        using var client = new ArmClient(new StaticCredential(), new ArmClientOptions { Transport = arm });

        var names = new List<string?>();
        await foreach (var rg in client.ListAsync<TestResourceGroup>("/subscriptions/s/resourcegroups", "2021-04-01"))
        {
            names.Add(rg.Name);
        }

        Assert.That(names, Is.EqualTo((string[])["a", "b", "c"]));
        Assert.That(arm.Last.Uri.Query, Is.EqualTo("?api-version=2021-04-01&%24skiptoken=x"));
    }
}
