using GeneratedArm.TestServer.Rbac;
using GeneratedArm.TestServer.State;

namespace GeneratedArm.TestServer;

/// <summary>
/// The default state: the Azure tutorial "Use a Windows VM system-assigned managed identity to access Resource Manager".
/// Subscription, resource group and location are the tutorial's; the other ids are fixed GUIDs made up for the emulator.
/// </summary>
public static class TutorialDefaults
{
    public const string TenantId = "c0ffee00-1e5a-4d5b-9c6d-7e8f9a0b1c2d";
    public const string SubscriptionId = "98f51385-2edc-4b79-bed9-7718de4cb861";
    public const string SubscriptionDisplayName = "Tutorial Subscription";
    public const string ResourceGroupName = "DevTest";
    public const string Location = "westus";
    public const string VirtualMachineName = "myVM";
    public const string VirtualMachineId = "5c08b38e-4d57-4c23-ac45-aca61037f084";

    /// <summary>Object id of the VM's system-assigned identity's service principal (token <c>oid</c>/<c>sub</c>).</summary>
    public const string SystemAssignedPrincipalId = "8f5b3c7a-1d2e-4f60-9a7b-0c1d2e3f4a5b";

    /// <summary>Application (client) id of the VM's system-assigned identity (token <c>appid</c>).</summary>
    public const string SystemAssignedClientId = "2a9c1e4f-6b3d-4e8a-b7c5-d1e2f3a4b5c6";

    /// <summary>Name (GUID) of the role assignment granting the VM's identity Reader on <c>DevTest</c>.</summary>
    public const string ReaderAssignmentName = "0e9d4a3b-7c6f-4b5a-8e2d-1f0a9b8c7d6e";

    /// <summary>The scope of the tutorial's role assignment.</summary>
    public const string ResourceGroupId = "/subscriptions/" + SubscriptionId + "/resourceGroups/" + ResourceGroupName;

    /// <summary>ARM id of the tutorial's VM.</summary>
    public const string VirtualMachineResourceId = ResourceGroupId + "/providers/Microsoft.Compute/virtualMachines/" + VirtualMachineName;

    /// <summary>The tutorial's world as a snapshot: tenant, subscription, <c>DevTest</c>, <c>myVM</c> with its identity, built-in roles, Reader on <c>DevTest</c>.</summary>
    public static EmulatorStateSnapshot CreateSnapshot() => new()
    {
        Tenants = [new TenantInfo(TenantId)],
        Subscriptions = [new SubscriptionInfo(SubscriptionId, TenantId, SubscriptionDisplayName)],
        ResourceGroups = [new ResourceGroupInfo(SubscriptionId, ResourceGroupName, Location)],
        VirtualMachines =
        [
            new VirtualMachineInfo(SubscriptionId, ResourceGroupName, VirtualMachineName, Location, VirtualMachineId)
            {
                SystemAssignedIdentity = new ManagedIdentityInfo(
                    ManagedIdentityKind.SystemAssigned, VirtualMachineResourceId, SystemAssignedPrincipalId, SystemAssignedClientId, TenantId),
            },
        ],
        RoleDefinitions = BuiltInRoles.All,
        RoleAssignments = [new RoleAssignmentInfo(ReaderAssignmentName, ResourceGroupId, BuiltInRoles.ReaderId, SystemAssignedPrincipalId)],
    };
}
