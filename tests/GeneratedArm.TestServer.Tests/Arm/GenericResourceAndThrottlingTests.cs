using System.Net;
using GeneratedArm.TestServer.Arm;
using Microsoft.Extensions.Time.Testing;
using static GeneratedArm.TestServer.Tests.Arm.ArmTestKit;

namespace GeneratedArm.TestServer.Tests.Arm;

/// <summary>Generic resources (any provider/type, nested types) and ARM's token-bucket throttling.</summary>
public class GenericResourceAndThrottlingTests
{
    private static string Res(string rest, string group = "DevTest") => $"/subscriptions/{Sub}/resourceGroups/{group}/providers/{rest}?api-version=2023-05-01";

    [Test]
    public async Task Put_stores_the_body_and_fills_id_name_and_type_get_returns_it_case_insensitively()
    {
        using var emulator = AzureEmulator.Create();
        using var client = emulator.CreateClient();
        string admin = emulator.CreateAdministratorToken();

        using var created = await SendAsync(client, HttpMethod.Put, Res("Microsoft.Storage/storageAccounts/MyStore"), admin,
            """{"id":"ignored","location":"West US","kind":"StorageV2","sku":{"name":"Standard_LRS"},"tags":{"a":"b"},"properties":{"minimumTlsVersion":"TLS1_2"}}""");
        using var updated = await SendAsync(client, HttpMethod.Put, Res("microsoft.storage/STORAGEACCOUNTS/mystore"), admin, """{"location":"westus","kind":"StorageV2"}""");
        using var read = await SendAsync(client, HttpMethod.Get, Res("Microsoft.Storage/storageAccounts/MYSTORE", "devtest"), VmToken(emulator));
        var body = await JsonAsync(read);

        Assert.That(created.StatusCode, Is.EqualTo(HttpStatusCode.Created));
        Assert.That(await created.Content.ReadAsStringAsync(), Is.EqualTo(
            $$$"""{"id":"/subscriptions/{{{Sub}}}/resourceGroups/DevTest/providers/Microsoft.Storage/storageAccounts/MyStore","name":"MyStore","type":"Microsoft.Storage/storageAccounts","location":"westus","kind":"StorageV2","sku":{"name":"Standard_LRS"},"tags":{"a":"b"},"properties":{"minimumTlsVersion":"TLS1_2","provisioningState":"Succeeded"}}"""));
        Assert.That(updated.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That(read.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That(body.GetProperty("name").GetString(), Is.EqualTo("MyStore"));
        Assert.That(body.TryGetProperty("tags", out _), Is.False, "PUT replaces the whole body");
    }

    [Test]
    public async Task Nested_types_need_their_parent_and_list_under_it()
    {
        using var emulator = AzureEmulator.Create();
        using var client = emulator.CreateClient();
        string admin = emulator.CreateAdministratorToken();

        using var orphan = await SendAsync(client, HttpMethod.Put, Res("Microsoft.Network/virtualNetworks/vnet1/subnets/s1"), admin, """{"properties":{}}""");
        using var vnet = await SendAsync(client, HttpMethod.Put, Res("Microsoft.Network/virtualNetworks/vnet1"), admin, """{"location":"westus"}""");
        using var s1 = await SendAsync(client, HttpMethod.Put, Res("Microsoft.Network/virtualNetworks/vnet1/subnets/s1"), admin, """{"properties":{"addressPrefix":"10.0.0.0/24"}}""");
        using var s2 = await SendAsync(client, HttpMethod.Put, Res("Microsoft.Network/virtualNetworks/vnet1/subnets/s2"), admin, """{"properties":{}}""");
        using var list = await SendAsync(client, HttpMethod.Get, Res("Microsoft.Network/virtualNetworks/vnet1/subnets"), admin);
        using var deleteParent = await SendAsync(client, HttpMethod.Delete, Res("Microsoft.Network/virtualNetworks/vnet1"), admin);
        using var child = await SendAsync(client, HttpMethod.Get, Res("Microsoft.Network/virtualNetworks/vnet1/subnets/s1"), admin);

        Assert.That(orphan.StatusCode, Is.EqualTo(HttpStatusCode.NotFound));
        Assert.That((await ErrorAsync(orphan)).Code, Is.EqualTo("ParentResourceNotFound"));
        Assert.That((vnet.StatusCode, s1.StatusCode, s2.StatusCode), Is.EqualTo((HttpStatusCode.Created, HttpStatusCode.Created, HttpStatusCode.Created)));
        var s1Body = await JsonAsync(s1);
        Assert.That(s1Body.GetProperty("type").GetString(), Is.EqualTo("Microsoft.Network/virtualNetworks/subnets"));
        Assert.That(s1Body.GetProperty("name").GetString(), Is.EqualTo("s1"));
        Assert.That((await JsonAsync(list)).GetProperty("value").EnumerateArray().Select(s => s.GetProperty("name").GetString()), Is.EqualTo(new[] { "s1", "s2" }));
        Assert.That(deleteParent.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That(child.StatusCode, Is.EqualTo(HttpStatusCode.NotFound));
        Assert.That((await ErrorAsync(child)).Message, Does.StartWith("The Resource 'Microsoft.Network/virtualNetworks/vnet1/subnets/s1' under resource group 'DevTest' was not found."));
    }

    [Test]
    public async Task Lists_by_group_and_by_subscription_with_resourceType_filter_and_delete_answers_200_then_204()
    {
        using var emulator = AzureEmulator.Create(b => b.AddResourceGroup("Other"));
        using var client = emulator.CreateClient();
        string admin = emulator.CreateAdministratorToken();
        foreach (var (group, rest) in new[] { ("DevTest", "Microsoft.Web/sites/a"), ("DevTest", "Microsoft.Storage/storageAccounts/b"), ("Other", "Microsoft.Web/sites/c") })
        {
            using var r = await SendAsync(client, HttpMethod.Put, Res(rest, group), admin, """{"location":"westus"}""");
            Assert.That(r.StatusCode, Is.EqualTo(HttpStatusCode.Created));
        }

        async Task<string[]> NamesAsync(string path, string token)
        {
            using var response = await SendAsync(client, HttpMethod.Get, path, token);
            Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK), await response.Content.ReadAsStringAsync());
            return (await JsonAsync(response)).GetProperty("value").EnumerateArray().Select(x => x.GetProperty("name").GetString()!).ToArray();
        }

        Assert.That(await NamesAsync($"/subscriptions/{Sub}/resourceGroups/DevTest/resources?api-version=2021-04-01", admin), Is.EqualTo(new[] { "a", "b", "myVM" }));
        Assert.That(await NamesAsync($"/subscriptions/{Sub}/resources?api-version=2021-04-01&$filter={Uri.EscapeDataString("resourceType eq 'Microsoft.Web/sites'")}", admin), Is.EqualTo(new[] { "a", "c" }));
        Assert.That(await NamesAsync($"/subscriptions/{Sub}/providers/Microsoft.Web/sites?api-version=2023-01-01", admin), Is.EqualTo(new[] { "a", "c" }));
        Assert.That(await NamesAsync($"/subscriptions/{Sub}/providers/microsoft.web/SITES?api-version=2023-01-01", VmToken(emulator)), Is.EqualTo(new[] { "a" }));
        // The VM's identity reads DevTest only, so the subscription-wide list shows DevTest's resources only.
        Assert.That(await NamesAsync($"/subscriptions/{Sub}/resources?api-version=2021-04-01", VmToken(emulator)), Is.EqualTo(new[] { "a", "b", "myVM" }));
        using var deleted = await SendAsync(client, HttpMethod.Delete, Res("Microsoft.Web/sites/a"), admin);
        using var again = await SendAsync(client, HttpMethod.Delete, Res("Microsoft.Web/sites/a"), admin);
        using var missingGroup = await SendAsync(client, HttpMethod.Put, Res("Microsoft.Web/sites/z", "Nope"), admin, """{"location":"westus"}""");
        Assert.That((deleted.StatusCode, again.StatusCode), Is.EqualTo((HttpStatusCode.OK, HttpStatusCode.NoContent)));
        Assert.That(missingGroup.StatusCode, Is.EqualTo(HttpStatusCode.NotFound));
        Assert.That((await ErrorAsync(missingGroup)).Code, Is.EqualTo("ResourceGroupNotFound"));
    }

    [Test]
    public async Task NextLink_of_a_group_whose_name_needs_escaping_is_a_valid_URL_that_leads_to_the_next_page()
    {
        using var emulator = AzureEmulator.Create(b => b.AddResourceGroup("my group (1)"));
        using var client = emulator.CreateClient();
        string admin = emulator.CreateAdministratorToken();
        foreach (string name in new[] { "a", "b" })
        {
            using var r = await SendAsync(client, HttpMethod.Put, Res("Microsoft.Web/sites/" + name, "my%20group%20(1)"), admin, """{"location":"westus"}""");
            Assert.That(r.StatusCode, Is.EqualTo(HttpStatusCode.Created));
        }

        using var first = await SendAsync(client, HttpMethod.Get, Res("Microsoft.Web/sites", "my%20group%20(1)") + "&$top=1", admin);
        string next = (await JsonAsync(first)).GetProperty("nextLink").GetString()!;
        using var second = await SendAsync(client, HttpMethod.Get, next, admin);

        Assert.That(Uri.IsWellFormedUriString(next, UriKind.Absolute), Is.True, next);
        Assert.That(next, Does.Contain("my%20group"));
        Assert.That((await JsonAsync(second)).GetProperty("value")[0].GetProperty("name").GetString(), Is.EqualTo("b"));
    }

    [Test]
    public async Task Resources_seeded_by_the_builder_read_like_PUT_ones_and_bad_ids_are_refused()
    {
        using var emulator = AzureEmulator.Create(b => b.AddResource($"/subscriptions/{Sub}/resourceGroups/DevTest/providers/Microsoft.KeyVault/vaults/kv1",
            """{"location":"westus","properties":{"sku":{"name":"standard"}}}"""));
        using var client = emulator.CreateClient();

        using var read = await SendAsync(client, HttpMethod.Get, Res("Microsoft.KeyVault/vaults/kv1"), VmToken(emulator));
        var body = await JsonAsync(read);

        Assert.That(read.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That(body.GetProperty("type").GetString(), Is.EqualTo("Microsoft.KeyVault/vaults"));
        Assert.That(body.GetProperty("properties").GetProperty("sku").GetProperty("name").GetString(), Is.EqualTo("standard"));
        Assert.That(() => AzureEmulator.Create(b => b.AddResource($"/subscriptions/{Sub}/resourceGroups/DevTest")), Throws.ArgumentException);
    }

    [Test]
    public async Task Providers_list_types_with_api_versions_and_registration_needs_the_register_action()
    {
        using var emulator = AzureEmulator.Create(b => b.AddResourceType("Microsoft.Cache/redis", "2024-03-01"));
        using var client = emulator.CreateClient();
        string admin = emulator.CreateAdministratorToken();

        using var cache = await SendAsync(client, HttpMethod.Get, $"/subscriptions/{Sub}/providers/Microsoft.Cache?api-version=2021-04-01", VmToken(emulator));
        using var register = await SendAsync(client, HttpMethod.Post, $"/subscriptions/{Sub}/providers/Microsoft.Cdn/register?api-version=2021-04-01", admin);
        using var readerRegister = await SendAsync(client, HttpMethod.Post, $"/subscriptions/{Sub}/providers/Microsoft.Cdn/register?api-version=2021-04-01", VmToken(emulator));
        var type = (await JsonAsync(cache)).GetProperty("resourceTypes")[0];

        Assert.That(type.GetProperty("resourceType").GetString(), Is.EqualTo("redis"));
        Assert.That(type.GetProperty("apiVersions")[0].GetString(), Is.EqualTo("2024-03-01"));
        Assert.That(register.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That((await JsonAsync(register)).GetProperty("registrationState").GetString(), Is.EqualTo("Registered"));
        Assert.That(readerRegister.StatusCode, Is.EqualTo(HttpStatusCode.Forbidden));
        Assert.That((await ErrorAsync(readerRegister)).Message, Does.Contain("'Microsoft.Cdn/register/action'"));
    }

    [Test]
    public async Task The_tutorial_VM_is_readable_as_a_resource_with_its_identity()
    {
        using var emulator = AzureEmulator.Create();
        using var client = emulator.CreateClient();

        using var response = await SendAsync(client, HttpMethod.Get, TutorialDefaults.VirtualMachineResourceId + "?api-version=2024-07-01", VmToken(emulator));
        var body = await JsonAsync(response);

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That(body.GetProperty("identity").GetProperty("principalId").GetString(), Is.EqualTo(TutorialDefaults.SystemAssignedPrincipalId));
        Assert.That(body.GetProperty("properties").GetProperty("vmId").GetString(), Is.EqualTo(TutorialDefaults.VirtualMachineId));
    }

    [Test]
    public async Task Patch_merges_and_invalid_names_and_bodies_get_400()
    {
        using var emulator = AzureEmulator.Create();
        using var client = emulator.CreateClient();
        string admin = emulator.CreateAdministratorToken();
        using var seeded = await SendAsync(client, HttpMethod.Put, Res("Microsoft.Web/sites/app"), admin, """{"location":"westus","tags":{"a":"1"},"properties":{"x":1,"y":2}}""");

        using var patched = await SendAsync(client, HttpMethod.Patch, Res("Microsoft.Web/sites/app"), admin, """{"tags":{"b":"2"},"properties":{"y":null}}""");
        using var badName = await SendAsync(client, HttpMethod.Put, Res("Microsoft.Web/sites/bad%3Cname"), admin, """{"location":"westus"}""");
        using var badBody = await SendAsync(client, HttpMethod.Put, Res("Microsoft.Web/sites/ok"), admin, "{\"location\":");
        var body = await JsonAsync(patched);

        Assert.That(patched.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That(body.GetProperty("tags").GetProperty("a").GetString(), Is.EqualTo("1"));
        Assert.That(body.GetProperty("tags").GetProperty("b").GetString(), Is.EqualTo("2"));
        Assert.That(body.GetProperty("properties").TryGetProperty("y", out _), Is.False);
        Assert.That(body.GetProperty("properties").GetProperty("x").GetInt32(), Is.EqualTo(1));
        Assert.That(badName.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest));
        Assert.That((await ErrorAsync(badName)).Code, Is.EqualTo("InvalidResourceName"));
        Assert.That((await ErrorAsync(badBody)).Code, Is.EqualTo("InvalidRequestContent"));
    }

    [Test]
    public async Task Throttling_answers_429_with_Retry_After_when_a_bucket_is_empty_and_refills_on_the_clock()
    {
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        using var emulator = AzureEmulator.Create(b => b.UseTimeProvider(clock).EnableArmThrottling(new ThrottlingLimits(3, 1, 2, 0.5, 2, 0.5)));
        using var client = emulator.CreateClient();
        string token = VmToken(emulator);

        var statuses = new List<HttpStatusCode>();
        for (int i = 0; i < 4; i++)
        {
            using var r = await SendAsync(client, HttpMethod.Get, Rg("DevTest"), token);
            statuses.Add(r.StatusCode);
        }
        using var throttled = await SendAsync(client, HttpMethod.Get, Rg("DevTest"), token);
        var (code, message) = await ErrorAsync(throttled);
        using var otherPrincipal = await SendAsync(client, HttpMethod.Get, Rg("DevTest"), emulator.CreateAdministratorToken());
        clock.Advance(TimeSpan.FromSeconds(1));
        using var refilled = await SendAsync(client, HttpMethod.Get, Rg("DevTest"), token);

        Assert.That(statuses, Is.EqualTo(new[] { HttpStatusCode.OK, HttpStatusCode.OK, HttpStatusCode.OK, (HttpStatusCode)429 }));
        Assert.That((int)throttled.StatusCode, Is.EqualTo(429));
        Assert.That(throttled.Headers.RetryAfter?.Delta, Is.EqualTo(TimeSpan.FromSeconds(1)));
        Assert.That(code, Is.EqualTo("SubscriptionRequestsThrottled"));
        // velero-io/velero#9171
        Assert.That(message, Is.EqualTo($"Number of 'read' requests for subscription '{Sub}' actor '{TutorialDefaults.SystemAssignedPrincipalId}' exceeded. Please try again after '1' seconds after additional tokens are available. Refer to https://aka.ms/arm-throttling for additional information."));
        Assert.That(otherPrincipal.StatusCode, Is.EqualTo(HttpStatusCode.OK), "buckets are per principal");
        Assert.That(refilled.StatusCode, Is.EqualTo(HttpStatusCode.OK));
    }

    [Test]
    public async Task Azures_limits_allow_250_reads_in_a_burst_then_throttle_and_writes_have_their_own_bucket()
    {
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        using var emulator = AzureEmulator.Create(b => b.UseTimeProvider(clock).EnableArmThrottling());
        using var client = emulator.CreateClient();
        string admin = emulator.CreateAdministratorToken();

        int ok = 0;
        HttpResponseMessage? last = null;
        for (int i = 0; i < 251; i++)
        {
            last?.Dispose();
            last = await SendAsync(client, HttpMethod.Head, Rg("DevTest"), admin);
            if (last.StatusCode == HttpStatusCode.NoContent) ok++;
        }
        using var write = await SendAsync(client, HttpMethod.Patch, Rg("DevTest"), admin, """{"tags":{}}""");

        Assert.That(ok, Is.EqualTo(250));
        Assert.That((int)last!.StatusCode, Is.EqualTo(429));
        Assert.That(write.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That(write.Headers.GetValues("x-ms-ratelimit-remaining-subscription-writes").Single(), Is.EqualTo("199"));
        last.Dispose();
    }
}
