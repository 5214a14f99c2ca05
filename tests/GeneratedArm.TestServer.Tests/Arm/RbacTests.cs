using System.Net;
using GeneratedArm.TestServer.Rbac;
using GeneratedArm.TestServer.State;
using static GeneratedArm.TestServer.Tests.Arm.ArmTestKit;

namespace GeneratedArm.TestServer.Tests.Arm;

/// <summary>RBAC that really denies (facts §3.1 403, §4): built-in roles, scope inheritance, role assignments and definitions through ARM.</summary>
public class RbacTests
{
    private const string PrincipalId = "7e57ca11-0000-4000-8000-000000000001";
    private const string ClientId = "7e57ca11-0000-4000-8000-000000000002";
    private const string Mine = "Mine";
    private const string Other = "Other";

    public enum Scope { OwnGroup, OtherGroup, Subscription }
    public enum Operation { Read, Write, Delete }

    private static readonly (string Role, string Id)[] Roles =
    [
        ("Reader", BuiltInRoles.ReaderId), ("Contributor", BuiltInRoles.ContributorId), ("Owner", BuiltInRoles.OwnerId),
        ("UserAccessAdministrator", BuiltInRoles.UserAccessAdministratorId),
    ];

    public static IEnumerable<TestCaseData> Matrix()
    {
        foreach (bool atSubscription in new[] { false, true })
        {
            foreach (var (role, id) in Roles)
            {
                foreach (var scope in Enum.GetValues<Scope>())
                {
                    foreach (var operation in Enum.GetValues<Operation>())
                    {
                        bool allowed = atSubscription ? AllowedWhenHeldAtSubscription(role, scope, operation) : AllowedWhenHeldOnOwnGroup(role, scope, operation);
                        yield return new TestCaseData(id, atSubscription, scope, operation, allowed)
                            .SetName($"{role}_on_{(atSubscription ? "subscription" : "own_group")}_{operation}_at_{scope}_is_{(allowed ? "allowed" : "denied")}");
                    }
                }
            }
        }
    }

    // Held on the own group: it covers that group, never another group or the subscription above it. Reader and User Access
    // Administrator (*/read, Microsoft.Authorization/*) may only read the group itself.
    private static bool AllowedWhenHeldOnOwnGroup(string role, Scope scope, Operation operation) =>
        scope == Scope.OwnGroup && (operation == Operation.Read || role is "Contributor" or "Owner");

    // Held on the subscription: inherited by every group. At subscription scope the operations are role-assignment reads/writes/deletes,
    // which Contributor's notActions (Microsoft.Authorization/*/Write, */Delete) exclude and User Access Administrator's actions include.
    private static bool AllowedWhenHeldAtSubscription(string role, Scope scope, Operation operation) => (role, scope, operation) switch
    {
        (_, _, Operation.Read) => true,
        ("Owner", _, _) => true,
        ("Contributor", Scope.Subscription, _) => false,
        ("Contributor", _, _) => true,
        ("UserAccessAdministrator", Scope.Subscription, _) => true,
        _ => false,
    };

