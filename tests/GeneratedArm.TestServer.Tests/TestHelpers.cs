using System.Net.Http.Headers;
using System.Text.Json;

namespace GeneratedArm.TestServer.Tests;

internal static class TestHelpers
{
    public const string ImdsTokenUrl = "http://169.254.169.254/metadata/identity/oauth2/token?api-version=2018-02-01&resource=https://management.azure.com/";
    public const string DevTestUrl = "https://management.azure.com/subscriptions/98f51385-2edc-4b79-bed9-7718de4cb861/resourceGroups/DevTest?api-version=2016-06-01";

    public static HttpRequestMessage ImdsRequest(string url = ImdsTokenUrl, bool metadata = true)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, url);
        if (metadata) request.Headers.Add("Metadata", "true");
        return request;
    }

    public static async Task<JsonElement> JsonAsync(HttpResponseMessage response) =>
        JsonDocument.Parse(await response.Content.ReadAsStringAsync().ConfigureAwait(false)).RootElement.Clone();

    /// <summary>Step 2 of the tutorial: a token for ARM from IMDS (optionally with an extra query such as "&amp;client_id=…").</summary>
    public static async Task<string> GetTokenAsync(HttpClient client, string extraQuery = "")
    {
        using var response = await client.SendAsync(ImdsRequest(ImdsTokenUrl + extraQuery)).ConfigureAwait(false);
        Assert.That(response.StatusCode, Is.EqualTo(System.Net.HttpStatusCode.OK), await response.Content.ReadAsStringAsync().ConfigureAwait(false));
        return (await JsonAsync(response).ConfigureAwait(false)).GetProperty("access_token").GetString()!;
    }

    public static HttpRequestMessage ArmGet(string url, string? token)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, url);
        if (token is not null) request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return request;
    }
}
