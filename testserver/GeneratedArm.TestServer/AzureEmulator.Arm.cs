using GeneratedArm.TestServer.Arm;

namespace GeneratedArm.TestServer;

// The ARM side's helpers for tests.
public sealed partial class AzureEmulator
{
    /// <summary>
    /// A token (audience <c>https://management.azure.com/</c>) for the administrator principal, which holds Owner on every subscription
    /// of the initial state: use it to seed resources and role assignments through ARM. See <see cref="ArmAdministrator"/>.
    /// </summary>
    public string CreateAdministratorToken(string? tenantId = null) =>
        CreateAccessToken(ArmAdministrator.Identity(tenantId ?? (State.Tenants.Count > 0 ? State.Tenants[0].TenantId : TutorialDefaults.TenantId)));
}
