namespace GeneratedArm.TestServer.State;

/// <summary>An Entra tenant known to the emulator (tokens are issued by <c>https://sts.windows.net/{TenantId}/</c>).</summary>
public sealed record TenantInfo(string TenantId, string DisplayName = "Default Directory");

/// <summary>A subscription, owned by a tenant.</summary>
public sealed record SubscriptionInfo(string SubscriptionId, string TenantId, string DisplayName = "Emulated Subscription", string State = "Enabled");

/// <summary>A resource group. <see cref="Name"/> keeps its creation casing; look-ups are case-insensitive.</summary>
public sealed record ResourceGroupInfo(string SubscriptionId, string Name, string Location, string ProvisioningState = "Succeeded")
{
    /// <summary>Tags (empty by default).</summary>
    public IReadOnlyDictionary<string, string> Tags { get; init; } = new Dictionary<string, string>();

    /// <summary>ARM id, with ARM's camel-case <c>resourceGroups</c>.</summary>
    public string Id => $"/subscriptions/{SubscriptionId}/resourceGroups/{Name}";

    /// <summary>Id of the resource that manages this group (<c>managedBy</c>), or null.</summary>
    public string? ManagedBy { get; init; }
}

/// <summary>Kind of managed identity.</summary>
public enum ManagedIdentityKind
{
    /// <summary>Bound to one resource (the VM) and deleted with it.</summary>
    SystemAssigned,
    /// <summary>A standalone <c>Microsoft.ManagedIdentity/userAssignedIdentities</c> resource.</summary>
    UserAssigned,
}

/// <summary>
/// A managed identity: the service principal (<see cref="PrincipalId"/> = token <c>oid</c>/<c>sub</c>),
/// its application (<see cref="ClientId"/> = token <c>appid</c>) and the Azure resource it belongs to
/// (<see cref="ResourceId"/> = token <c>xms_mirid</c>, the VM for a system-assigned identity).
/// </summary>
public sealed record ManagedIdentityInfo(ManagedIdentityKind Kind, string ResourceId, string PrincipalId, string ClientId, string TenantId);

/// <summary>A virtual machine whose IMDS the emulator can play.</summary>
public sealed record VirtualMachineInfo(string SubscriptionId, string ResourceGroup, string Name, string Location, string VmId)
{
    /// <summary>ARM id of the VM.</summary>
    public string Id => $"/subscriptions/{SubscriptionId}/resourceGroups/{ResourceGroup}/providers/Microsoft.Compute/virtualMachines/{Name}";

    /// <summary>VM size reported by <c>/metadata/instance</c>.</summary>
    public string VmSize { get; init; } = "Standard_D2s_v3";

    /// <summary><c>Windows</c> or <c>Linux</c>.</summary>
    public string OsType { get; init; } = "Windows";

    /// <summary>Tags reported by <c>/metadata/instance</c>.</summary>
    public IReadOnlyDictionary<string, string> Tags { get; init; } = new Dictionary<string, string>();

    /// <summary>Private IPv4 address reported under <c>network</c>.</summary>
    public string PrivateIpAddress { get; init; } = "10.0.0.4";

    /// <summary>The system-assigned identity, or null when the VM has none.</summary>
    public ManagedIdentityInfo? SystemAssignedIdentity { get; init; }

    /// <summary>Resource ids of the user-assigned identities attached to the VM.</summary>
    public IReadOnlyList<string> UserAssignedIdentityIds { get; init; } = [];
}

/// <summary>A role definition (built-in roles carry their real Azure ids).</summary>
public sealed record RoleDefinitionInfo(string Id, string RoleName, IReadOnlyList<string> Actions, IReadOnlyList<string> NotActions, string Description = "")
{
    /// <summary><c>BuiltInRole</c> or <c>CustomRole</c>.</summary>
    public string RoleType { get; init; } = "BuiltInRole";
}

/// <summary>A role assignment: <see cref="PrincipalId"/> holds role <see cref="RoleDefinitionId"/> (a GUID) at <see cref="Scope"/>.</summary>
public sealed record RoleAssignmentInfo(string Name, string Scope, string RoleDefinitionId, string PrincipalId, string PrincipalType = "ServicePrincipal")
{
    /// <summary>ARM id of the assignment.</summary>
    public string Id => $"{(Scope == "/" ? "" : Scope)}/providers/Microsoft.Authorization/roleAssignments/{Name}";

    /// <summary>Optional description (<c>properties.description</c>).</summary>
    public string? Description { get; init; }

    /// <summary>When ARM created the assignment (null for seeded ones).</summary>
    public DateTimeOffset? CreatedOn { get; init; }

    /// <summary>Object id of the principal that created the assignment through ARM (null for seeded ones).</summary>
    public string? CreatedBy { get; init; }
}

/// <summary>
/// The whole emulated world as plain data: what a builder produces, what <see cref="EmulatorState"/> loads and
/// what a state file holds. <see cref="AzureEmulator.Reset"/> goes back to the snapshot the emulator was built with.
/// </summary>
public sealed record EmulatorStateSnapshot
{
    public IReadOnlyList<TenantInfo> Tenants { get; init; } = [];
    public IReadOnlyList<SubscriptionInfo> Subscriptions { get; init; } = [];
    public IReadOnlyList<ResourceGroupInfo> ResourceGroups { get; init; } = [];
    public IReadOnlyList<VirtualMachineInfo> VirtualMachines { get; init; } = [];
    /// <summary>User-assigned identities (system-assigned ones live on their VM).</summary>
    public IReadOnlyList<ManagedIdentityInfo> UserAssignedIdentities { get; init; } = [];
    public IReadOnlyList<RoleDefinitionInfo> RoleDefinitions { get; init; } = [];
    public IReadOnlyList<RoleAssignmentInfo> RoleAssignments { get; init; } = [];
    /// <summary>Name of the VM whose IMDS the emulator plays (default: the first VM).</summary>
    public string? ImdsVirtualMachineName { get; init; }
    /// <summary>Generic ARM resources (<c>{provider}/{type}/{name}</c> under a resource group), see <see cref="GenericResourceInfo"/>.</summary>
    public IReadOnlyList<GenericResourceInfo> Resources { get; init; } = [];
}
