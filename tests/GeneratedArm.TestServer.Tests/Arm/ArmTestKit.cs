using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using GeneratedArm.TestServer.State;

namespace GeneratedArm.TestServer.Tests.Arm;

/// <summary>Raw HTTP against the in-process emulator's ARM, with a chosen caller's token.</summary>
internal static class ArmTestKit
{
    public const string Sub = TutorialDefaults.SubscriptionId;
    public const string SubscriptionScope = "/subscriptions/" + Sub;
    public const string Arm = "https://management.azure.com";

    /// <summary>A principal of the tutorial's tenant (a token for it is signed directly, as IMDS would for one of its identities).</summary>
    public static ManagedIdentityInfo Principal(string principalId, string? clientId = null) =>
        new(ManagedIdentityKind.UserAssigned, $"/subscriptions/{Sub}/resourceGroups/DevTest/providers/Microsoft.ManagedIdentity/userAssignedIdentities/p{principalId[..8]}",
            principalId, clientId ?? Guid.NewGuid().ToString(), TutorialDefaults.TenantId);

    public static string VmToken(AzureEmulator emulator) => emulator.CreateAccessToken(emulator.DefaultIdentity);

    public static async Task<HttpResponseMessage> SendAsync(HttpClient client, HttpMethod method, string pathAndQuery, string? token, string? body = null,
        string contentType = "application/json", IDictionary<string, string>? headers = null)
    {
        using var request = new HttpRequestMessage(method, pathAndQuery.StartsWith("http", StringComparison.Ordinal) ? pathAndQuery : Arm + pathAndQuery);
        if (token is not null) request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        if (body is not null) request.Content = new StringContent(body, Encoding.UTF8, contentType);
        if (headers is not null) foreach (var (k, v) in headers) request.Headers.TryAddWithoutValidation(k, v);
        return await client.SendAsync(request).ConfigureAwait(false);
    }

    public static async Task<JsonElement> JsonAsync(HttpResponseMessage response)
    {
        string text = await response.Content.ReadAsStringAsync().ConfigureAwait(false);
        return JsonDocument.Parse(text).RootElement.Clone();
    }

    public static async Task<(string Code, string Message)> ErrorAsync(HttpResponseMessage response)
    {
        var error = (await JsonAsync(response).ConfigureAwait(false)).GetProperty("error");
        return (error.GetProperty("code").GetString()!, error.GetProperty("message").GetString()!);
    }

    public static string Rg(string name, string apiVersion = "2022-09-01") => $"/subscriptions/{Sub}/resourcegroups/{name}?api-version={apiVersion}";
}
