using GeneratedArm.Azure;
using GeneratedArm.Identity;
using AzureCoreRequestContext = Azure.Core.TokenRequestContext;

namespace GeneratedArm.Azure.Tests;

/// <summary>GeneratedArm's credential seen as an Azure SDK credential: scopes and the token's fields.</summary>
public class GeneratedArmCredentialAdapterTests
{
    private sealed class RecordingCredential : TokenCredential
    {
        public List<string> Requested { get; } = [];

        public override ValueTask<AccessToken> GetTokenAsync(string resourceOrScope, CancellationToken cancellationToken = default)
        {
            Requested.Add(resourceOrScope);
            var expires = DateTimeOffset.Parse("2026-12-08T00:00:00Z", System.Globalization.CultureInfo.InvariantCulture);
            return ValueTask.FromResult(new AccessToken("secret", expires, expires.AddHours(-12), "Bearer", ScopeToResource(resourceOrScope)));
        }
    }

    [Test]
    public async Task The_token_keeps_its_value_type_expiry_and_refresh_time()
    {
        var inner = new RecordingCredential();
        var adapter = inner.AsAzureCoreCredential();

        var token = await adapter.GetTokenAsync(new AzureCoreRequestContext(["https://management.azure.com/.default"]), CancellationToken.None);

        Assert.That(inner.Requested, Is.EqualTo(new[] { "https://management.azure.com/.default" }));
        Assert.That(token.Token, Is.EqualTo("secret"));
        Assert.That(token.TokenType, Is.EqualTo("Bearer"));
        Assert.That(token.ExpiresOn, Is.EqualTo(DateTimeOffset.Parse("2026-12-08T00:00:00Z", System.Globalization.CultureInfo.InvariantCulture)));
        Assert.That(token.RefreshOn, Is.EqualTo(token.ExpiresOn.AddHours(-12)));
    }

    [Test]
    public void The_synchronous_GetToken_returns_the_same_token()
    {
        var adapter = new GeneratedArmCredentialAdapter(new RecordingCredential());

        var token = adapter.GetToken(new AzureCoreRequestContext(["https://management.azure.com/.default"]), CancellationToken.None);

        Assert.That(token.Token, Is.EqualTo("secret"));
    }

    private static readonly string[][] NotOneScope = [[], ["https://management.azure.com/.default", "https://vault.azure.net/.default"]];

    [TestCaseSource(nameof(NotOneScope))]
    public void A_request_for_other_than_exactly_one_scope_is_rejected_saying_to_ask_for_each_resource(string[] scopes)
    {
        var adapter = new GeneratedArmCredentialAdapter(new RecordingCredential());

        Assert.That(async () => await adapter.GetTokenAsync(new AzureCoreRequestContext(scopes), CancellationToken.None),
            Throws.ArgumentException.With.Message.Contains("exactly one scope"));
    }

    [Test]
    public void Converting_an_adapter_back_unwraps_it_instead_of_wrapping_twice()
    {
        var inner = new RecordingCredential();

        var azureCore = inner.AsAzureCoreCredential();

        Assert.That(azureCore, Is.InstanceOf<GeneratedArmCredentialAdapter>());
        Assert.That(azureCore.AsGeneratedArmCredential(), Is.SameAs(inner));
    }
}
