using System.Net;
using Azure.Core;
using Azure.Core.Pipeline;
using Azure.Identity;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Protocols;
using Microsoft.IdentityModel.Protocols.OpenIdConnect;
using Microsoft.IdentityModel.Tokens;

namespace GeneratedArm.TestServer.Tests;

/// <summary>Real clients against the in-process emulator: Azure.Identity, Microsoft.IdentityModel, ASP.NET JwtBearer.</summary>
public class RealClientTests
{
    private static readonly string[] ArmScope = ["https://management.azure.com/.default"];

    private static ManagedIdentityCredentialOptions MiOptions(AzureEmulator emulator, ManagedIdentityId id)
    {
        var options = new ManagedIdentityCredentialOptions(id) { Transport = new HttpClientTransport(emulator.CreateHandler()) };
        options.Retry.Delay = TimeSpan.FromMilliseconds(10);
        options.Retry.MaxDelay = TimeSpan.FromMilliseconds(50);
        return options;
    }

    private static async Task<TokenValidationResult> ValidateWithDiscoveryAsync(AzureEmulator emulator, string token, string metadataAddress, string? validIssuer = null)
    {
        using var http = new HttpClient(emulator.CreateHandler());
        var manager = new ConfigurationManager<OpenIdConnectConfiguration>(metadataAddress, new OpenIdConnectConfigurationRetriever(), new HttpDocumentRetriever(http));
        var config = await manager.GetConfigurationAsync(CancellationToken.None);
        return await new JsonWebTokenHandler().ValidateTokenAsync(token, new TokenValidationParameters
        {
            ValidIssuer = validIssuer ?? config.Issuer,
            IssuerSigningKeys = config.SigningKeys,
            ValidAudiences = ["https://management.azure.com/", "https://management.azure.com"],
        });
    }

    [Test]
    public async Task ManagedIdentityCredential_gets_a_token_from_the_in_process_emulator_that_validates_against_its_JWKS()
    {
        using var emulator = AzureEmulator.Create();
        var credential = new ManagedIdentityCredential(MiOptions(emulator, ManagedIdentityId.SystemAssigned));

        var token = await credential.GetTokenAsync(new TokenRequestContext(ArmScope), CancellationToken.None);
        var result = await ValidateWithDiscoveryAsync(emulator, token.Token,
            $"https://login.microsoftonline.com/{TutorialDefaults.TenantId}/.well-known/openid-configuration");

        Assert.That(result.IsValid, Is.True, result.Exception?.Message);
        Assert.That(result.Claims["oid"], Is.EqualTo(TutorialDefaults.SystemAssignedPrincipalId));
        var tokenRequest = emulator.Requests.First(r => r.Uri.AbsolutePath.StartsWith("/metadata/identity", StringComparison.Ordinal));
        Assert.That(tokenRequest.Uri.Host, Is.EqualTo("169.254.169.254"));
        Assert.That(tokenRequest.Headers["Metadata"], Is.EqualTo("true"));
        Assert.That(token.ExpiresOn, Is.GreaterThan(DateTimeOffset.UtcNow.AddHours(23)));
    }

    [Test]
    public async Task ManagedIdentityCredential_selects_a_user_assigned_identity_by_client_id()
    {
        const string ClientId = "abcdef00-1111-4222-8333-444455556666";
        using var emulator = AzureEmulator.Create(b => b.AddUserAssignedIdentity("uami", clientId: ClientId));
        var credential = new ManagedIdentityCredential(MiOptions(emulator, ManagedIdentityId.FromUserAssignedClientId(ClientId)));

        var token = await credential.GetTokenAsync(new TokenRequestContext(["https://vault.azure.net/.default"]), CancellationToken.None);

        Assert.That(new JsonWebToken(token.Token).GetClaim("appid").Value, Is.EqualTo(ClientId));
        Assert.That(emulator.Requests[^1].Uri.Query, Does.Contain("client_id=" + ClientId));
    }

