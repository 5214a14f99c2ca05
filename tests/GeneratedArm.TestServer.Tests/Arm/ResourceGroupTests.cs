using System.Net;
using System.Text.Json;
using GeneratedArm.TestServer.Rbac;
using GeneratedArm.TestServer.State;
using Microsoft.Extensions.Time.Testing;
using static GeneratedArm.TestServer.Tests.Arm.ArmTestKit;

namespace GeneratedArm.TestServer.Tests.Arm;

/// <summary>Microsoft.Resources/resourceGroups as ARM serves it (facts §3.1–3.4; resources.json 2016-06-01 … 2021-04-01).</summary>
public class ResourceGroupTests
{
    // The tutorial's 2016-06-01, the .NET SDK's 2022-09-01, the JavaScript SDK's 2025-04-01, and the rest of the range.
    private static readonly string[] SupportedVersions =
    [
        "2016-06-01", "2016-07-01", "2016-09-01", "2017-05-10", "2018-05-01", "2019-05-10", "2019-10-01", "2020-06-01", "2021-01-01",
        "2021-04-01", "2022-09-01", "2023-07-01", "2024-03-01", "2024-07-01", "2024-11-01", "2025-03-01", "2025-04-01",
    ];

    [TestCaseSource(nameof(SupportedVersions))]
    public async Task Every_stable_api_version_from_2016_06_01_to_the_newest_reads_DevTest(string version)
    {
        using var emulator = AzureEmulator.Create();
        using var client = emulator.CreateClient();

        using var response = await SendAsync(client, HttpMethod.Get, Rg("DevTest", version), VmToken(emulator));

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
    }

