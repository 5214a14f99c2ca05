using System.Text.Json;
using GeneratedArm.TestServer.Hosting;
using GeneratedArm.TestServer.Rbac;
using GeneratedArm.TestServer.State;
using Microsoft.AspNetCore.Http;

namespace GeneratedArm.TestServer.Arm;

/// <summary>
/// One ARM request after the gateway's checks (headers set, caller authenticated). Handlers receive it from
/// <see cref="ArmPipeline.Handle"/>, call <see cref="AuthorizeAsync"/> with the action and scope, then answer.
/// </summary>
internal sealed class ArmRequest(HttpContext context, EmulatorRuntime runtime, ArmCaller caller)
{
    public HttpContext Context { get; } = context;
    public EmulatorRuntime Runtime { get; } = runtime;
    public EmulatorState State => Runtime.State;
    public ArmCaller Caller { get; } = caller;

    public string Route(string name) => Context.Request.RouteValues[name]?.ToString() ?? "";

    /// <summary>
    /// RBAC check: true when the caller may perform <paramref name="action"/> at <paramref name="scope"/>; otherwise writes ARM's
    /// 403 <c>AuthorizationFailed</c> (with <c>x-ms-failure-cause: gateway</c>) and returns false.
    /// ARM prints action and scope with lower-case <c>resourcegroups</c> (Azure/azure-cli#29802, #32165).
    /// </summary>
    public async Task<bool> AuthorizeAsync(string action, string scope)
    {
        if (RbacEvaluator.IsAllowed(State, Caller.ObjectId, action, scope)) return true;
        Context.Response.Headers["x-ms-failure-cause"] = "gateway";
        string shownAction = action.Replace("/resourceGroups/", "/resourcegroups/", StringComparison.OrdinalIgnoreCase);
        string shownScope = scope.Replace("/resourceGroups/", "/resourcegroups/", StringComparison.OrdinalIgnoreCase);
        await ArmErrors.WriteAsync(Context, 403, "AuthorizationFailed",
            $"The client '{Caller.AppId ?? Caller.ObjectId}' with object id '{Caller.ObjectId}' does not have authorization to perform action '{shownAction}' over scope '{shownScope}' or the scope is invalid. If access was recently granted, please refresh your credentials.")
            .ConfigureAwait(false);
        return false;
    }

    public Task WriteJsonAsync(int status, Action<Utf8JsonWriter> body) => JsonResponse.WriteAsync(Context.Response, status, body);

    public Task WriteErrorAsync(int status, string code, string message) => ArmErrors.WriteAsync(Context, status, code, message);
}

/// <summary>ARM's error envelope <c>{"error":{"code","message"}}</c> (azure-resource-manager-rpc common-api-details.md).</summary>
internal static class ArmErrors
{
    public static Task WriteAsync(HttpContext context, int status, string code, string message) =>
        JsonResponse.WriteAsync(context.Response, status, w =>
        {
            w.WriteStartObject();
            w.WriteStartObject("error");
            w.WriteString("code", code);
            w.WriteString("message", message);
            w.WriteEndObject();
            w.WriteEndObject();
        });
}

/// <summary>ARM's gateway: common headers, <c>api-version</c>, authentication; then the handler.</summary>
internal static class ArmPipeline
{
    /// <summary>Wraps an ARM handler: every response gets ARM's headers; unauthenticated requests get ARM's 401.</summary>
    public static RequestDelegate Handle(EmulatorRuntime runtime, Func<ArmRequest, Task> handler) => async context =>
    {
        var request = context.Request;
        var headers = context.Response.Headers;
        string requestId = Guid.NewGuid().ToString();
        headers["x-ms-request-id"] = requestId;
        // "If the caller does not specify this header, ARM will randomly generate a unique GUID" (common-api-details.md);
        // a gateway-generated one equals the request id.
        headers["x-ms-correlation-request-id"] = request.Headers["x-ms-correlation-request-id"] is { Count: > 0 } corr ? corr.ToString() : requestId;
        if (string.Equals(request.Headers["x-ms-return-client-request-id"], "true", StringComparison.OrdinalIgnoreCase)
            && request.Headers["x-ms-client-request-id"] is { Count: > 0 } clientRequestId)
        {
            headers["x-ms-client-request-id"] = clientRequestId.ToString();
        }
        headers.CacheControl = "no-cache";
        headers.Pragma = "no-cache";
        headers.Expires = "-1";

        var (caller, failure) = await ArmAuthentication.AuthenticateAsync(request.Headers.Authorization.ToString(), runtime).ConfigureAwait(false);
        string? subscriptionId = request.RouteValues["subscriptionId"]?.ToString();
        string? tenant = subscriptionId is null ? null : runtime.State.FindSubscription(subscriptionId)?.TenantId;
        if (caller is not null && tenant is not null && !string.Equals(caller.TenantId, tenant, StringComparison.OrdinalIgnoreCase))
        {
            // A token from another tenant than the subscription's (message as ARM sends it, e.g. in a blog post quoting the response;
            // challenge text as quoted in Azure PowerShell's tenant lookup).
            string tokenTenant = caller.TenantId;
            caller = null;
            failure = new ArmAuthenticationFailure("InvalidAuthenticationTokenTenant",
                $"The access token is from the wrong issuer '{Identity.Issuers.V1(tokenTenant)}'. It must match the tenant '{Identity.Issuers.V1(tenant)}' associated with this subscription. Please use the authority (URL) 'https://login.windows.net/{tenant}' to get the token. Note, if the subscription is transferred to another tenant there is no impact to the services, but information about new tenant could take time to propagate (up to an hour). If you just transferred your subscription and see this error message, please try back later.",
                "The access token is from the wrong issuer. It must match the tenant associated with this subscription. Please use correct authority to get the token.");
        }
        if (caller is null)
        {
            // ARM's challenge; against a subscription URL authorization_uri carries the subscription's tenant (facts §2.2).
            headers.WWWAuthenticate =
                $"Bearer authorization_uri=\"https://login.windows.net/{tenant}\", error=\"invalid_token\", error_description=\"{failure!.ChallengeDescription}\"";
            headers["x-ms-failure-cause"] = "gateway";
            await ArmErrors.WriteAsync(context, 401, failure.Code, failure.Message).ConfigureAwait(false);
            return;
        }

        if (request.Query["api-version"] is not { Count: > 0 } apiVersion || string.IsNullOrEmpty(apiVersion))
        {
            // MicrosoftDocs/feedback#2279.
            await ArmErrors.WriteAsync(context, 400, "MissingApiVersionParameter",
                "The api-version query parameter (?api-version=) is required for all requests.").ConfigureAwait(false);
            return;
        }

        await handler(new ArmRequest(context, runtime, caller)).ConfigureAwait(false);
    };
}
