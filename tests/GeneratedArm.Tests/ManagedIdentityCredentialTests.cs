using System.Net;
using GeneratedArm.Identity;
using GeneratedArm.Tests.Infrastructure;

namespace GeneratedArm.Tests;

public class ManagedIdentityCredentialTests
{
    private static ManagedIdentityCredential Create(StubHandler handler, ManagedIdentityId? identity = null, TimeProvider? time = null, Uri? endpoint = null) =>
        new(new ManagedIdentityCredentialOptions
        {
            Endpoint = endpoint ?? new Uri("http://169.254.169.254"),
            Identity = identity ?? ManagedIdentityId.SystemAssigned,
            Transport = handler,
            TimeProvider = time ?? Clock.Create(),
        });

    [Test]
    public async Task Token_request_goes_out_exactly_as_the_tutorial_step_2()
    {
        var time = Clock.Create();
        var handler = new StubHandler((_, _) => Imds.Token("tok", time.GetUtcNow(), TimeSpan.FromHours(24)));
        using var credential = Create(handler, time: time);

        var token = await credential.GetTokenAsync("https://management.azure.com/");

        var request = handler.Last;
        Assert.Multiple(() =>
        {
            Assert.That(token.Token, Is.EqualTo("tok"));
            Assert.That(request.Method, Is.EqualTo(HttpMethod.Get));
            Assert.That(request.Uri.GetLeftPart(UriPartial.Path), Is.EqualTo("http://169.254.169.254/metadata/identity/oauth2/token"));
            Assert.That(request.Uri.Query, Is.EqualTo("?api-version=2018-02-01&resource=https%3A%2F%2Fmanagement.azure.com%2F"));
            Assert.That(Uri.UnescapeDataString(request.Uri.Query), Is.EqualTo("?api-version=2018-02-01&resource=https://management.azure.com/"));
            Assert.That(request.Header("Metadata"), Is.EqualTo("true"));
            Assert.That(request.Header("X-Forwarded-For"), Is.Null);
            Assert.That(request.Header("Authorization"), Is.Null);
            Assert.That(request.Header("User-Agent"), Does.StartWith("GeneratedArm/"));
        });
    }

    [TestCase("client_id", "11111111-2222-3333-4444-555555555555")]
    [TestCase("object_id", "aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee")]
    [TestCase("msi_res_id", "/subscriptions/s/resourcegroups/rg/providers/Microsoft.ManagedIdentity/userAssignedIdentities/id1")]
    public async Task User_assigned_identity_is_selected_by_its_query_parameter(string parameter, string value)
    {
        var time = Clock.Create();
        var id = parameter switch
        {
            "client_id" => ManagedIdentityId.FromClientId(value),
            "object_id" => ManagedIdentityId.FromObjectId(value),
            _ => ManagedIdentityId.FromResourceId(value),
        };
        var handler = new StubHandler((_, _) => Imds.Token("tok", time.GetUtcNow(), TimeSpan.FromHours(24)));
        using var credential = Create(handler, id, time);

        await credential.GetTokenAsync(Imds.ArmResource);

        var query = Uri.UnescapeDataString(handler.Last.Uri.Query);
        Assert.That(query, Is.EqualTo($"?api-version=2018-02-01&resource=https://management.azure.com/&{parameter}={value}"));
    }

    [TestCase("https://management.azure.com/", "https://management.azure.com/")]
    [TestCase("https://management.azure.com//.default", "https://management.azure.com/")]
    [TestCase("https://management.azure.com/.default", "https://management.azure.com")]
    [TestCase("https://vault.azure.net", "https://vault.azure.net")]
    public async Task Scopes_map_to_resources_as_Azure_Identity_maps_them(string requested, string sentResource)
    {
        var time = Clock.Create();
        var handler = new StubHandler((_, _) => Imds.Token("tok", time.GetUtcNow(), TimeSpan.FromHours(24)));
        using var credential = Create(handler, time: time);

        await credential.GetTokenAsync(requested);

        Assert.That(TokenCredential.ScopeToResource(requested), Is.EqualTo(sentResource));
        Assert.That(Uri.UnescapeDataString(handler.Last.Uri.Query), Does.EndWith("&resource=" + sentResource));
    }

    [Test]
    public async Task Resource_and_default_scope_for_the_same_resource_share_one_cache_entry()
    {
        var time = Clock.Create();
        var handler = new StubHandler((_, _) => Imds.Token("tok", time.GetUtcNow(), TimeSpan.FromHours(24)));
        using var credential = Create(handler, time: time);

        await credential.GetTokenAsync("https://management.azure.com/");
        await credential.GetTokenAsync("https://management.azure.com//.default");
        await credential.GetTokenAsync("https://vault.azure.net/.default");

        Assert.That(handler.Count, Is.EqualTo(2));
    }

    [TestCase("http://127.0.0.1:8079")]
    [TestCase("http://127.0.0.1:8079/")]
    [TestCase("http://127.0.0.1:8079/metadata/identity/oauth2/token")]
    public async Task Endpoint_may_be_a_base_address_or_the_full_token_URL(string endpoint)
    {
        var time = Clock.Create();
        var handler = new StubHandler((_, _) => Imds.Token("tok", time.GetUtcNow(), TimeSpan.FromHours(24)));
        using var credential = Create(handler, time: time, endpoint: new Uri(endpoint));

        await credential.GetTokenAsync(Imds.ArmResource);

        Assert.That(handler.Last.Uri.GetLeftPart(UriPartial.Path), Is.EqualTo("http://127.0.0.1:8079/metadata/identity/oauth2/token"));
    }

