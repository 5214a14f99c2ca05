using System.Security.Cryptography;
using System.Text;
using GeneratedArm.TestServer.Hosting;
using GeneratedArm.TestServer.Imds;
using GeneratedArm.TestServer.State;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace GeneratedArm.TestServer.DevMachine;

/// <summary>
/// The App Service / Azure Functions / Container Apps managed-identity endpoint: <c>GET {IDENTITY_ENDPOINT}?resource=…&amp;api-version=2019-08-01</c>
/// with header <c>X-IDENTITY-HEADER: {IDENTITY_HEADER}</c>; identity by <c>client_id</c>, <c>principal_id</c> (alias <c>object_id</c>) or
/// <c>mi_res_id</c>, else the system-assigned one. Source: learn.microsoft.com/azure/app-service/overview-managed-identity, "REST endpoint
/// reference" (MicrosoftDocs/azure-docs articles/app-service/overview-managed-identity.md). The identities are the emulated host's (the IMDS VM's).
/// </summary>
internal static class AppServiceEndpoints
{
    /// <summary>The path of <c>IDENTITY_ENDPOINT</c> (App Service's own is <c>http://127.0.0.1:{port}/msi/token</c>, e.g. MSAL.NET's AppServiceTests).</summary>
    public const string TokenPath = "/msi/token";

    /// <summary>The protocol version documented ("Please use 2019-08-01 or later"; the 2017-09-01 protocol used <c>secret</c>/<c>MSI_SECRET</c>).</summary>
    public const string ApiVersion = "2019-08-01";

    private static bool IsSupportedApiVersion(string version) =>
        DateOnly.TryParseExact(version, "yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.None, out var date)
        && date >= new DateOnly(2019, 8, 1);

    public static IEndpointRouteBuilder MapAppServiceIdentity(this IEndpointRouteBuilder endpoints)
    {
        var runtime = endpoints.ServiceProvider.GetRequiredService<EmulatorRuntime>();
        endpoints.Map(TokenPath, context => HandleAsync(context, runtime));
        return endpoints;
    }

    private static async Task HandleAsync(HttpContext context, EmulatorRuntime runtime)
    {
        var request = context.Request;
        // The header is checked first: without the secret a caller learns nothing (it is App Service's SSRF defence).
        if (!HasIdentityHeader(request, runtime.Options.AppServiceIdentityHeader))
        {
            await WriteErrorAsync(context, 401, "The X-IDENTITY-HEADER header is missing or does not match IDENTITY_HEADER.").ConfigureAwait(false);
            return;
        }
        if (!HttpMethods.IsGet(request.Method))
        {
            context.Response.Headers.Allow = "GET";
            await WriteErrorAsync(context, 405, "Only GET is supported.").ConfigureAwait(false);
            return;
        }
        if (!IsSupportedApiVersion(request.Query["api-version"].ToString()))
        {
            await WriteErrorAsync(context, 400, $"api-version must be {ApiVersion} or later.").ConfigureAwait(false);
            return;
        }
        string resource = request.Query["resource"].ToString();
        if (resource.Length == 0)
        {
            await WriteErrorAsync(context, 400, "The resource query parameter is required.").ConfigureAwait(false);
            return;
        }

        if (runtime.AzureCli is { } cli)
        {
            // 400, not 5xx, for Azure CLI failures: clients retry 5xx, and asking again cannot help until the developer acts.
            await AzureCliResponder.ServeAsync(context, runtime, cli, "AppService", resource,
                token => WriteTokenAsync(context, token.AccessToken, token.ExpiresOn, token.NotBefore, resource, token.ClientId),
                message => WriteErrorAsync(context, 400, message)).ConfigureAwait(false);
            return;
        }

        var (identity, error) = SelectIdentity(runtime.State, request.Query);
        if (identity is null)
        {
            await WriteErrorAsync(context, 400, error!).ConfigureAwait(false);
            return;
        }
        var token = runtime.Tokens.GetOrIssue(identity, resource);
        await WriteTokenAsync(context, token.AccessToken, token.ExpiresOn, token.NotBefore, resource, identity.ClientId).ConfigureAwait(false);
    }

    // access_token, expires_on (POSIX seconds, as a string), resource, token_type, client_id: the documented sample response; not_before is in
    // the documented property table.
    private static Task WriteTokenAsync(HttpContext context, string accessToken, DateTimeOffset expiresOn, DateTimeOffset notBefore, string resource, string clientId) =>
        JsonResponse.WriteAsync(context.Response, 200, w =>
        {
            w.WriteStartObject();
            w.WriteString("access_token", accessToken);
            w.WriteString("expires_on", ImdsRules.Unix(expiresOn));
            w.WriteString("resource", resource);
            w.WriteString("token_type", "Bearer");
            w.WriteString("client_id", clientId);
            w.WriteString("not_before", ImdsRules.Unix(notBefore));
            w.WriteEndObject();
        });

    /// <summary>
    /// App Service's error shape as MSAL's own App Service tests model it: <c>{"statusCode":"500","message":"…","correlationId":"…"}</c>
    /// (AzureAD/microsoft-authentication-library-for-dotnet MockHelpers.GetMsiErrorResponse; MSAL reads <c>message</c> and <c>correlationId</c>).
    /// The messages and the 400/401/405 statuses are the emulator's own (unverified: no captured App Service error for these cases was found).
    /// </summary>
    private static Task WriteErrorAsync(HttpContext context, int status, string message) =>
        JsonResponse.WriteAsync(context.Response, status, w =>
        {
            w.WriteStartObject();
            w.WriteString("statusCode", status.ToString(System.Globalization.CultureInfo.InvariantCulture));
            w.WriteString("message", message);
            w.WriteString("correlationId", Guid.NewGuid().ToString());
            w.WriteEndObject();
        });

    private static bool HasIdentityHeader(HttpRequest request, string expected)
    {
        if (!request.Headers.TryGetValue("X-IDENTITY-HEADER", out var values) || values.Count != 1) return false;
        return CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(values.ToString()), Encoding.UTF8.GetBytes(expected));
    }