    [Test]
    public async Task ManagedIdentityCredential_selects_user_assigned_identities_by_resource_id_and_object_id()
    {
        const string PrincipalId = "abcdef00-7777-4222-8333-444455556666";
        using var emulator = AzureEmulator.Create(b => b.AddUserAssignedIdentity("uami", principalId: PrincipalId).AddUserAssignedIdentity("other"));
        var uami = emulator.State.UserAssignedIdentities[0];

        var byResourceId = await new ManagedIdentityCredential(MiOptions(emulator, ManagedIdentityId.FromUserAssignedResourceId(new ResourceIdentifier(uami.ResourceId))))
            .GetTokenAsync(new TokenRequestContext(ArmScope), CancellationToken.None);
        var byObjectId = await new ManagedIdentityCredential(MiOptions(emulator, ManagedIdentityId.FromUserAssignedObjectId(PrincipalId)))
            .GetTokenAsync(new TokenRequestContext(["https://graph.microsoft.com/.default"]), CancellationToken.None);

        Assert.That(new JsonWebToken(byResourceId.Token).GetClaim("oid").Value, Is.EqualTo(PrincipalId));
        Assert.That(new JsonWebToken(byObjectId.Token).GetClaim("oid").Value, Is.EqualTo(PrincipalId));
        Assert.That(emulator.Requests.Select(r => r.Uri.Query), Has.Some.Contains("msi_res_id=").And.Some.Contains("object_id=" + PrincipalId));
    }

    [Test]
    public void ManagedIdentityCredential_fails_for_an_identity_the_VM_does_not_have()
    {
        using var emulator = AzureEmulator.Create();
        var credential = new ManagedIdentityCredential(MiOptions(emulator, ManagedIdentityId.FromUserAssignedClientId(Guid.NewGuid().ToString())));

        Assert.That(async () => await credential.GetTokenAsync(new TokenRequestContext(ArmScope), CancellationToken.None),
            Throws.InstanceOf<AuthenticationFailedException>());
        Assert.That(emulator.Requests.Select(r => r.StatusCode), Is.All.EqualTo(400));
    }

    [Test]
    public async Task ManagedIdentityCredential_retries_through_IMDS_throttling_and_410()
    {
        using var emulator = AzureEmulator.Create(b => b.WithFault(Faults.FaultRules.ImdsThrottled(2)).WithFault(new Faults.FaultRule
        {
            Target = Faults.FaultTarget.ImdsToken,
            Effect = Faults.FaultEffect.Status(410),
            Trigger = Faults.FaultTrigger.FirstN(1),
        }));
        var credential = new ManagedIdentityCredential(MiOptions(emulator, ManagedIdentityId.SystemAssigned));

        var token = await credential.GetTokenAsync(new TokenRequestContext(["https://storage.azure.com/.default"]), CancellationToken.None);

        Assert.That(token.Token, Is.Not.Empty);
        Assert.That(emulator.Requests.Select(r => r.StatusCode), Is.EqualTo(new int?[] { 429, 429, 410, 200 }));
    }

    [Test]
    public async Task DefaultAzureCredential_probe_without_Metadata_gets_IMDS_400_and_then_the_token()
    {
        using var emulator = AzureEmulator.Create();
        var options = new DefaultAzureCredentialOptions
        {
            Transport = new HttpClientTransport(emulator.CreateHandler()),
            ExcludeEnvironmentCredential = true,
            ExcludeWorkloadIdentityCredential = true,
            ExcludeAzureCliCredential = true,
            ExcludeAzurePowerShellCredential = true,
            ExcludeAzureDeveloperCliCredential = true,
            ExcludeVisualStudioCredential = true,
            ExcludeVisualStudioCodeCredential = true,
            ExcludeInteractiveBrowserCredential = true,
        };
        var credential = new DefaultAzureCredential(options);

        var token = await credential.GetTokenAsync(new TokenRequestContext(["https://management.core.windows.net/.default"]), CancellationToken.None);

        var requests = emulator.Requests;
        Assert.That(token.Token, Is.Not.Empty);
        Assert.That(requests[0].Headers.ContainsKey("Metadata"), Is.False, "the probe");
        Assert.That(requests[0].StatusCode, Is.EqualTo(400));
        Assert.That(requests[^1].Headers["Metadata"], Is.EqualTo("true"));
        Assert.That(requests[^1].StatusCode, Is.EqualTo(200));
    }