    [Test]
    public async Task Put_creates_with_201_then_updates_with_200_keeping_the_creation_casing()
    {
        using var emulator = AzureEmulator.Create();
        using var client = emulator.CreateClient();
        string admin = emulator.CreateAdministratorToken();

        using var created = await SendAsync(client, HttpMethod.Put, Rg("MyGroup"), admin, """{"location":"West Europe","tags":{"env":"test"}}""");
        using var updated = await SendAsync(client, HttpMethod.Put, Rg("MYGROUP"), admin, """{"location":"westeurope","tags":{"env":"prod"}}""");
        using var read = await SendAsync(client, HttpMethod.Get, $"/subscriptions/{Sub}/resourceGroups/mygroup?api-version=2021-04-01", admin);

        Assert.That(created.StatusCode, Is.EqualTo(HttpStatusCode.Created));
        Assert.That(await created.Content.ReadAsStringAsync(), Is.EqualTo(
            $$$"""{"id":"/subscriptions/{{{Sub}}}/resourceGroups/MyGroup","name":"MyGroup","type":"Microsoft.Resources/resourceGroups","location":"westeurope","tags":{"env":"test"},"properties":{"provisioningState":"Succeeded"}}"""));
        Assert.That(updated.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        var body = await JsonAsync(read);
        Assert.That(body.GetProperty("name").GetString(), Is.EqualTo("MyGroup"));
        Assert.That(body.GetProperty("id").GetString(), Is.EqualTo($"/subscriptions/{Sub}/resourceGroups/MyGroup"));
        Assert.That(body.GetProperty("tags").GetProperty("env").GetString(), Is.EqualTo("prod"));
    }

    [Test]
    public async Task Put_in_another_location_than_the_existing_group_gets_409_InvalidResourceGroupLocation()
    {
        using var emulator = AzureEmulator.Create();
        using var client = emulator.CreateClient();

        using var response = await SendAsync(client, HttpMethod.Put, Rg("DevTest"), emulator.CreateAdministratorToken(), """{"location":"eastus"}""");

        // Azure/azure-cli#22242, trailofbits/algo#1814 (409).
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Conflict));
        Assert.That(await ErrorAsync(response), Is.EqualTo(("InvalidResourceGroupLocation",
            "Invalid resource group location 'eastus'. The Resource group already exists in location 'westus'.")));
    }

    [TestCase("""{}""", "LocationRequired")]
    [TestCase("""{"location":""}""", "LocationRequired")]
    [TestCase("""{"location":42}""", "LocationRequired")]
    [TestCase("""{"location":"atlantis"}""", "LocationNotAvailableForResourceGroup")]
    [TestCase("""{"location":"westus","tags":"x"}""", "InvalidRequestContent")]
    [TestCase("""{"location":"westus","tags":{"a":1}}""", "InvalidRequestContent")]
    public async Task Put_with_an_invalid_body_gets_400_with_ARMs_code(string body, string code)
    {
        using var emulator = AzureEmulator.Create();
        using var client = emulator.CreateClient();

        using var response = await SendAsync(client, HttpMethod.Put, Rg("NewGroup"), emulator.CreateAdministratorToken(), body);

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest));
        Assert.That((await ErrorAsync(response)).Code, Is.EqualTo(code));
    }

    [TestCase("bad name")]
    [TestCase("semi;colon")]
    [TestCase("ends.with.period.")]
    [TestCase("star*")]
    public async Task Invalid_resource_group_names_get_400_InvalidResourceGroup(string name)
    {
        using var emulator = AzureEmulator.Create();
        using var client = emulator.CreateClient();

        using var response = await SendAsync(client, HttpMethod.Put, Rg(Uri.EscapeDataString(name)), emulator.CreateAdministratorToken(), """{"location":"westus"}""");
        var (code, message) = await ErrorAsync(response);

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest));
        Assert.That(code, Is.EqualTo("InvalidResourceGroup"));
        Assert.That(message, Does.StartWith($"The provided resource group name '{name}' "));
    }

    [Test]
    public async Task Names_of_90_characters_with_parentheses_dots_and_unicode_letters_are_valid_and_91_is_not()
    {
        using var emulator = AzureEmulator.Create();
        using var client = emulator.CreateClient();
        string admin = emulator.CreateAdministratorToken();
        string ok = "rg(1)._-é" + new string('a', 81);
        string tooLong = new('a', 91);

        using var accepted = await SendAsync(client, HttpMethod.Put, Rg(Uri.EscapeDataString(ok)), admin, """{"location":"westus"}""");
        using var rejected = await SendAsync(client, HttpMethod.Put, Rg(tooLong), admin, """{"location":"westus"}""");

        Assert.That(ok, Has.Length.EqualTo(90));
        Assert.That(accepted.StatusCode, Is.EqualTo(HttpStatusCode.Created));
        Assert.That(rejected.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest));
        Assert.That((await ErrorAsync(rejected)).Code, Is.EqualTo("InvalidResourceGroup"));
    }

    [Test]
    public async Task Head_answers_204_for_an_existing_group_and_404_for_a_missing_one_without_a_body()
    {
        using var emulator = AzureEmulator.Create();
        using var client = emulator.CreateClient();
        string admin = emulator.CreateAdministratorToken();

        using var exists = await SendAsync(client, HttpMethod.Head, Rg("devtest"), admin);
        using var missing = await SendAsync(client, HttpMethod.Head, Rg("Nope"), admin);

        Assert.That(exists.StatusCode, Is.EqualTo(HttpStatusCode.NoContent));
        Assert.That(missing.StatusCode, Is.EqualTo(HttpStatusCode.NotFound));
        Assert.That(await missing.Content.ReadAsByteArrayAsync(), Is.Empty);
    }

    [Test]
    public async Task Patch_replaces_tags_and_keeps_what_it_does_not_mention()
    {
        using var emulator = AzureEmulator.Create();
        using var client = emulator.CreateClient();
        string admin = emulator.CreateAdministratorToken();
        using var _ = await SendAsync(client, HttpMethod.Put, Rg("Tagged"), admin, """{"location":"eastus","tags":{"a":"1"},"managedBy":"/subscriptions/x/y"}""");

        using var patched = await SendAsync(client, HttpMethod.Patch, Rg("tagged"), admin, """{"tags":{"b":"2"}}""");
        using var missing = await SendAsync(client, HttpMethod.Patch, Rg("Absent"), admin, """{"tags":{}}""");
        var body = await JsonAsync(patched);

        Assert.That(patched.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That(body.GetProperty("tags").EnumerateObject().Select(p => p.Name), Is.EqualTo(new[] { "b" }));
        Assert.That(body.GetProperty("location").GetString(), Is.EqualTo("eastus"));
        Assert.That(body.GetProperty("managedBy").GetString(), Is.EqualTo("/subscriptions/x/y"));
        Assert.That(missing.StatusCode, Is.EqualTo(HttpStatusCode.NotFound));
        Assert.That((await ErrorAsync(missing)).Code, Is.EqualTo("ResourceGroupNotFound"));
    }

    [Test]
    public async Task List_pages_with_top_and_nextLink_carrying_the_query()
    {
        using var emulator = AzureEmulator.Create(b =>
        {
            for (int i = 0; i < 6; i++) b.AddResourceGroup($"g{i}");
        });
        using var client = emulator.CreateClient();
        string admin = emulator.CreateAdministratorToken();

        var names = new List<string>();
        string? next = $"/subscriptions/{Sub}/resourcegroups?api-version=2022-09-01&$top=3";
        int pages = 0;
        while (next is not null)
        {
            using var page = await SendAsync(client, HttpMethod.Get, next, admin);
            Assert.That(page.StatusCode, Is.EqualTo(HttpStatusCode.OK));
            var body = await JsonAsync(page);
            names.AddRange(body.GetProperty("value").EnumerateArray().Select(g => g.GetProperty("name").GetString()!));
            next = body.TryGetProperty("nextLink", out var link) ? link.GetString() : null;
            if (next is not null) Assert.That(next, Does.StartWith("https://management.azure.com/subscriptions/").And.Contain("api-version=2022-09-01").And.Contain("$top=3"));
            pages++;
        }

        Assert.That(names, Is.EqualTo(new[] { "DevTest", "g0", "g1", "g2", "g3", "g4", "g5" }));
        Assert.That(pages, Is.EqualTo(3));
    }

    [Test]
    public async Task List_filters_on_tag_name_and_value()
    {
        using var emulator = AzureEmulator.Create();
        using var client = emulator.CreateClient();
        string admin = emulator.CreateAdministratorToken();
        foreach (var (name, tags) in new[] { ("a", """{"env":"prod"}"""), ("b", """{"env":"test"}"""), ("c", """{"owner":"me"}""") })
        {
            using var r = await SendAsync(client, HttpMethod.Put, Rg(name), admin, $$$"""{"location":"westus","tags":{{{tags}}}}""");
        }

        async Task<string[]> ListAsync(string filter)
        {
            using var response = await SendAsync(client, HttpMethod.Get, $"/subscriptions/{Sub}/resourcegroups?api-version=2021-04-01&$filter={Uri.EscapeDataString(filter)}", admin);
            Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
            return (await JsonAsync(response)).GetProperty("value").EnumerateArray().Select(g => g.GetProperty("name").GetString()!).ToArray();
        }

        Assert.That(await ListAsync("tagName eq 'env'"), Is.EqualTo(new[] { "a", "b" }));
        Assert.That(await ListAsync("tagName eq 'env' and tagValue eq 'prod'"), Is.EqualTo(new[] { "a" }));
        using var bad = await SendAsync(client, HttpMethod.Get, $"/subscriptions/{Sub}/resourcegroups?api-version=2021-04-01&$filter=location eq 'x'", admin);
        using var badTop = await SendAsync(client, HttpMethod.Get, $"/subscriptions/{Sub}/resourcegroups?api-version=2021-04-01&$top=-1", admin);
        Assert.That(bad.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest));
        Assert.That(badTop.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest));
    }

    [Test]
    public async Task A_reader_of_one_group_lists_only_that_group()
    {
        using var emulator = AzureEmulator.Create(b => b.AddResourceGroup("Other"));
        using var client = emulator.CreateClient();

        using var response = await SendAsync(client, HttpMethod.Get, $"/subscriptions/{Sub}/resourcegroups?api-version=2022-09-01", VmToken(emulator));

        Assert.That((await JsonAsync(response)).GetProperty("value").EnumerateArray().Select(g => g.GetProperty("name").GetString()), Is.EqualTo(new[] { "DevTest" }));
    }

    [Test]
    public async Task Delete_answers_202_with_operation_results_Location_and_polls_202_then_200_then_the_group_is_gone()
    {
        using var emulator = AzureEmulator.Create(b => b.WithResourceGroupDeletion(polls: 2));
        using var client = emulator.CreateClient();
        string admin = emulator.CreateAdministratorToken();
        using var _ = await SendAsync(client, HttpMethod.Put, Rg("Doomed"), admin, """{"location":"eastus"}""");

        using var accepted = await SendAsync(client, HttpMethod.Delete, $"/subscriptions/{Sub}/resourcegroups/doomed?api-version=2021-04-01", admin);
        string location = accepted.Headers.Location!.ToString();
        using var during = await SendAsync(client, HttpMethod.Get, Rg("Doomed"), admin);
        using var poll1 = await SendAsync(client, HttpMethod.Get, location, admin);
        using var poll2 = await SendAsync(client, HttpMethod.Get, location, admin);
        using var poll3 = await SendAsync(client, HttpMethod.Get, location, admin);
        using var after = await SendAsync(client, HttpMethod.Get, Rg("Doomed"), admin);

        Assert.Multiple(async () =>
        {
            Assert.That(accepted.StatusCode, Is.EqualTo(HttpStatusCode.Accepted));
            Assert.That(await accepted.Content.ReadAsByteArrayAsync(), Is.Empty);
            Assert.That(location, Does.Match($"^https://management.azure.com/subscriptions/{Sub}/operationresults/[A-Za-z0-9_-]+\\?api-version=2021-04-01$"));
            Assert.That(accepted.Headers.RetryAfter?.Delta, Is.EqualTo(TimeSpan.Zero));
            Assert.That((await JsonAsync(during)).GetProperty("properties").GetProperty("provisioningState").GetString(), Is.EqualTo("Deleting"));
            Assert.That(poll1.StatusCode, Is.EqualTo(HttpStatusCode.Accepted));
            Assert.That(poll1.Headers.Location?.ToString(), Is.EqualTo(location));
            Assert.That(poll2.StatusCode, Is.EqualTo(HttpStatusCode.Accepted));
            Assert.That(poll3.StatusCode, Is.EqualTo(HttpStatusCode.OK));
            Assert.That(after.StatusCode, Is.EqualTo(HttpStatusCode.NotFound));
            Assert.That((await ErrorAsync(after)).Code, Is.EqualTo("ResourceGroupNotFound"));
        });
    }

    [Test]
    public async Task Deletion_also_completes_on_the_emulator_clock_without_polls_and_blocks_writes_meanwhile()
    {
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        using var emulator = AzureEmulator.Create(b => b.UseTimeProvider(clock).WithResourceGroupDeletion(polls: 100, duration: TimeSpan.FromSeconds(30)));
        using var client = emulator.CreateClient();
        string admin = emulator.CreateAdministratorToken();
        using var _ = await SendAsync(client, HttpMethod.Put, Rg("Slow"), admin, """{"location":"eastus"}""");

        using var accepted = await SendAsync(client, HttpMethod.Delete, Rg("Slow"), admin);
        using var put = await SendAsync(client, HttpMethod.Put, Rg("Slow"), admin, """{"location":"eastus"}""");
        clock.Advance(TimeSpan.FromSeconds(31));
        using var after = await SendAsync(client, HttpMethod.Head, Rg("Slow"), admin);
        using var poll = await SendAsync(client, HttpMethod.Get, accepted.Headers.Location!.ToString(), admin);

        Assert.That(put.StatusCode, Is.EqualTo(HttpStatusCode.Conflict));
        Assert.That((await ErrorAsync(put)).Code, Is.EqualTo("ResourceGroupBeingDeleted"));
        Assert.That(after.StatusCode, Is.EqualTo(HttpStatusCode.NotFound));
        Assert.That(poll.StatusCode, Is.EqualTo(HttpStatusCode.OK));
    }

    [Test]
    public async Task Deleting_a_group_deletes_its_resources_VMs_identities_and_role_assignments_scoped_inside_it()
    {
        using var emulator = AzureEmulator.Create(b => b
            .WithResourceGroupDeletion(polls: 0)
            .AddUserAssignedIdentity("uami")
            .AddResourceGroup("Keep")
            .AddRoleAssignment(TutorialDefaults.SystemAssignedPrincipalId, BuiltInRoles.ReaderId, $"/subscriptions/{Sub}/resourceGroups/Keep"));
        using var client = emulator.CreateClient();
        string admin = emulator.CreateAdministratorToken();
        using var put = await SendAsync(client, HttpMethod.Put, $"/subscriptions/{Sub}/resourceGroups/DevTest/providers/Microsoft.Storage/storageAccounts/sa1?api-version=2023-01-01", admin,
            """{"location":"westus","properties":{}}""");

        using var deleted = await SendAsync(client, HttpMethod.Delete, Rg("DevTest"), admin);

        Assert.That(put.StatusCode, Is.EqualTo(HttpStatusCode.Created));
        Assert.That(deleted.StatusCode, Is.EqualTo(HttpStatusCode.Accepted));
        Assert.That(emulator.State.FindResourceGroup(Sub, "DevTest"), Is.Null);
        Assert.That(emulator.State.Resources, Is.Empty);
        Assert.That(emulator.State.VirtualMachines, Is.Empty);
        Assert.That(emulator.State.UserAssignedIdentities, Is.Empty);
        Assert.That(emulator.State.RoleAssignments.Select(a => a.Scope), Is.EquivalentTo(new[] { SubscriptionScope, $"/subscriptions/{Sub}/resourceGroups/Keep" }));
    }

    [Test]
    public async Task Delete_of_a_missing_group_gets_404_and_a_bad_operation_id_404()
    {
        using var emulator = AzureEmulator.Create();
        using var client = emulator.CreateClient();
        string admin = emulator.CreateAdministratorToken();

        using var missing = await SendAsync(client, HttpMethod.Delete, Rg("Ghost"), admin);
        using var badOperation = await SendAsync(client, HttpMethod.Get, $"/subscriptions/{Sub}/operationresults/%21%21notbase64?api-version=2021-04-01", admin);

        Assert.That(missing.StatusCode, Is.EqualTo(HttpStatusCode.NotFound));
        Assert.That(badOperation.StatusCode, Is.EqualTo(HttpStatusCode.NotFound));
    }

    [Test]
    public async Task Subscriptions_list_and_get_show_the_callers_subscriptions()
    {
        using var emulator = AzureEmulator.Create(b => b.AddSubscription("11111111-0000-4000-8000-000000000000", displayName: "Second"));
        using var client = emulator.CreateClient();

        using var vmList = await SendAsync(client, HttpMethod.Get, "/subscriptions?api-version=2022-12-01", VmToken(emulator));
        using var adminList = await SendAsync(client, HttpMethod.Get, "/subscriptions?api-version=2022-12-01", emulator.CreateAdministratorToken());
        using var get = await SendAsync(client, HttpMethod.Get, $"/subscriptions/{Sub}?api-version=2016-06-01", VmToken(emulator));
        var one = await JsonAsync(get);

        Assert.That((await JsonAsync(vmList)).GetProperty("value").EnumerateArray().Select(s => s.GetProperty("subscriptionId").GetString()), Is.EqualTo(new[] { Sub }));
        Assert.That((await JsonAsync(adminList)).GetProperty("value").GetArrayLength(), Is.EqualTo(2));
        Assert.That(adminList.Headers.Contains("x-ms-ratelimit-remaining-tenant-reads"), Is.True);
        Assert.That(one.GetProperty("id").GetString(), Is.EqualTo("/subscriptions/" + Sub));
        Assert.That(one.GetProperty("displayName").GetString(), Is.EqualTo(TutorialDefaults.SubscriptionDisplayName));
        Assert.That(one.GetProperty("state").GetString(), Is.EqualTo("Enabled"));
        Assert.That(one.GetProperty("tenantId").GetString(), Is.EqualTo(TutorialDefaults.TenantId));
    }

    [Test]
    public async Task Reset_restores_the_initial_groups()
    {
        using var emulator = AzureEmulator.Create();
        using var client = emulator.CreateClient();
        using var _ = await SendAsync(client, HttpMethod.Put, Rg("Temp"), emulator.CreateAdministratorToken(), """{"location":"westus"}""");

        emulator.Reset();

        Assert.That(emulator.State.FindResourceGroup(Sub, "Temp"), Is.Null);
        Assert.That(emulator.State.FindResourceGroup(Sub, "DevTest"), Is.Not.Null);
    }
}
