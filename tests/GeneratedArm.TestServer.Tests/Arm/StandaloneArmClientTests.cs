using System.Net.Security;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json;
using Azure;
using Azure.Core;
using Azure.Core.Pipeline;
using Azure.Identity;
using Azure.ResourceManager;
using Azure.ResourceManager.Resources;
using GeneratedArm.TestServer.Hosting;
using static GeneratedArm.TestServer.Tests.Arm.ArmTestKit;

namespace GeneratedArm.TestServer.Tests.Arm;

/// <summary>
/// Azure.ResourceManager's ArmClient against the standalone emulator (Kestrel, loopback, port 0) over HTTPS, trusting only the
/// emulator's exported certificate (Azure.Core's bearer policy refuses plain HTTP — facts §5.1). In this process: the managed-identity
/// token comes from the standalone IMDS through a handler that sends <c>169.254.169.254</c> to it (no environment variables needed).
/// </summary>
public class StandaloneArmClientTests
{
    /// <summary>Sends requests for the IMDS address to the standalone emulator's IMDS listener.</summary>
    private sealed class ImdsRedirect(Uri imds) : DelegatingHandler(new HttpClientHandler())
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            if (request.RequestUri!.Host == "169.254.169.254")
                request.RequestUri = new UriBuilder(request.RequestUri) { Scheme = imds.Scheme, Host = imds.Host, Port = imds.Port }.Uri;
            return base.SendAsync(request, cancellationToken);
        }
    }

    private static HttpClientHandler Trusting(string pemPath)
    {
        var trusted = X509Certificate2.CreateFromPem(File.ReadAllText(pemPath));
        return new HttpClientHandler
        {
            // Trust exactly the exported certificate (what a client given --cert-out's file does), nothing self-signed besides.
            ServerCertificateCustomValidationCallback = (_, cert, _, errors) =>
                errors == SslPolicyErrors.None || (cert is not null && cert.RawData.AsSpan().SequenceEqual(trusted.RawData)),
        };
    }

    [Test]
    public async Task ArmClient_over_HTTPS_gets_DevTest_lists_pages_creates_and_deletes_with_LRO_and_sees_403()
    {
        await using var emulator = await StandaloneEmulator.StartAsync(new StandaloneOptions(), b => b.WithArmPageSize(2).AddResourceGroup("Second").AddResourceGroup("Third"));
        string pem = Path.Combine(TestContext.CurrentContext.WorkDirectory, $"arm-{Guid.NewGuid():N}.pem");
        await File.WriteAllTextAsync(pem, emulator.Certificate.ExportCertificatePem());
        try
        {
            var options = new ArmClientOptions
            {
                Environment = new ArmEnvironment(emulator.ArmUrl, "https://management.azure.com/"),
                Transport = new HttpClientTransport(Trusting(pem)),
            };
            // The VM's identity through the standalone IMDS (a fresh user-assigned one: MSAL's token cache is process-wide).
            string clientId = Guid.NewGuid().ToString(), principalId = Guid.NewGuid().ToString();
            emulator.State.AddUserAssignedIdentity(new State.ManagedIdentityInfo(State.ManagedIdentityKind.UserAssigned,
                $"/subscriptions/{Sub}/resourceGroups/DevTest/providers/Microsoft.ManagedIdentity/userAssignedIdentities/https-test", principalId, clientId, TutorialDefaults.TenantId),
                TutorialDefaults.VirtualMachineName);
            emulator.State.AddRoleAssignment(new State.RoleAssignmentInfo(Guid.NewGuid().ToString(), TutorialDefaults.ResourceGroupId, Rbac.BuiltInRoles.ReaderId, principalId));
            var mi = new ManagedIdentityCredential(new ManagedIdentityCredentialOptions(ManagedIdentityId.FromUserAssignedClientId(clientId))
            {
                Transport = new HttpClientTransport(new ImdsRedirect(emulator.ImdsUrl)),
            });
            var vm = new ArmClient(mi, Sub, options);

            // The administrator's token from the loopback-only admin API.
            using var http = new HttpClient();
            using var tokenResponse = await http.PostAsync(new Uri(emulator.ImdsUrl, "/_emulator/arm/administrator-token"), null);
            string adminToken = JsonDocument.Parse(await tokenResponse.Content.ReadAsStringAsync()).RootElement.GetProperty("access_token").GetString()!;
            var admin = new ArmClient(new StaticToken(adminToken), Sub, options);
            var subscription = admin.GetSubscriptionResource(SubscriptionResource.CreateResourceIdentifier(Sub));

            ResourceGroupResource devTest = await vm.GetSubscriptionResource(SubscriptionResource.CreateResourceIdentifier(Sub)).GetResourceGroupAsync("DevTest");
            var created = await subscription.GetResourceGroups().CreateOrUpdateAsync(WaitUntil.Completed, "OverHttps", new ResourceGroupData(AzureLocation.WestUS));
            var names = new List<string>();
            await foreach (var g in subscription.GetResourceGroups().GetAllAsync()) names.Add(g.Data.Name);
            var deletion = await created.Value.DeleteAsync(WaitUntil.Completed);
            bool existsAfter = (await subscription.GetResourceGroups().ExistsAsync("OverHttps")).Value;
            var denied = Assert.ThrowsAsync<RequestFailedException>(() => vm.GetSubscriptionResource(SubscriptionResource.CreateResourceIdentifier(Sub)).GetResourceGroupAsync("Second"));

            Assert.That(devTest.Data.Location.Name, Is.EqualTo("westus"));
            Assert.That(names, Is.EqualTo(new[] { "DevTest", "Second", "Third", "OverHttps" }));
            Assert.That(deletion.HasCompleted, Is.True);
            Assert.That(existsAfter, Is.False);
            Assert.That(denied!.Status, Is.EqualTo(403));
            Assert.That(denied.ErrorCode, Is.EqualTo("AuthorizationFailed"));
            Assert.That(emulator.Requests.Any(r => r.Uri.AbsolutePath == "/metadata/identity/oauth2/token" && r.StatusCode == 200), Is.True);
            Assert.That(emulator.Requests.Where(r => r.Uri.AbsolutePath.Contains("/resourcegroups", StringComparison.OrdinalIgnoreCase)).Select(r => r.Uri.Scheme).Distinct(), Is.EqualTo(new[] { "https" }));
        }
        finally
        {
            File.Delete(pem);
        }
    }

    [Test]
    public void Standalone_ARM_flags_parse()
    {
        var result = Program.BuildCommand().Parse(["--data-dir", Path.GetTempPath(), "--arm-throttling", "--any-api-version", "--no-rbac"]);

        Assert.That(result.Errors, Is.Empty);
    }

    private sealed class StaticToken(string token) : TokenCredential
    {
        public override AccessToken GetToken(TokenRequestContext requestContext, CancellationToken cancellationToken) => new(token, DateTimeOffset.UtcNow.AddHours(1));
        public override ValueTask<AccessToken> GetTokenAsync(TokenRequestContext requestContext, CancellationToken cancellationToken) => new(GetToken(requestContext, cancellationToken));
    }
}
