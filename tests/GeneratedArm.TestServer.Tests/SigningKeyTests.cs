using System.Net;
using GeneratedArm.TestServer.Identity;

namespace GeneratedArm.TestServer.Tests;

public class SigningKeyTests
{
    [Test]
    public void A_key_saved_as_PEM_loads_back_with_the_same_key_id()
    {
        var key = SigningKey.Generate();

        var loaded = SigningKey.FromPem(key.ExportPrivateKeyPem());

        Assert.That(loaded.KeyId, Is.EqualTo(key.KeyId));
    }

    [Test]
    public void In_process_emulators_share_the_process_key_unless_configured()
    {
        var own = SigningKey.Generate();
        using var a = AzureEmulator.Create();
        using var b = AzureEmulator.Create();
        using var c = AzureEmulator.Create(x => x.UseSigningKey(own));

        Assert.That(a.SigningKey, Is.SameAs(b.SigningKey));
        Assert.That(c.SigningKey, Is.SameAs(own));
    }

    [Test]
    public async Task Tokens_of_an_additionally_trusted_key_are_accepted_and_published()
    {
        var previous = SigningKey.Generate();
        using var emulator = AzureEmulator.Create(b => b.TrustAdditionalSigningKey(previous));
        using var client = emulator.CreateClient();

        using var response = await client.SendAsync(TestHelpers.ArmGet(TestHelpers.DevTestUrl, emulator.CreateAccessToken(emulator.DefaultIdentity, signingKey: previous)));
        string jwks = await client.GetStringAsync($"https://login.microsoftonline.com/{TutorialDefaults.TenantId}/discovery/keys");

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That(jwks, Does.Contain(previous.KeyId).And.Contain(emulator.SigningKey.KeyId));
    }
}
