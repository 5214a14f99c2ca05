using System.Diagnostics;
using System.Text.Json;

namespace GeneratedArm.TestServer.Tests.Arm.Providers;

/// <summary>
/// A real third-party client against the standalone emulator started with <c>--spec</c>: the JavaScript SDK <c>@azure/arm-msi</c>
/// 2.2.0 (api-version 2024-11-30), installed from npm into the test's temp folder and run with node, trusting the emulator's
/// certificate through <c>NODE_EXTRA_CA_CERTS</c>. Skipped with the reason when node/npm or ../shared/specs are absent.
/// </summary>
[NonParallelizable]
public class JavaScriptSdkTests
{
    // The SDK's own calls: create/update/get/delete identities, federated credentials, and the list pagers.
    private const string Script = """
        import { ManagedServiceIdentityClient } from "@azure/arm-msi";
        const [arm, token, subscription] = process.argv.slice(2);
        const credential = { getToken: async () => ({ token, expiresOnTimestamp: Date.now() + 3600 * 1000 }) };
        const client = new ManagedServiceIdentityClient(credential, subscription, { endpoint: arm });
        const rg = "DevTest", name = "js-identity";
        const created = await client.userAssignedIdentities.createOrUpdate(rg, name, { location: "West US", tags: { from: "js" } });
        const again = await client.userAssignedIdentities.get(rg, name);
        const updated = await client.userAssignedIdentities.update(rg, name, { tags: { from: "js", step: "2" } });
        const fic = await client.federatedIdentityCredentials.createOrUpdate(rg, name, "github",
          { issuer: "https://token.actions.githubusercontent.com", subject: "repo:contoso/app:ref:refs/heads/main", audiences: ["api://AzureADTokenExchange"] });
        const listed = [];
        for await (const i of client.userAssignedIdentities.listByResourceGroup(rg)) listed.push(i.name);
        const bySubscription = [];
        for await (const i of client.userAssignedIdentities.listBySubscription()) bySubscription.push(i.name);
        const credentials = [];
        for await (const f of client.federatedIdentityCredentials.list(rg, name)) credentials.push(f.name);
        let invalid = null;
        try { await client.federatedIdentityCredentials.createOrUpdate(rg, name, "bad", { subject: "s", audiences: ["a"] }); }
        catch (e) { invalid = { status: e.statusCode, code: e.code, target: e.details?.error?.target ?? null }; }
        await client.federatedIdentityCredentials.delete(rg, name, "github");
        await client.userAssignedIdentities.delete(rg, name);
        let gone = null;
        try { await client.userAssignedIdentities.get(rg, name); } catch (e) { gone = e.statusCode; }
        console.log(JSON.stringify({ id: created.id, location: created.location, principalId: created.principalId, clientId: created.clientId,
          tenantId: created.tenantId, samePrincipal: again.principalId === created.principalId, createdAt: created.systemData?.createdAt ?? null,
          tags: updated.tags, issuer: fic.issuer, listed, bySubscription, credentials, invalid, gone }));
        """;

    [Test]
    [CancelAfter(600_000)]
    public async Task Azure_arm_msi_2_2_0_manages_identities_and_federated_credentials_against_the_standalone_emulator_started_with_spec(CancellationToken cancellationToken)
    {
        string spec = ManagedIdentitySpecTests.Spec("2024-11-30");
        NodeClient.RequireNodeAndNpm();
        string? folder = null;
        Process? emulator = null;
        try
        {
            folder = await NodeClient.CreateProjectAsync("garm-arm-msi", Script, ["@azure/arm-msi@2.2.0"], cancellationToken);
            string certificate = Path.Combine(folder, "arm.pem");
            (emulator, string ready) = await NodeClient.StartEmulatorAsync(cancellationToken, "--spec", spec, "--cert-out", certificate);
            string arm = NodeClient.Field(ready, "arm="), imds = NodeClient.Field(ready, "imds=");
            using var http = new HttpClient();
            using var tokenResponse = await http.PostAsync(imds + "/_emulator/arm/administrator-token", null, cancellationToken);
            string token = JsonDocument.Parse(await tokenResponse.Content.ReadAsStringAsync(cancellationToken)).RootElement.GetProperty("access_token").GetString()!;

            var (exit, output, errors) = await NodeClient.RunAsync("node", folder, new Dictionary<string, string?> { ["NODE_EXTRA_CA_CERTS"] = certificate }, cancellationToken,
                "run.mjs", arm, token, TutorialDefaults.SubscriptionId);

            Assert.That(exit, Is.Zero, output + errors);
            var result = JsonDocument.Parse(output.Trim().Split('\n')[^1]).RootElement;
            Assert.That(result.GetProperty("id").GetString(), Is.EqualTo($"/subscriptions/{TutorialDefaults.SubscriptionId}/resourceGroups/DevTest/providers/Microsoft.ManagedIdentity/userAssignedIdentities/js-identity"));
            Assert.That(result.GetProperty("location").GetString(), Is.EqualTo("westus"));
            Assert.That(Guid.TryParse(result.GetProperty("principalId").GetString(), out _) && Guid.TryParse(result.GetProperty("clientId").GetString(), out _), Is.True);
            Assert.That(result.GetProperty("tenantId").GetString(), Is.EqualTo(TutorialDefaults.TenantId));
            Assert.That(result.GetProperty("samePrincipal").GetBoolean(), Is.True);
            Assert.That(result.GetProperty("createdAt").ValueKind, Is.EqualTo(JsonValueKind.String), "systemData.createdAt is read back as a date");
            Assert.That(result.GetProperty("tags").GetProperty("step").GetString(), Is.EqualTo("2"));
            Assert.That(result.GetProperty("issuer").GetString(), Is.EqualTo("https://token.actions.githubusercontent.com"));
            Assert.That(result.GetProperty("listed").EnumerateArray().Select(e => e.GetString()), Is.EqualTo(new[] { "js-identity" }));
            Assert.That(result.GetProperty("bySubscription").EnumerateArray().Select(e => e.GetString()), Does.Contain("js-identity"));
            Assert.That(result.GetProperty("credentials").EnumerateArray().Select(e => e.GetString()), Is.EqualTo(new[] { "github" }));
            var invalid = result.GetProperty("invalid");
            Assert.That(invalid.GetProperty("status").GetInt32(), Is.EqualTo(400));
            Assert.That(invalid.GetProperty("code").GetString(), Is.EqualTo("InvalidRequestContent"));
            Assert.That(invalid.GetProperty("target").GetString(), Is.EqualTo("properties.issuer"));
            Assert.That(result.GetProperty("gone").GetInt32(), Is.EqualTo(404));
        }
        finally
        {
            NodeClient.Stop(emulator);
            NodeClient.DeleteProject(folder);
        }
    }
}