    /// <summary>
    /// Each built-in role, held on the own group or on the subscription × read/write/delete × own group, other group, subscription.
    /// At group scope the operations are the group's GET, PATCH and DELETE; at subscription scope, listing, creating and deleting role
    /// assignments there. Allowed requests succeed; denied ones get ARM's exact 403.
    /// </summary>
    [TestCaseSource(nameof(Matrix))]
    public async Task Rbac_matrix(string roleId, bool heldAtSubscription, Scope scope, Operation operation, bool allowed)
    {
        using var emulator = AzureEmulator.Create(b => b
            .AddResourceGroup(Mine).AddResourceGroup(Other)
            .AddRoleAssignment(PrincipalId, roleId, heldAtSubscription ? SubscriptionScope : $"/subscriptions/{Sub}/resourceGroups/{Mine}"));
        using var client = emulator.CreateClient();
        string token = emulator.CreateAccessToken(Principal(PrincipalId, ClientId));
        string adminAssignment = emulator.State.RoleAssignments.Single(a => a.PrincipalId == GeneratedArm.TestServer.Arm.ArmAdministrator.PrincipalId).Name;

        (HttpMethod Method, string Path, string? Body, string Action, string ShownScope) request = (scope, operation) switch
        {
            (Scope.Subscription, Operation.Read) => (HttpMethod.Get, $"/subscriptions/{Sub}/providers/Microsoft.Authorization/roleAssignments?api-version=2022-04-01", null,
                "Microsoft.Authorization/roleAssignments/read", SubscriptionScope),
            (Scope.Subscription, Operation.Write) => (HttpMethod.Put, $"/subscriptions/{Sub}/providers/Microsoft.Authorization/roleAssignments/{Guid.NewGuid()}?api-version=2022-04-01",
                $$$"""{"properties":{"roleDefinitionId":"/subscriptions/{{{Sub}}}/providers/Microsoft.Authorization/roleDefinitions/{{{BuiltInRoles.ReaderId}}}","principalId":"{{{Guid.NewGuid()}}}"}}""",
                "Microsoft.Authorization/roleAssignments/write", SubscriptionScope),
            (Scope.Subscription, _) => (HttpMethod.Delete, $"/subscriptions/{Sub}/providers/Microsoft.Authorization/roleAssignments/{adminAssignment}?api-version=2022-04-01", null,
                "Microsoft.Authorization/roleAssignments/delete", SubscriptionScope),
            (_, var op) => Group(scope == Scope.OwnGroup ? Mine : Other, op),
        };

        using var response = await SendAsync(client, request.Method, request.Path, token, request.Body);

        if (allowed)
        {
            Assert.That((int)response.StatusCode, Is.InRange(200, 299), await response.Content.ReadAsStringAsync());
            return;
        }
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Forbidden));
        Assert.That(response.Headers.GetValues("x-ms-failure-cause").Single(), Is.EqualTo("gateway"));
        Assert.That(await ErrorAsync(response), Is.EqualTo(("AuthorizationFailed",
            $"The client '{ClientId}' with object id '{PrincipalId}' does not have authorization to perform action '{request.Action}' over scope '{request.ShownScope}' or the scope is invalid. If access was recently granted, please refresh your credentials.")));

        static (HttpMethod, string, string?, string, string) Group(string name, Operation op) => op switch
        {
            Operation.Read => (HttpMethod.Get, Rg(name), null, "Microsoft.Resources/subscriptions/resourcegroups/read", $"/subscriptions/{Sub}/resourcegroups/{name}"),
            Operation.Write => (HttpMethod.Patch, Rg(name), """{"tags":{"x":"y"}}""", "Microsoft.Resources/subscriptions/resourcegroups/write", $"/subscriptions/{Sub}/resourcegroups/{name}"),
            _ => (HttpMethod.Delete, Rg(name), null, "Microsoft.Resources/subscriptions/resourcegroups/delete", $"/subscriptions/{Sub}/resourcegroups/{name}"),
        };
    }

    [Test]
    public async Task In_the_default_state_the_VM_identity_reads_DevTest_but_cannot_write_delete_or_read_another_group()
    {
        using var emulator = AzureEmulator.Create(b => b.AddResourceGroup(Other));
        using var client = emulator.CreateClient();
        string token = VmToken(emulator);

        using var read = await SendAsync(client, HttpMethod.Get, Rg("DevTest"), token);
        using var put = await SendAsync(client, HttpMethod.Put, Rg("DevTest"), token, """{"location":"westus"}""");
        using var delete = await SendAsync(client, HttpMethod.Delete, Rg("DevTest"), token);
        using var other = await SendAsync(client, HttpMethod.Get, Rg(Other), token);

        Assert.That(read.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That((put.StatusCode, delete.StatusCode, other.StatusCode), Is.EqualTo((HttpStatusCode.Forbidden, HttpStatusCode.Forbidden, HttpStatusCode.Forbidden)));
        Assert.That((await ErrorAsync(put)).Message, Does.Contain("'Microsoft.Resources/subscriptions/resourcegroups/write' over scope '/subscriptions/" + Sub + "/resourcegroups/DevTest'"));
        Assert.That(emulator.State.FindResourceGroup(Sub, "DevTest")!.ProvisioningState, Is.EqualTo("Succeeded"));
    }

    [Test]
    public async Task Assignments_at_the_subscription_are_inherited_by_groups_and_resources()
    {
        using var emulator = AzureEmulator.Create(b => b.AddResourceGroup(Other).AddRoleAssignment(PrincipalId, BuiltInRoles.ReaderId, SubscriptionScope));
        using var client = emulator.CreateClient();
        string admin = emulator.CreateAdministratorToken();
        string resource = $"/subscriptions/{Sub}/resourceGroups/{Other}/providers/Microsoft.Web/sites/site1?api-version=2023-01-01";
        using var _ = await SendAsync(client, HttpMethod.Put, resource, admin, """{"location":"westus"}""");
        string token = emulator.CreateAccessToken(Principal(PrincipalId, ClientId));

        using var group = await SendAsync(client, HttpMethod.Get, Rg(Other), token);
        using var readResource = await SendAsync(client, HttpMethod.Get, resource, token);
        using var writeResource = await SendAsync(client, HttpMethod.Put, resource, token, """{"location":"westus"}""");

        Assert.That(group.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That(readResource.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That(writeResource.StatusCode, Is.EqualTo(HttpStatusCode.Forbidden));
        Assert.That((await ErrorAsync(writeResource)).Message, Does.Contain($"action 'Microsoft.Web/sites/write' over scope '/subscriptions/{Sub}/resourcegroups/{Other}/providers/Microsoft.Web/sites/site1'"));
    }

    [Test]
    public async Task An_assignment_at_resource_scope_grants_that_resource_only()
    {
        using var emulator = AzureEmulator.Create();
        using var client = emulator.CreateClient();
        string admin = emulator.CreateAdministratorToken();
        string site = $"/subscriptions/{Sub}/resourceGroups/DevTest/providers/Microsoft.Web/sites/one";
        string other = $"/subscriptions/{Sub}/resourceGroups/DevTest/providers/Microsoft.Web/sites/two";
        foreach (var id in new[] { site, other })
        {
            using var r = await SendAsync(client, HttpMethod.Put, id + "?api-version=2023-01-01", admin, """{"location":"westus"}""");
        }
        using var grant = await SendAsync(client, HttpMethod.Put, $"{site}/providers/Microsoft.Authorization/roleAssignments/{Guid.NewGuid()}?api-version=2022-04-01", admin,
            $$$"""{"properties":{"roleDefinitionId":"/providers/Microsoft.Authorization/roleDefinitions/{{{BuiltInRoles.ContributorId}}}","principalId":"{{{PrincipalId}}}"}}""");
        string token = emulator.CreateAccessToken(Principal(PrincipalId, ClientId));

        using var writeOne = await SendAsync(client, HttpMethod.Patch, site + "?api-version=2023-01-01", token, """{"tags":{"a":"b"}}""");
        using var writeTwo = await SendAsync(client, HttpMethod.Patch, other + "?api-version=2023-01-01", token, """{"tags":{"a":"b"}}""");
        using var readGroup = await SendAsync(client, HttpMethod.Get, Rg("DevTest"), token);
        using var listAtSite = await SendAsync(client, HttpMethod.Get, $"{site}/providers/Microsoft.Authorization/roleAssignments?api-version=2022-04-01&$filter=atScope()", admin);

        Assert.That(grant.StatusCode, Is.EqualTo(HttpStatusCode.Created), await grant.Content.ReadAsStringAsync());
        Assert.That(writeOne.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That(writeTwo.StatusCode, Is.EqualTo(HttpStatusCode.Forbidden));
        Assert.That(readGroup.StatusCode, Is.EqualTo(HttpStatusCode.Forbidden), "a resource-scope assignment does not reach up to the group");
        Assert.That((await JsonAsync(listAtSite)).GetProperty("value").EnumerateArray().Select(a => a.GetProperty("properties").GetProperty("scope").GetString()),
            Does.Contain(site).And.Contain(SubscriptionScope).And.Contain(TutorialDefaults.ResourceGroupId));
    }

    [Test]
    public async Task Resource_actions_need_their_action_permission_so_a_Reader_cannot_list_keys()
    {
        using var emulator = AzureEmulator.Create(b => b.AddRoleAssignment(PrincipalId, BuiltInRoles.ReaderId, SubscriptionScope));
        using var client = emulator.CreateClient();
        string admin = emulator.CreateAdministratorToken();
        string account = $"/subscriptions/{Sub}/resourceGroups/DevTest/providers/Microsoft.Storage/storageAccounts/store1";
        using var put = await SendAsync(client, HttpMethod.Put, account + "?api-version=2023-05-01", admin, """{"location":"westus"}""");
        string reader = emulator.CreateAccessToken(Principal(PrincipalId, ClientId));

        using var byReader = await SendAsync(client, HttpMethod.Post, account + "/listKeys?api-version=2023-05-01", reader);
        using var byOwner = await SendAsync(client, HttpMethod.Post, account + "/listKeys?api-version=2023-05-01", admin);
        using var missing = await SendAsync(client, HttpMethod.Post, account.Replace("store1", "nope", StringComparison.Ordinal) + "/listKeys?api-version=2023-05-01", admin);

        Assert.That(byReader.StatusCode, Is.EqualTo(HttpStatusCode.Forbidden));
        Assert.That((await ErrorAsync(byReader)).Message, Does.Contain($"action 'Microsoft.Storage/storageAccounts/listKeys/action' over scope '/subscriptions/{Sub}/resourcegroups/DevTest/providers/Microsoft.Storage/storageAccounts/store1'"));
        Assert.That(byOwner.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That(missing.StatusCode, Is.EqualTo(HttpStatusCode.NotFound));
    }

    [Test]
    public async Task Contributor_cannot_assign_roles_but_Owner_can()
    {
        using var emulator = AzureEmulator.Create(b => b.AddRoleAssignment(PrincipalId, BuiltInRoles.ContributorId, SubscriptionScope));
        using var client = emulator.CreateClient();
        string contributor = emulator.CreateAccessToken(Principal(PrincipalId, ClientId));
        string body = $$$"""{"properties":{"roleDefinitionId":"/subscriptions/{{{Sub}}}/providers/Microsoft.Authorization/roleDefinitions/{{{BuiltInRoles.ReaderId}}}","principalId":"{{{TutorialDefaults.SystemAssignedPrincipalId}}}","principalType":"ServicePrincipal"}}""";
        string path = $"/subscriptions/{Sub}/resourceGroups/DevTest/providers/Microsoft.Authorization/roleAssignments/{Guid.NewGuid()}?api-version=2022-04-01";

        using var denied = await SendAsync(client, HttpMethod.Put, path, contributor, body);
        using var created = await SendAsync(client, HttpMethod.Put, path.Replace("DevTest", "devtest", StringComparison.Ordinal), emulator.CreateAdministratorToken(),
            body.Replace(BuiltInRoles.ReaderId, BuiltInRoles.ContributorId, StringComparison.Ordinal));

        Assert.That(denied.StatusCode, Is.EqualTo(HttpStatusCode.Forbidden));
        Assert.That((await ErrorAsync(denied)).Message, Does.Contain("'Microsoft.Authorization/roleAssignments/write'"));
        Assert.That(created.StatusCode, Is.EqualTo(HttpStatusCode.Created), await created.Content.ReadAsStringAsync());
    }

    [Test]
    public async Task A_role_assignment_created_through_ARM_takes_effect_and_its_deletion_revokes_it()
    {
        using var emulator = AzureEmulator.Create();
        using var client = emulator.CreateClient();
        string admin = emulator.CreateAdministratorToken();
        string vm = VmToken(emulator);
        string name = Guid.NewGuid().ToString();
        string path = $"/subscriptions/{Sub}/resourceGroups/DevTest/providers/Microsoft.Authorization/roleAssignments/{name}?api-version=2022-04-01";

        using var before = await SendAsync(client, HttpMethod.Patch, Rg("DevTest"), vm, """{"tags":{"a":"b"}}""");
        using var put = await SendAsync(client, HttpMethod.Put, path, admin,
            $$$"""{"properties":{"roleDefinitionId":"/subscriptions/{{{Sub}}}/providers/Microsoft.Authorization/roleDefinitions/{{{BuiltInRoles.ContributorId}}}","principalId":"{{{TutorialDefaults.SystemAssignedPrincipalId}}}","principalType":"ServicePrincipal","description":"grant"}}""");
        using var during = await SendAsync(client, HttpMethod.Patch, Rg("DevTest"), vm, """{"tags":{"a":"b"}}""");
        using var get = await SendAsync(client, HttpMethod.Get, path, admin);
        using var delete = await SendAsync(client, HttpMethod.Delete, path, admin);
        using var deleteAgain = await SendAsync(client, HttpMethod.Delete, path, admin);
        using var after = await SendAsync(client, HttpMethod.Patch, Rg("DevTest"), vm, """{"tags":{"a":"c"}}""");
        var body = await JsonAsync(get);

        Assert.Multiple(() =>
        {
            Assert.That(before.StatusCode, Is.EqualTo(HttpStatusCode.Forbidden));
            Assert.That(put.StatusCode, Is.EqualTo(HttpStatusCode.Created));
            Assert.That(during.StatusCode, Is.EqualTo(HttpStatusCode.OK));
            Assert.That(body.GetProperty("id").GetString(), Is.EqualTo($"/subscriptions/{Sub}/resourceGroups/DevTest/providers/Microsoft.Authorization/roleAssignments/{name}"));
            Assert.That(body.GetProperty("type").GetString(), Is.EqualTo("Microsoft.Authorization/roleAssignments"));
            Assert.That(body.GetProperty("properties").GetProperty("scope").GetString(), Is.EqualTo($"/subscriptions/{Sub}/resourceGroups/DevTest"));
            Assert.That(body.GetProperty("properties").GetProperty("roleDefinitionId").GetString(), Is.EqualTo($"/subscriptions/{Sub}/providers/Microsoft.Authorization/roleDefinitions/{BuiltInRoles.ContributorId}"));
            Assert.That(body.GetProperty("properties").GetProperty("principalType").GetString(), Is.EqualTo("ServicePrincipal"));
            Assert.That(body.GetProperty("properties").GetProperty("description").GetString(), Is.EqualTo("grant"));
            Assert.That(delete.StatusCode, Is.EqualTo(HttpStatusCode.OK));
            Assert.That(deleteAgain.StatusCode, Is.EqualTo(HttpStatusCode.NoContent));
            Assert.That(after.StatusCode, Is.EqualTo(HttpStatusCode.Forbidden));
        });
    }

    [Test]
    public async Task Role_assignment_lists_honour_atScope_and_principalId_filters()
    {
        using var emulator = AzureEmulator.Create(b => b
            .AddRoleAssignment(PrincipalId, BuiltInRoles.ReaderId, SubscriptionScope, "aaaaaaaa-0000-4000-8000-000000000001")
            .AddRoleAssignment(PrincipalId, BuiltInRoles.ReaderId, $"/subscriptions/{Sub}/resourceGroups/DevTest/providers/Microsoft.Web/sites/s1", "aaaaaaaa-0000-4000-8000-000000000002"));
        using var client = emulator.CreateClient();
        string admin = emulator.CreateAdministratorToken();
        string rgList = $"/subscriptions/{Sub}/resourceGroups/DevTest/providers/Microsoft.Authorization/roleAssignments?api-version=2022-04-01";

        async Task<string[]> NamesAsync(string url)
        {
            using var response = await SendAsync(client, HttpMethod.Get, url, admin);
            Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK), await response.Content.ReadAsStringAsync());
            return (await JsonAsync(response)).GetProperty("value").EnumerateArray().Select(a => a.GetProperty("name").GetString()!).Order().ToArray();
        }

        string admins = emulator.State.RoleAssignments.Single(a => a.PrincipalId == GeneratedArm.TestServer.Arm.ArmAdministrator.PrincipalId).Name;
        var all = await NamesAsync(rgList);
        var atScope = await NamesAsync(rgList + "&$filter=atScope()");
        var principal = await NamesAsync(rgList + $"&$filter={Uri.EscapeDataString($"principalId eq '{PrincipalId}'")}");
        var both = await NamesAsync(rgList + $"&$filter={Uri.EscapeDataString($"atScope() and assignedTo('{PrincipalId}')")}");
        using var bad = await SendAsync(client, HttpMethod.Get, rgList + "&$filter=roleName eq 'x'", admin);

        Assert.That(all, Is.EquivalentTo(new[] { TutorialDefaults.ReaderAssignmentName, admins, "aaaaaaaa-0000-4000-8000-000000000001", "aaaaaaaa-0000-4000-8000-000000000002" }));
        Assert.That(atScope, Is.EquivalentTo(new[] { TutorialDefaults.ReaderAssignmentName, admins, "aaaaaaaa-0000-4000-8000-000000000001" }));
        Assert.That(principal, Is.EquivalentTo(new[] { "aaaaaaaa-0000-4000-8000-000000000001", "aaaaaaaa-0000-4000-8000-000000000002" }));
        Assert.That(both, Is.EquivalentTo(new[] { "aaaaaaaa-0000-4000-8000-000000000001" }));
        Assert.That(bad.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest));
    }

    [TestCase("not-a-guid", """{"properties":{"roleDefinitionId":"/providers/Microsoft.Authorization/roleDefinitions/acdd72a7-3385-48ef-bd42-f606fba81ae7","principalId":"7e57ca11-0000-4000-8000-000000000001"}}""", 400, "InvalidRoleAssignmentId")]
    [TestCase("{0}", """{"properties":{"roleDefinitionId":"/providers/Microsoft.Authorization/roleDefinitions/00000000-0000-0000-0000-000000000000","principalId":"7e57ca11-0000-4000-8000-000000000001"}}""", 400, "RoleDefinitionDoesNotExist")]
    [TestCase("{0}", """{"properties":{"roleDefinitionId":"/providers/Microsoft.Authorization/roleDefinitions/acdd72a7-3385-48ef-bd42-f606fba81ae7"}}""", 400, "InvalidPrincipalId")]
    [TestCase("{0}", """{"properties":{}}""", 400, "InvalidRequestContent")]
    [TestCase("{0}", """{"roleDefinitionId":"x"}""", 400, "InvalidRequestContent")]
    [TestCase("{0}", """{"properties":{"roleDefinitionId":"/providers/Microsoft.Authorization/roleDefinitions/acdd72a7-3385-48ef-bd42-f606fba81ae7","principalId":"8f5b3c7a-1d2e-4f60-9a7b-0c1d2e3f4a5b"}}""", 409, "RoleAssignmentExists")]
    public async Task Invalid_role_assignments_get_ARMs_errors(string name, string body, int status, string code)
    {
        using var emulator = AzureEmulator.Create();
        using var client = emulator.CreateClient();
        string path = $"/subscriptions/{Sub}/resourceGroups/DevTest/providers/Microsoft.Authorization/roleAssignments/{string.Format(System.Globalization.CultureInfo.InvariantCulture, name, Guid.NewGuid())}?api-version=2022-04-01";

        using var response = await SendAsync(client, HttpMethod.Put, path, emulator.CreateAdministratorToken(), body);

        Assert.That((int)response.StatusCode, Is.EqualTo(status));
        Assert.That((await ErrorAsync(response)).Code, Is.EqualTo(code));
    }

    [Test]
    public async Task Built_in_role_definitions_are_listable_with_their_real_ids_and_actions()
    {
        using var emulator = AzureEmulator.Create();
        using var client = emulator.CreateClient();
        string vm = VmToken(emulator);

        using var tenantList = await SendAsync(client, HttpMethod.Get, "/providers/Microsoft.Authorization/roleDefinitions?api-version=2022-04-01", vm);
        using var byName = await SendAsync(client, HttpMethod.Get, $"/subscriptions/{Sub}/resourceGroups/DevTest/providers/Microsoft.Authorization/roleDefinitions?api-version=2022-04-01&$filter={Uri.EscapeDataString("roleName eq 'Contributor'")}", vm);
        using var one = await SendAsync(client, HttpMethod.Get, $"/subscriptions/{Sub}/providers/Microsoft.Authorization/roleDefinitions/{BuiltInRoles.ReaderId}?api-version=2022-04-01", emulator.CreateAdministratorToken());
        var roles = (await JsonAsync(tenantList)).GetProperty("value").EnumerateArray().ToDictionary(r => r.GetProperty("properties").GetProperty("roleName").GetString()!);
        var contributor = (await JsonAsync(byName)).GetProperty("value").EnumerateArray().Single();
        var reader = await JsonAsync(one);

        Assert.That(roles["Reader"].GetProperty("name").GetString(), Is.EqualTo("acdd72a7-3385-48ef-bd42-f606fba81ae7"));
        Assert.That(roles["Owner"].GetProperty("id").GetString(), Is.EqualTo("/providers/Microsoft.Authorization/roleDefinitions/8e3af657-a8ff-443c-a75c-2fe8c4bcb635"));
        Assert.That(contributor.GetProperty("name").GetString(), Is.EqualTo("b24988ac-6180-42a0-ab88-20f7382dd24c"));
        Assert.That(contributor.GetProperty("properties").GetProperty("permissions")[0].GetProperty("notActions").EnumerateArray().Select(a => a.GetString()),
            Does.Contain("Microsoft.Authorization/*/Write").And.Contain("Microsoft.Authorization/*/Delete").And.Contain("Microsoft.Authorization/elevateAccess/Action"));
        Assert.That(reader.GetProperty("id").GetString(), Is.EqualTo($"/subscriptions/{Sub}/providers/Microsoft.Authorization/roleDefinitions/{BuiltInRoles.ReaderId}"));
        Assert.That(reader.GetProperty("properties").GetProperty("permissions")[0].GetProperty("actions").EnumerateArray().Select(a => a.GetString()), Is.EqualTo(new[] { "*/read" }));
        Assert.That(reader.GetProperty("properties").GetProperty("type").GetString(), Is.EqualTo("BuiltInRole"));
    }

    [Test]
    public async Task With_enforcement_off_any_authenticated_caller_may_do_everything_but_tokens_are_still_checked()
    {
        using var emulator = AzureEmulator.Create(b => b.EnforceRbac(false));
        using var client = emulator.CreateClient();
        string stranger = emulator.CreateAccessToken(Principal(PrincipalId, ClientId));

        using var put = await SendAsync(client, HttpMethod.Put, Rg("Anything"), stranger, """{"location":"westus"}""");
        using var noToken = await SendAsync(client, HttpMethod.Get, Rg("Anything"), null);

        Assert.That(put.StatusCode, Is.EqualTo(HttpStatusCode.Created));
        Assert.That(noToken.StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized));
    }

    [TestCase("2015-07-01", HttpStatusCode.OK)]
    [TestCase("2018-09-01-preview", HttpStatusCode.OK)]
    [TestCase("2022-04-01", HttpStatusCode.OK)]
    [TestCase("2021-04-01", HttpStatusCode.BadRequest)]
    public async Task Role_assignments_accept_their_own_api_versions(string version, HttpStatusCode expected)
    {
        using var emulator = AzureEmulator.Create();
        using var client = emulator.CreateClient();

        using var response = await SendAsync(client, HttpMethod.Get,
            $"/subscriptions/{Sub}/resourcegroups/DevTest/providers/Microsoft.Authorization/roleAssignments/{TutorialDefaults.ReaderAssignmentName}?api-version={version}", VmToken(emulator));

        Assert.That(response.StatusCode, Is.EqualTo(expected));
        if (expected == HttpStatusCode.BadRequest)
            Assert.That((await ErrorAsync(response)).Message, Does.Contain("The supported versions are '2022-04-01, "));
    }

    [TestCase("*", "Microsoft.Resources/subscriptions/resourceGroups/read", true)]
    [TestCase("*/read", "Microsoft.Compute/virtualMachines/read", true)]
    [TestCase("*/read", "Microsoft.Compute/virtualMachines/write", false)]
    [TestCase("Microsoft.Authorization/*/Write", "Microsoft.Authorization/roleAssignments/write", true)]
    [TestCase("Microsoft.Authorization/*/Delete", "microsoft.authorization/roleassignments/DELETE", true)]
    [TestCase("Microsoft.Compute/*", "Microsoft.ComputeX/disks/read", false)]
    [TestCase("Microsoft.Storage/storageAccounts/listKeys/action", "Microsoft.Storage/storageAccounts/listKeys/action", true)]
    [TestCase("Microsoft.*/*/read", "Microsoft.Web/sites/slots/read", true)]
    [TestCase("Microsoft.*/*/read", "Microsoft.Web/sites/write", false)]
    [TestCase("*/read", "read", false)]
    [TestCase("Microsoft.Support/*", "Microsoft.Support/", true)]
    public void Action_patterns_match_with_wildcards_case_insensitively(string pattern, string action, bool matches) =>
        Assert.That(RbacEvaluator.ActionMatches(pattern, action), Is.EqualTo(matches));
}