    [Test]
    [NonParallelizable]
    public async Task Endpoint_comes_from_AZURE_POD_IDENTITY_AUTHORITY_HOST_when_not_set()
    {
        var previous = Environment.GetEnvironmentVariable("AZURE_POD_IDENTITY_AUTHORITY_HOST");
        try
        {
            Environment.SetEnvironmentVariable("AZURE_POD_IDENTITY_AUTHORITY_HOST", "http://127.0.0.1:8079/");
            var time = Clock.Create();
            var handler = new StubHandler((_, _) => Imds.Token("tok", time.GetUtcNow(), TimeSpan.FromHours(24)));
            using var credential = new ManagedIdentityCredential(new() { Transport = handler, TimeProvider = time });
            await credential.GetTokenAsync(Imds.ArmResource);
            Assert.That(handler.Last.Uri.GetLeftPart(UriPartial.Path), Is.EqualTo("http://127.0.0.1:8079/metadata/identity/oauth2/token"));

            Environment.SetEnvironmentVariable("AZURE_POD_IDENTITY_AUTHORITY_HOST", null);
            using var fallback = new ManagedIdentityCredential(new() { Transport = handler, TimeProvider = time });
            Assert.That(fallback.Endpoint, Is.EqualTo(new Uri("http://169.254.169.254")));
        }
        finally
        {
            Environment.SetEnvironmentVariable("AZURE_POD_IDENTITY_AUTHORITY_HOST", previous);
        }
    }

    [TestCase("\"86399\"", "\"{on}\"")]
    [TestCase("86399", "{on}")]
    [TestCase("\"86399\"", null)]
    [TestCase("86399", null)]
    [TestCase(null, "\"{on}\"")]
    public async Task String_typed_and_number_typed_expiry_fields_are_both_read(string? expiresIn, string? expiresOn)
    {
        var time = Clock.Create();
        var on = (Imds.Start.ToUnixTimeSeconds() + 86399).ToString(System.Globalization.CultureInfo.InvariantCulture);
        expiresOn = expiresOn?.Replace("{on}", on, StringComparison.Ordinal);
        var fields = new List<string> { "\"access_token\":\"tok\"" };
        if (expiresIn is not null)
        {
            fields.Add($"\"expires_in\":{expiresIn}");
        }

        if (expiresOn is not null)
        {
            fields.Add($"\"expires_on\":{expiresOn}");
        }

        fields.Add("\"resource\":\"https://management.azure.com/\",\"token_type\":\"Bearer\"");
        var handler = new StubHandler((_, _) => StubHandler.Json(HttpStatusCode.OK, "{" + string.Join(",", fields) + "}"));
        using var credential = Create(handler, time: time);

        var token = await credential.GetTokenAsync(Imds.ArmResource);

        Assert.Multiple(() =>
        {
            Assert.That(token.ExpiresOn, Is.EqualTo(Imds.Start + TimeSpan.FromSeconds(86399)));
            Assert.That(token.RefreshOn, Is.EqualTo(Imds.Start + TimeSpan.FromSeconds(86399 / 2.0)));
            Assert.That(token.TokenType, Is.EqualTo("Bearer"));
            Assert.That(token.Resource, Is.EqualTo(Imds.ArmResource));
        });
    }

    [TestCase("{\"expires_in\":\"3599\"}", "'access_token' is missing")]
    [TestCase("{\"access_token\":\"SECRET-TOKEN\"}", "'expires_on' and 'expires_in' are missing")]
    [TestCase("{\"access_token\":\"SECRET-TOKEN\",\"expires_in\":\"soon\"}", "'expires_in' is not a number")]
    [TestCase("{\"access_token\":\"SECRET-TOKEN\",\"expires_in\":true}", "'expires_in' is neither")]
    [TestCase("{\"access_token\":\"SECRET-TOKEN\",", "not valid JSON")]
    [TestCase("<html>SECRET-TOKEN</html>", "not valid JSON")]
    public void Missing_or_malformed_fields_are_a_clear_error_without_the_token(string body, string expected)
    {
        var handler = new StubHandler((_, _) => StubHandler.Json(HttpStatusCode.OK, body));
        using var credential = Create(handler);

        var ex = Assert.ThrowsAsync<ManagedIdentityException>(async () => await credential.GetTokenAsync(Imds.ArmResource));

        Assert.Multiple(() =>
        {
            Assert.That(ex!.Message, Does.Contain(expected));
            Assert.That(ex.Message, Does.Not.Contain("SECRET-TOKEN"));
            Assert.That(ex.ToString(), Does.Not.Contain("SECRET-TOKEN"));
            Assert.That(ex.Status, Is.EqualTo(200));
            Assert.That(handler.Count, Is.EqualTo(1), "a malformed 200 is not retried");
        });
    }

    [Test]
    public void AccessToken_ToString_never_reveals_the_token()
    {
        var token = new AccessToken("SECRET-TOKEN", Imds.Start, Imds.Start, "Bearer", Imds.ArmResource);
        Assert.That(token.ToString(), Does.Not.Contain("SECRET-TOKEN").And.Contain("redacted"));
    }

    [Test]
    public async Task Cached_token_is_returned_synchronously_without_another_IMDS_call()
    {
        var time = Clock.Create();
        var handler = new StubHandler((_, _) => Imds.Token("tok", time.GetUtcNow(), TimeSpan.FromHours(24)));
        using var credential = Create(handler, time: time);
        await credential.GetTokenAsync(Imds.ArmResource);

        var second = credential.GetTokenAsync(Imds.ArmResource);

        Assert.That(second.IsCompletedSuccessfully, Is.True);
        Assert.That((await second).Token, Is.EqualTo("tok"));
        Assert.That(handler.Count, Is.EqualTo(1));
    }
}
