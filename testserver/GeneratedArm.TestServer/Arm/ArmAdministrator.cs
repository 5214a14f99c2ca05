using GeneratedArm.TestServer.Rbac;
using GeneratedArm.TestServer.State;

namespace GeneratedArm.TestServer.Arm;

/// <summary>
/// The emulator's administrator: a service principal that holds Owner on every subscription of the initial state (a real role
/// assignment, listed like any other), for seeding resources and role assignments through ARM itself.
/// Get its token in-process with <see cref="AzureEmulator.CreateAdministratorToken"/>, standalone with
/// <c>POST /_emulator/arm/administrator-token</c> (loopback only).
/// </summary>
public static class ArmAdministrator
{
    /// <summary>Object id of the administrator's service principal (token <c>oid</c>).</summary>
    public const string PrincipalId = "0a0d0a1e-ad31-4e00-9a00-000000000001";

    /// <summary>Application (client) id (token <c>appid</c>).</summary>
    public const string ClientId = "0a0d0a1e-ad31-4e00-9a00-000000000002";

    /// <summary>Name prefix of the seeded Owner assignments (one per subscription; the rest of the GUID comes from the subscription id).</summary>
    internal static string AssignmentName(string subscriptionId)
    {
        // A stable GUID per subscription, so restarts and resets produce the same assignment.
        byte[] hash = System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes("emulator-admin:" + subscriptionId.ToUpperInvariant()));
        return new Guid(hash.AsSpan(0, 16)).ToString();
    }

    /// <summary>The administrator as an identity tokens can be issued for (tenant of <paramref name="tenantId"/>).</summary>
    public static ManagedIdentityInfo Identity(string tenantId) =>
        new(ManagedIdentityKind.UserAssigned, "/providers/GeneratedArm.Emulator/administrators/administrator", PrincipalId, ClientId, tenantId);

    /// <summary>Adds Owner at each subscription's scope for the administrator (idempotent).</summary>
    internal static EmulatorStateSnapshot Seed(EmulatorStateSnapshot state)
    {
        var added = new List<RoleAssignmentInfo>();
        foreach (var subscription in state.Subscriptions)
        {
            string name = AssignmentName(subscription.SubscriptionId);
            if (state.RoleAssignments.Any(a => string.Equals(a.Name, name, StringComparison.OrdinalIgnoreCase))) continue;
            added.Add(new RoleAssignmentInfo(name, "/subscriptions/" + subscription.SubscriptionId, BuiltInRoles.OwnerId, PrincipalId)
            {
                Description = "Emulator administrator (seeding)",
            });
        }
        return added.Count == 0 ? state : state with { RoleAssignments = [.. state.RoleAssignments, .. added] };
    }
}