    [Test]
    public async Task OpenId_discovery_v1_and_v2_publish_the_signing_key()
    {
        using var emulator = AzureEmulator.Create();
        string token = emulator.CreateAccessToken(emulator.DefaultIdentity);

        var v1 = await ValidateWithDiscoveryAsync(emulator, token, $"https://login.microsoftonline.com/{TutorialDefaults.TenantId}/.well-known/openid-configuration");
        // v2 metadata names the v2 issuer; managed-identity tokens are v1.0, so their issuer is the v1 one.
        var v2 = await ValidateWithDiscoveryAsync(emulator, token, $"https://login.microsoftonline.com/{TutorialDefaults.TenantId}/v2.0/.well-known/openid-configuration",
            validIssuer: $"https://sts.windows.net/{TutorialDefaults.TenantId}/");
        var foreign = await ValidateWithDiscoveryAsync(emulator, emulator.CreateAccessToken(emulator.DefaultIdentity, signingKey: Identity.SigningKey.Generate()),
            $"https://login.microsoftonline.com/{TutorialDefaults.TenantId}/.well-known/openid-configuration");

        Assert.That(v1.IsValid, Is.True, v1.Exception?.Message);
        Assert.That(v2.IsValid, Is.True, v2.Exception?.Message);
        Assert.That(foreign.IsValid, Is.False);
    }

    [Test]
    public async Task AspNet_JwtBearer_with_the_emulator_as_authority_accepts_its_tokens_and_rejects_others()
    {
        using var emulator = AzureEmulator.Create();
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseTestServer();
        builder.Services.AddAuthentication().AddJwtBearer(o =>
        {
            // The API's ordinary configuration: authority and audience. The emulator is reached through the backchannel transport.
            o.Authority = $"https://login.microsoftonline.com/{TutorialDefaults.TenantId}/";
            o.Audience = "https://management.azure.com/";
            o.BackchannelHttpHandler = emulator.CreateHandler();
        });
        builder.Services.AddAuthorization();
        await using var api = builder.Build();
        api.UseAuthentication();
        api.UseAuthorization();
        api.MapGet("/whoami", (HttpContext c) => c.User.FindFirst("oid")?.Value ?? c.User.FindFirst("http://schemas.microsoft.com/identity/claims/objectidentifier")?.Value).RequireAuthorization();
        await api.StartAsync();
        using var client = api.GetTestClient();

        using var emulatorClient = emulator.CreateClient();
        string token = await TestHelpers.GetTokenAsync(emulatorClient);
        using var ok = await client.SendAsync(TestHelpers.ArmGet("http://localhost/whoami", token));
        using var forged = await client.SendAsync(TestHelpers.ArmGet("http://localhost/whoami",
            emulator.CreateAccessToken(emulator.DefaultIdentity, signingKey: Identity.SigningKey.Generate())));
        using var wrongAudience = await client.SendAsync(TestHelpers.ArmGet("http://localhost/whoami",
            emulator.CreateAccessToken(emulator.DefaultIdentity, "https://vault.azure.net")));

        Assert.That(ok.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That(await ok.Content.ReadAsStringAsync(), Is.EqualTo(TutorialDefaults.SystemAssignedPrincipalId));
        Assert.That(forged.StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized));
        Assert.That(wrongAudience.StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized));
        await api.StopAsync();
    }
}