    /// <summary>
    /// "client_id … Cannot be used on a request that includes principal_id, mi_res_id, or object_id"; none given → the system-assigned identity,
    /// "which may or may not exist" (no fallback to a single user-assigned one, unlike IMDS).
    /// </summary>
    internal static (ManagedIdentityInfo? Identity, string? Error) SelectIdentity(EmulatorState state, IQueryCollection query)
    {
        string clientId = query["client_id"].ToString();
        string principalId = query["principal_id"].ToString() is { Length: > 0 } p ? p : query["object_id"].ToString();
        string resourceId = query["mi_res_id"].ToString();
        int selectors = (clientId.Length > 0 ? 1 : 0) + (principalId.Length > 0 ? 1 : 0) + (resourceId.Length > 0 ? 1 : 0)
            + (query["principal_id"].Count > 0 && query["object_id"].Count > 0 ? 1 : 0);
        if (selectors > 1) return (null, "Only one of client_id, principal_id (object_id) or mi_res_id may be given.");

        var vm = state.ImdsVirtualMachine;
        IReadOnlyList<ManagedIdentityInfo> identities = vm is null ? [] : state.IdentitiesOf(vm);
        ManagedIdentityInfo? selected =
            clientId.Length > 0 ? ImdsRules.Find(identities, i => i.ClientId, clientId)
            : principalId.Length > 0 ? ImdsRules.Find(identities, i => i.PrincipalId, principalId)
            : resourceId.Length > 0 ? ImdsRules.Find(identities, i => i.ResourceId, resourceId)
            : identities.FirstOrDefault(i => i.Kind == ManagedIdentityKind.SystemAssigned);
        return selected is null ? (null, "No managed identity matches the request (none given: the app has no system-assigned identity).") : (selected, null);
    }
}
