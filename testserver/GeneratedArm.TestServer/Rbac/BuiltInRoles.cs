using GeneratedArm.TestServer.State;

namespace GeneratedArm.TestServer.Rbac;

/// <summary>
/// Azure's built-in role definitions, with their real ids, actions and notActions.
/// Source: learn.microsoft.com/azure/role-based-access-control/built-in-roles (general.md, privileged.md).
/// </summary>
public static class BuiltInRoles
{
    public const string ReaderId = "acdd72a7-3385-48ef-bd42-f606fba81ae7";
    public const string ContributorId = "b24988ac-6180-42a0-ab88-20f7382dd24c";
    public const string OwnerId = "8e3af657-a8ff-443c-a75c-2fe8c4bcb635";
    public const string UserAccessAdministratorId = "18d7d88d-d35e-4fb5-a5c3-7773c20a72d9";

    public static RoleDefinitionInfo Reader { get; } = new(ReaderId, "Reader", ["*/read"], [],
        "View all resources, but does not allow you to make any changes.");

    public static RoleDefinitionInfo Contributor { get; } = new(ContributorId, "Contributor", ["*"],
        [
            "Microsoft.Authorization/*/Delete",
            "Microsoft.Authorization/*/Write",
            "Microsoft.Authorization/elevateAccess/Action",
            "Microsoft.Blueprint/blueprintAssignments/write",
            "Microsoft.Blueprint/blueprintAssignments/delete",
            "Microsoft.Compute/galleries/share/action",
            "Microsoft.Purview/consents/write",
            "Microsoft.Purview/consents/delete",
            "Microsoft.Resources/deploymentStacks/manageDenySetting/action",
            "Microsoft.Subscription/cancel/action",
            "Microsoft.Subscription/enable/action",
        ],
        "Grants full access to manage all resources, but does not allow you to assign roles in Azure RBAC, manage assignments in Azure Blueprints, or share image galleries.");

    public static RoleDefinitionInfo Owner { get; } = new(OwnerId, "Owner", ["*"], [],
        "Grants full access to manage all resources, including the ability to assign roles in Azure RBAC.");

    public static RoleDefinitionInfo UserAccessAdministrator { get; } = new(UserAccessAdministratorId, "User Access Administrator",
        ["*/read", "Microsoft.Authorization/*", "Microsoft.Support/*"], [],
        "Lets you manage user access to Azure resources.");

    public static IReadOnlyList<RoleDefinitionInfo> All { get; } = [Reader, Contributor, Owner, UserAccessAdministrator];
}
