using System.Net;
using static GeneratedArm.TestServer.Tests.Arm.ArmTestKit;

namespace GeneratedArm.TestServer.Tests.Arm;

/// <summary>Malformed input never produces a 500: a seeded random walk over methods, paths, api-versions, bodies and callers.</summary>
public class ArmRobustnessTests
{
    private static readonly string[] Methods = ["GET", "GET", "GET", "HEAD", "PUT", "PUT", "PATCH", "DELETE", "POST", "OPTIONS"];

    private static readonly string[] Paths =
    [
        "/subscriptions", "/subscriptions/", "/subscriptions/{s}", "/subscriptions/{x}", "/subscriptions/{s}/resourcegroups", "/subscriptions/{s}/resourceGroups/{n}",
        "/subscriptions/{s}/resourcegroups/{n}/", "/subscriptions/{s}/resourcegroups/{n}/resources", "/subscriptions/{s}/resources",
        "/subscriptions/{s}/resourcegroups/{n}/providers", "/subscriptions/{s}/resourcegroups/{n}/providers/{n}",
        "/subscriptions/{s}/resourcegroups/{n}/providers/{n}/{n}", "/subscriptions/{s}/resourcegroups/{n}/providers/{n}/{n}/{n}",
        "/subscriptions/{s}/resourcegroups/{n}/providers/{n}/{n}/{n}/{n}/{n}", "/subscriptions/{s}/operationresults/{n}",
        "/subscriptions/{s}/providers/Microsoft.Authorization/roleAssignments", "/subscriptions/{s}/providers/Microsoft.Authorization/roleAssignments/{n}",
        "/subscriptions/{s}/resourcegroups/{n}/providers/Microsoft.Authorization/roleAssignments/{g}",
        "/subscriptions/{s}/resourcegroups/{n}/providers/{n}/{n}/{n}/providers/Microsoft.Authorization/roleAssignments/{g}",
        "/providers/Microsoft.Authorization/roleDefinitions", "/providers/Microsoft.Authorization/roleDefinitions/{n}",
        "/providers/Microsoft.Authorization/roleAssignments/{g}/extra", "/providers/{n}", "/subscriptions/{s}/providers/{n}/{n}",
        "/metadata/endpoints",
    ];

    private static readonly string[] Names = ["DevTest", "devtest", "DevTest", "x", "x", "a.b", "(p)", "%20", "%2F", "%7F", "é", "..", new('z', 95), "Microsoft.Web", "sites", "ends."];
    private static readonly string[] Versions = ["2022-09-01", "2022-09-01", "2016-06-01", "2022-04-01", "2022-04-01", "2099-01-01", "", "bogus", "2022-09-01&api-version=2021-04-01", "2021-04-01-preview"];
    private static readonly string?[] Bodies =
    [
        null, "", "{}", "[]", "null", "{\"location\":\"westus\"}", "{\"location\":", "{\"properties\":{\"roleDefinitionId\":1}}",
        "{\"properties\":{\"roleDefinitionId\":\"/x/acdd72a7-3385-48ef-bd42-f606fba81ae7\",\"principalId\":\"8f5b3c7a-1d2e-4f60-9a7b-0c1d2e3f4a5b\"}}",
        "{\"tags\":{\"a\":\"b\"}}", "{\"tags\":[1]}", "{\"location\":\"westus\",\"properties\":{\"provisioningState\":5}}", "\u0000\u0001", "{\"a\":\"\\ud800\"}",
    ];
    private static readonly string[] Queries = ["", "&$top=2", "&$top=0", "&$top=abc", "&$skiptoken=9", "&$skiptoken=-1", "&$filter=atScope()", "&$filter=tagName eq 'a'", "&$filter=%27", "&$filter=principalId eq 'x' and atScope()"];

    [Test]
    public async Task A_thousand_random_requests_never_get_a_5xx()
    {
        using var emulator = AzureEmulator.Create(b => b.WithResourceGroupDeletion(polls: 0));
        using var client = emulator.CreateClient();
        string[] tokens = [emulator.CreateAdministratorToken(), emulator.CreateAdministratorToken(), emulator.CreateAdministratorToken(), VmToken(emulator), "garbage"];
        var random = new Random(20261128);
        var failures = new List<string>();
        var statuses = new SortedDictionary<int, int>();

        for (int i = 0; i < 1000; i++)
        {
            string path = Paths[random.Next(Paths.Length)];
            while (path.Contains("{n}", StringComparison.Ordinal)) path = ReplaceFirst(path, "{n}", Names[random.Next(Names.Length)]);
            path = path.Replace("{s}", Sub, StringComparison.Ordinal).Replace("{x}", "not-a-subscription", StringComparison.Ordinal)
                .Replace("{g}", random.Next(3) == 0 ? "not-a-guid" : Guid.NewGuid().ToString(), StringComparison.Ordinal);
            string version = Versions[random.Next(Versions.Length)];
            string url = path + (random.Next(8) == 0 ? "" : "?api-version=" + version) + Queries[random.Next(Queries.Length)];
            string method = Methods[random.Next(Methods.Length)];
            string? body = method is "PUT" or "PATCH" or "POST" ? Bodies[random.Next(Bodies.Length)] : null;
            string? token = random.Next(20) == 0 ? null : tokens[random.Next(tokens.Length)];

            using var response = await SendAsync(client, new HttpMethod(method), url, token, body);
            statuses[(int)response.StatusCode] = statuses.GetValueOrDefault((int)response.StatusCode) + 1;
            if ((int)response.StatusCode >= 500) failures.Add($"{method} {url} {body} -> {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        }

        TestContext.Out.WriteLine(string.Join(", ", statuses.Select(kv => $"{kv.Key}: {kv.Value}")));
        Assert.That(failures, Is.Empty);
        Assert.That(statuses.Where(kv => kv.Key < 300).Sum(kv => kv.Value), Is.GreaterThanOrEqualTo(15), "the walk reaches handlers, not only the gateway's refusals");
    }

    [Test]
    public async Task An_unexpected_failure_is_ARMs_500_InternalServerError_envelope_with_the_tracking_ids()
    {
        // A state no real flow produces (a role whose actions list is null) makes RBAC throw: the last-resort path.
        using var emulator = AzureEmulator.Create(b => b.ConfigureState(st => st with
        {
            RoleDefinitions = [.. st.RoleDefinitions.Select(r => r.Id == Rbac.BuiltInRoles.ReaderId ? r with { Actions = null! } : r)],
        }));
        using var client = emulator.CreateClient();

        using var response = await SendAsync(client, HttpMethod.Get, Rg("DevTest"), VmToken(emulator));
        var (code, message) = await ErrorAsync(response);

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.InternalServerError));
        Assert.That(code, Is.EqualTo("InternalServerError"));
        Assert.That(message, Does.Contain("tracking id '" + response.Headers.GetValues("x-ms-request-id").Single() + "'"));
    }

    private static string ReplaceFirst(string text, string what, string with)
    {
        int i = text.IndexOf(what, StringComparison.Ordinal);
        return text[..i] + with + text[(i + what.Length)..];
    }
}
