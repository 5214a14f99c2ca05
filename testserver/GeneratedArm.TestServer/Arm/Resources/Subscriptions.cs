using System.Text.Json;
using GeneratedArm.TestServer.Rbac;
using GeneratedArm.TestServer.State;

namespace GeneratedArm.TestServer.Arm.Resources;

/// <summary>
/// <c>GET /subscriptions</c> and <c>GET /subscriptions/{id}</c> (Microsoft.Resources subscriptions API, 2022-12-01 shape).
/// A caller sees the subscriptions of its token's tenant where it holds any role assignment (at, above or below the subscription),
/// as in Azure; with RBAC enforcement off, every subscription of its tenant.
/// </summary>
internal static class Subscriptions
{
    private const string ReadAction = "Microsoft.Resources/subscriptions/read";

    public static async Task ListAsync(ArmRequest request)
    {
        var (ok, offset, pageSize) = await ArmPaging.ReadAsync(request).ConfigureAwait(false);
        if (!ok) return;
        var visible = request.State.Subscriptions
            .Where(s => string.Equals(s.TenantId, request.Caller.TenantId, StringComparison.OrdinalIgnoreCase) && IsVisible(request, s))
            .ToList();
        await ArmPaging.WritePageAsync(request, visible, offset, pageSize, Write).ConfigureAwait(false);
    }

    public static async Task GetAsync(ArmRequest request)
    {
        var subscription = request.State.FindSubscription(request.Target.SubscriptionId!)!;
        if (!IsVisible(request, subscription))
        {
            await request.WriteErrorAsync(ArmErrors.AuthorizationFailed(request.Caller, ReadAction, "/subscriptions/" + subscription.SubscriptionId)).ConfigureAwait(false);
            return;
        }
        await request.WriteJsonAsync(200, w => Write(w, subscription)).ConfigureAwait(false);
    }

    /// <summary><c>GET /tenants</c> (2022-12-01 shape): the caller's own tenant.</summary>
    public static async Task ListTenantsAsync(ArmRequest request)
    {
        var tenants = request.State.Tenants.Where(t => string.Equals(t.TenantId, request.Caller.TenantId, StringComparison.OrdinalIgnoreCase)).ToList();
        await ArmPaging.WritePageAsync(request, tenants, 0, int.MaxValue, (w, t) =>
        {
            w.WriteStartObject();
            w.WriteString("id", "/tenants/" + t.TenantId);
            w.WriteString("tenantId", t.TenantId);
            w.WriteString("countryCode", "US");
            w.WriteString("displayName", t.DisplayName);
            w.WriteStartArray("domains");
            w.WriteStringValue("emulator.onmicrosoft.com");
            w.WriteEndArray();
            w.WriteString("tenantCategory", "Home");
            w.WriteString("defaultDomain", "emulator.onmicrosoft.com");
            w.WriteString("tenantType", "AAD");
            w.WriteEndObject();
        }).ConfigureAwait(false);
    }

    /// <summary>Whether the caller holds any role assignment at, above or below the subscription (or RBAC is off).</summary>
    internal static bool IsVisible(ArmRequest request, SubscriptionInfo subscription)
    {
        if (!request.Options.EnforceRbac) return true;
        string scope = "/subscriptions/" + subscription.SubscriptionId;
        return request.State.RoleAssignmentsOf(request.Caller.ObjectId)
            .Any(a => RbacEvaluator.ScopeContains(a.Scope, scope) || RbacEvaluator.ScopeContains(scope, a.Scope));
    }

    public static void Write(Utf8JsonWriter w, SubscriptionInfo s)
    {
        w.WriteStartObject();
        w.WriteString("id", "/subscriptions/" + s.SubscriptionId);
        w.WriteString("authorizationSource", "RoleBased");
        w.WriteStartArray("managedByTenants");
        w.WriteEndArray();
        w.WriteString("subscriptionId", s.SubscriptionId);
        w.WriteString("tenantId", s.TenantId);
        w.WriteString("displayName", s.DisplayName);
        w.WriteString("state", s.State);
        w.WriteStartObject("subscriptionPolicies");
        w.WriteString("locationPlacementId", "Public_2014-09-01");
        w.WriteString("quotaId", "PayAsYouGo_2014-09-01");
        w.WriteString("spendingLimit", "Off");
        w.WriteEndObject();
        w.WriteEndObject();
    }
}
