using System.Globalization;
using GeneratedArm.TestServer.Arm.Resources;
using GeneratedArm.TestServer.Arm.Throttling;
using GeneratedArm.TestServer.Hosting;
using GeneratedArm.TestServer.Rbac;
using Microsoft.AspNetCore.Http;

namespace GeneratedArm.TestServer.Arm;

/// <summary>
/// What a request does once its path and method are known: the bucket it draws from, the RBAC action and scope checked at the gateway
/// (null: the handler filters or no check), the api-versions its type accepts (null: any well-formed), and the handler.
/// </summary>
internal sealed record ArmOperation(ArmOperationKind Kind, string? Action, string? Scope, IReadOnlyList<string>? Versions, Func<ArmRequest, Task> Handler);

/// <summary>
/// ARM's front door, in ARM's order: common headers → authentication (401) → <c>api-version</c> present (400) → route (404/405) →
/// <c>api-version</c> supported (400) → subscription exists and belongs to the token's tenant (404/401) → throttling (429) →
/// RBAC (403) → handler. Unexpected failures become ARM's 500 <c>InternalServerError</c> envelope (a last resort: bad input is
/// answered with 4xx by the checks above and the handlers).
/// </summary>
internal static class ArmGateway
{
    public static async Task HandleAsync(HttpContext context, EmulatorRuntime runtime)
    {
        SetCommonHeaders(context, runtime.UtcNow);
        try
        {
            await HandleCoreAsync(context, runtime).ConfigureAwait(false);
        }
        catch (Exception e) when (e is not OperationCanceledException && !context.Response.HasStarted)
        {
            context.Response.Clear();
            SetCommonHeaders(context, runtime.UtcNow);
            await ArmErrors.WriteAsync(context, ArmErrors.InternalServerError(runtime.UtcNow,
                context.Response.Headers["x-ms-request-id"].ToString(), context.Response.Headers["x-ms-correlation-request-id"].ToString())).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// <c>x-ms-request-id</c> (generated), <c>x-ms-correlation-request-id</c> ("If the caller does not specify this header, ARM will
    /// randomly generate a unique GUID" — common-api-details.md; a generated one equals the request id), <c>x-ms-client-request-id</c>
    /// echoed when <c>x-ms-return-client-request-id: true</c>, <c>x-ms-routing-request-id</c>, and ARM's no-cache headers.
    /// </summary>
    internal static void SetCommonHeaders(HttpContext context, DateTimeOffset now)
    {
        var request = context.Request;
        var headers = context.Response.Headers;
        string requestId = headers["x-ms-request-id"] is { Count: > 0 } existing ? existing.ToString() : RequestIds.New();
        headers["x-ms-request-id"] = requestId;
        headers["x-ms-correlation-request-id"] = request.Headers["x-ms-correlation-request-id"] is { Count: > 0 } corr && !string.IsNullOrWhiteSpace(corr)
            ? corr.ToString()
            : requestId;
        if (string.Equals(request.Headers["x-ms-return-client-request-id"], "true", StringComparison.OrdinalIgnoreCase)
            && request.Headers["x-ms-client-request-id"] is { Count: > 0 } clientRequestId)
        {
            headers["x-ms-client-request-id"] = clientRequestId.ToString();
        }
        headers["x-ms-routing-request-id"] = RoutingPrefix(now) + requestId;
        headers.CacheControl = "no-cache";
        headers.Pragma = "no-cache";
        headers.Expires = "-1";
        headers["X-Content-Type-Options"] = "nosniff";
        headers.StrictTransportSecurity = "max-age=31536000; includeSubDomains";
    }

    // "EMULATOR:{yyyyMMddTHHmmssZ}:" changes once a second: formatted once per second, not per request.
    // A reference swapped whole, so a reader never sees one second's number with another's text.
    private sealed record RoutingStamp(long Second, string Prefix);

    private static RoutingStamp? s_routingStamp;

    private static string RoutingPrefix(DateTimeOffset now)
    {
        long second = now.UtcTicks / TimeSpan.TicksPerSecond;
        if (s_routingStamp is { } cached && cached.Second == second) return cached.Prefix;
        var stamp = new RoutingStamp(second, "EMULATOR:" + now.UtcDateTime.ToString("yyyyMMdd'T'HHmmss'Z'", CultureInfo.InvariantCulture) + ":");
        s_routingStamp = stamp;
        return stamp.Prefix;
    }

    private static async Task HandleCoreAsync(HttpContext context, EmulatorRuntime runtime)
    {
        var request = context.Request;
        var target = ArmTarget.Parse(request.Path.Value ?? "");

        var (caller, failure) = await ArmAuthentication.AuthenticateAsync(request.Headers.Authorization.ToString(), runtime).ConfigureAwait(false);
        if (caller is null)
        {
            // Against a subscription URL the challenge's authorization_uri carries the subscription's tenant (facts §2.2).
            string? tenant = target.SubscriptionId is null ? null : runtime.State.FindSubscription(target.SubscriptionId)?.TenantId;
            await ArmErrors.WriteAsync(context, failure!, tenant).ConfigureAwait(false);
            return;
        }

        var apiVersions = request.Query["api-version"];
        if (apiVersions.Count == 0 || string.IsNullOrWhiteSpace(apiVersions[0]))
        {
            await ArmErrors.WriteAsync(context, ArmErrors.ApiVersionMissing()).ConfigureAwait(false);
            return;
        }
        string apiVersion = apiVersions[0]!;

        // Long-running operations of spec-learned types finish on the emulator's clock (a no-op while none is pending).
        runtime.Arm.ProviderOperations.Advance(runtime.State);

        // Resource types learned from specs first; everything else keeps its route.
        ArmError? routeError = null;
        var operation = ProviderSpecs.ProviderRoutes.Resolve(runtime.Options.Arm.Providers, target, request.Path.Value ?? "", request.Method)
            ?? ArmRoutes.Resolve(target, request.Method, out routeError);
        if (operation is null)
        {
            await ArmErrors.WriteAsync(context, routeError!).ConfigureAwait(false);
            return;
        }

        if (apiVersions.Count > 1 || !ApiVersions.IsAccepted(apiVersion, operation.Versions, runtime.Options.Arm.AcceptAnyApiVersion))
        {
            await ArmErrors.WriteAsync(context, ArmErrors.ApiVersionInvalid(apiVersions.ToString(), operation.Versions)).ConfigureAwait(false);
            return;
        }

        if (target.SubscriptionId is { } subscriptionId)
        {
            var subscription = runtime.State.FindSubscription(subscriptionId);
            if (subscription is null)
            {
                await ArmErrors.WriteAsync(context, ArmErrors.SubscriptionNotFound(subscriptionId)).ConfigureAwait(false);
                return;
            }
            if (!string.Equals(subscription.TenantId, caller.TenantId, StringComparison.OrdinalIgnoreCase))
            {
                await ArmErrors.WriteAsync(context, ArmErrors.TokenTenantWrong(caller.TenantId, subscription.TenantId), subscription.TenantId).ConfigureAwait(false);
                return;
            }
        }

        if (!await ThrottleAsync(context, runtime, target, caller, operation.Kind).ConfigureAwait(false)) return;

        var arm = new ArmRequest(context, runtime, caller, target, apiVersion);
        if (operation.Action is not null && operation.Scope is not null && !await arm.AuthorizeAsync(operation.Action, operation.Scope).ConfigureAwait(false))
            return;

        await operation.Handler(arm).ConfigureAwait(false);
    }

    // Precomputed names: x-ms-ratelimit-remaining-{subscription|tenant}-{reads|writes|deletes}.
    private static readonly string[] s_remainingHeaders =
    [
        "x-ms-ratelimit-remaining-subscription-reads", "x-ms-ratelimit-remaining-subscription-writes", "x-ms-ratelimit-remaining-subscription-deletes",
        "x-ms-ratelimit-remaining-tenant-reads", "x-ms-ratelimit-remaining-tenant-writes", "x-ms-ratelimit-remaining-tenant-deletes",
    ];

    private static string RemainingHeader(bool tenantLevel, ArmOperationKind kind) =>
        s_remainingHeaders[(tenantLevel ? 3 : 0) + kind switch { ArmOperationKind.Read => 0, ArmOperationKind.Write => 1, _ => 2 }];

    /// <summary>Takes a token from the caller's bucket; sets <c>x-ms-ratelimit-remaining-{subscription|tenant}-{reads|writes|deletes}</c>; 429 when empty and throttling is on.</summary>
    private static async Task<bool> ThrottleAsync(HttpContext context, EmulatorRuntime runtime, ArmTarget target, ArmCaller caller, ArmOperationKind kind)
    {
        var options = runtime.Options.Arm;
        string scopeKey = target.SubscriptionId ?? ("tenant:" + caller.TenantId);
        var (allowed, remaining, retryAfter) = runtime.Arm.Buckets.Take(scopeKey, caller.ObjectId, kind, options.Limits, options.Throttling);
        bool tenantLevel = target.SubscriptionId is null;
        context.Response.Headers[RemainingHeader(tenantLevel, kind)] = remaining.ToString(CultureInfo.InvariantCulture);
        if (allowed) return true;
        context.Response.Headers.RetryAfter = retryAfter.ToString(CultureInfo.InvariantCulture);
        string kindName = kind switch { ArmOperationKind.Read => "read", ArmOperationKind.Write => "write", _ => "delete" };
        await ArmErrors.WriteAsync(context, ArmErrors.RequestsThrottled(tenantLevel, kindName, target.SubscriptionId ?? caller.TenantId, caller.ObjectId, retryAfter))
            .ConfigureAwait(false);
        return false;
    }
}

/// <summary>Maps (target, method) to an <see cref="ArmOperation"/>; ARM's 404/405 otherwise.</summary>
internal static class ArmRoutes
{
    private const string RgRead = "Microsoft.Resources/subscriptions/resourceGroups/read";
    private const string RgWrite = "Microsoft.Resources/subscriptions/resourceGroups/write";
    private const string RgDelete = "Microsoft.Resources/subscriptions/resourceGroups/delete";

    private static string ResourceGroupIdOf(ArmTarget t) => $"/subscriptions/{t.SubscriptionId}/resourceGroups/{t.ResourceGroup}";

    /// <summary><c>Microsoft.Storage/storageAccounts/listKeys</c> (a collection path) → <c>Microsoft.Storage/storageAccounts/listKeys/action</c>.</summary>
    private static string ActionOf(ArmTarget t) => t.ResourceType + "/action";

    public static ArmOperation? Resolve(ArmTarget target, string method, out ArmError? error)
    {
        error = null;
        bool get = HttpMethods.IsGet(method), head = HttpMethods.IsHead(method), put = HttpMethods.IsPut(method),
            patch = HttpMethods.IsPatch(method), delete = HttpMethods.IsDelete(method);
        var read = ArmOperationKind.Read;
        var write = ArmOperationKind.Write;
        var del = ArmOperationKind.Delete;
        ArmOperation? op = target.Kind switch
        {
            ArmTargetKind.SubscriptionList when get => new(read, null, null, ApiVersions.Subscriptions, Subscriptions.ListAsync),
            ArmTargetKind.Subscription when get => new(read, null, null, ApiVersions.Subscriptions, Subscriptions.GetAsync),
            ArmTargetKind.TenantList when get => new(read, null, null, ApiVersions.Subscriptions, Subscriptions.ListTenantsAsync),
            ArmTargetKind.ProviderList when get => new(read, null, null, ApiVersions.ResourceGroups, Providers.ListAsync),
            ArmTargetKind.Provider when get => new(read, null, null, ApiVersions.ResourceGroups, Providers.GetAsync),
            ArmTargetKind.ResourceGroupList when get => new(read, null, null, ApiVersions.ResourceGroups, ResourceGroups.ListAsync),
            ArmTargetKind.ResourceGroup when get || head => new(read, RgRead, target.Id, ApiVersions.ResourceGroups, get ? ResourceGroups.GetAsync : ResourceGroups.HeadAsync),
            ArmTargetKind.ResourceGroup when put => new(write, RgWrite, target.Id, ApiVersions.ResourceGroups, ResourceGroups.PutAsync),
            ArmTargetKind.ResourceGroup when patch => new(write, RgWrite, target.Id, ApiVersions.ResourceGroups, ResourceGroups.PatchAsync),
            ArmTargetKind.ResourceGroup when delete => new(del, RgDelete, target.Id, ApiVersions.ResourceGroups, ResourceGroups.DeleteAsync),
            ArmTargetKind.OperationResult when get => new(read, null, null, null, ResourceGroups.PollDeletionAsync),
            ArmTargetKind.ResourcesInGroup when get => new(read, "Microsoft.Resources/subscriptions/resourceGroups/resources/read", target.Id, ApiVersions.ResourceGroups, GenericResources.ListInGroupAsync),
            ArmTargetKind.ResourcesInSubscription when get => new(read, null, null, ApiVersions.ResourceGroups, GenericResources.ListInSubscriptionAsync),
            ArmTargetKind.Resource when get || head => new(read, target.ResourceType + "/read", target.Id, null, GenericResources.GetAsync),
            ArmTargetKind.Resource when put || patch => new(write, target.ResourceType + "/write", target.Id, null, patch ? GenericResources.PatchAsync : GenericResources.PutAsync),
            ArmTargetKind.Resource when delete => new(del, target.ResourceType + "/delete", target.Id, null, GenericResources.DeleteAsync),
            ArmTargetKind.ResourceCollection when get => new(read, null, null, null, GenericResources.ListCollectionAsync),
            ArmTargetKind.SubscriptionCollection when get => new(read, null, null, null, GenericResources.ListTypeInSubscriptionAsync),
            // POST /subscriptions/{s}/providers/{ns}/register: provider registration (Terraform and the CLI call it); '{ns}/register/action'.
            ArmTargetKind.SubscriptionCollection when HttpMethods.IsPost(method) && target.ResourceType!.EndsWith("/register", StringComparison.OrdinalIgnoreCase)
                => new(write, target.ResourceType + "/action", target.Id, ApiVersions.ResourceGroups, Providers.RegisterAsync),
            // POST {resource}/{action} (listKeys, restart…): RBAC action '{type}/{action}/action' at the resource; counted as a write.
            ArmTargetKind.ResourceCollection when HttpMethods.IsPost(method) && !string.Equals(target.ParentId, ResourceGroupIdOf(target), StringComparison.OrdinalIgnoreCase)
                => new(write, ActionOf(target), target.ParentId, null, GenericResources.PostActionAsync),
            ArmTargetKind.RoleAssignment when get => new(read, RoleAssignments.ReadAction, target.Scope!.Id, ApiVersions.RoleAssignments, RoleAssignments.GetAsync),
            ArmTargetKind.RoleAssignment when put => new(write, RoleAssignments.WriteAction, target.Scope!.Id, ApiVersions.RoleAssignments, RoleAssignments.PutAsync),
            ArmTargetKind.RoleAssignment when delete => new(del, RoleAssignments.DeleteAction, target.Scope!.Id, ApiVersions.RoleAssignments, RoleAssignments.DeleteAsync),
            ArmTargetKind.RoleAssignmentList when get => new(read, RoleAssignments.ReadAction, target.Scope!.Id, ApiVersions.RoleAssignments, RoleAssignments.ListAsync),
            // Built-in role definitions are readable by every authenticated caller at the tenant root; below it RBAC applies.
            ArmTargetKind.RoleDefinition when get => new(read, target.Scope!.Id == "/" ? null : RoleDefinitions.ReadAction, target.Scope.Id, ApiVersions.RoleDefinitions, RoleDefinitions.GetAsync),
            ArmTargetKind.RoleDefinitionList when get => new(read, target.Scope!.Id == "/" ? null : RoleDefinitions.ReadAction, target.Scope.Id, ApiVersions.RoleDefinitions, RoleDefinitions.ListAsync),
            _ => null,
        };
        if (op is null) error = target.Kind == ArmTargetKind.Unknown ? ArmErrors.PathNotFound() : ArmErrors.MethodNotAllowed(method);
        return op;
    }
}
