namespace GeneratedArm.TestServer.Arm;

/// <summary>What an ARM request path addresses.</summary>
internal enum ArmTargetKind
{
    Unknown,
    SubscriptionList,
    Subscription,
    ResourceGroupList,
    ResourceGroup,
    ResourcesInGroup,
    ResourcesInSubscription,
    OperationResult,
    Resource,
    ResourceCollection,
    RoleAssignment,
    RoleAssignmentList,
    RoleDefinition,
    RoleDefinitionList,
    TenantList,
    ProviderList,
    Provider,
    SubscriptionCollection,
}

/// <summary>
/// A parsed ARM path. Segment names (<c>subscriptions</c>, <c>resourceGroups</c>, <c>providers</c>…) match case-insensitively —
/// real SDKs send <c>resourcegroups</c> — and ids are rebuilt with ARM's canonical <c>resourceGroups</c>, keeping the names as sent.
/// </summary>
internal sealed record ArmTarget(ArmTargetKind Kind)
{
    public string? SubscriptionId { get; init; }
    public string? ResourceGroup { get; init; }

    /// <summary>Full resource type, e.g. <c>Microsoft.Network/virtualNetworks/subnets</c> (resources and collections).</summary>
    public string? ResourceType { get; init; }

    /// <summary>Last name segment (resources), role assignment name, role definition id, or operation token.</summary>
    public string? Name { get; init; }

    /// <summary>The ARM id addressed (resources, groups, subscriptions), or the collection's parent id.</summary>
    public string Id { get; init; } = "";

    /// <summary>For resources: the parent's id (the group's for top-level resources).</summary>
    public string? ParentId { get; init; }

    /// <summary>For role assignments/definitions: the scope they are addressed at (<c>/</c> for the tenant).</summary>
    public ArmTarget? Scope { get; init; }

    public static readonly ArmTarget Root = new(ArmTargetKind.Unknown) { Id = "/" };

    private static bool Is(string segment, string name) => string.Equals(segment, name, StringComparison.OrdinalIgnoreCase);

    public static ArmTarget Parse(string path)
    {
        string[] segments = path.Split('/', StringSplitOptions.RemoveEmptyEntries);
        // Extension resources of Microsoft.Authorization at any scope: {scope}/providers/Microsoft.Authorization/roleAssignments[/{name}].
        for (int i = 0; i + 2 < segments.Length; i++)
        {
            if (!Is(segments[i], "providers") || !Is(segments[i + 1], "Microsoft.Authorization")) continue;
            bool assignments = Is(segments[i + 2], "roleAssignments");
            if (!assignments && !Is(segments[i + 2], "roleDefinitions")) continue;
            int rest = segments.Length - (i + 3);
            if (rest > 1) return new ArmTarget(ArmTargetKind.Unknown);
            var scope = i == 0 ? Root : ParseResource(segments[..i]);
            if (i != 0 && scope.Kind is not (ArmTargetKind.Subscription or ArmTargetKind.ResourceGroup or ArmTargetKind.Resource))
                return new ArmTarget(ArmTargetKind.Unknown);
            var kind = (assignments, rest) switch
            {
                (true, 1) => ArmTargetKind.RoleAssignment,
                (true, _) => ArmTargetKind.RoleAssignmentList,
                (false, 1) => ArmTargetKind.RoleDefinition,
                _ => ArmTargetKind.RoleDefinitionList,
            };
            return new ArmTarget(kind)
            {
                Scope = scope,
                SubscriptionId = scope.SubscriptionId,
                ResourceGroup = scope.ResourceGroup,
                Name = rest == 1 ? segments[^1] : null,
                Id = (scope.Id == "/" ? "" : scope.Id) + "/providers/Microsoft.Authorization/" + (assignments ? "roleAssignments" : "roleDefinitions")
                    + (rest == 1 ? "/" + segments[^1] : ""),
            };
        }
        return ParseResource(segments);
    }

    private static ArmTarget ParseResource(string[] s)
    {
        var unknown = new ArmTarget(ArmTargetKind.Unknown);
        if (s.Length == 1 && Is(s[0], "tenants")) return new ArmTarget(ArmTargetKind.TenantList) { Id = "/tenants" };
        if (s.Length == 0 || !Is(s[0], "subscriptions")) return unknown;
        if (s.Length == 1) return new ArmTarget(ArmTargetKind.SubscriptionList) { Id = "/subscriptions" };
        string sub = s[1];
        string subId = "/subscriptions/" + sub;
        if (s.Length == 2) return new ArmTarget(ArmTargetKind.Subscription) { SubscriptionId = sub, Id = subId };
        if (Is(s[2], "resources") && s.Length == 3) return new ArmTarget(ArmTargetKind.ResourcesInSubscription) { SubscriptionId = sub, Id = subId };
        if (Is(s[2], "providers") && s.Length == 3) return new ArmTarget(ArmTargetKind.ProviderList) { SubscriptionId = sub, Id = subId };
        if (Is(s[2], "providers") && s.Length == 4) return new ArmTarget(ArmTargetKind.Provider) { SubscriptionId = sub, Name = s[3], Id = subId + "/providers/" + s[3] };
        // /subscriptions/{s}/providers/{namespace}/{type}: every resource of a top-level type in the subscription.
        if (Is(s[2], "providers") && s.Length == 5)
            return new ArmTarget(ArmTargetKind.SubscriptionCollection) { SubscriptionId = sub, ResourceType = s[3] + "/" + s[4], Id = subId };
        if (Is(s[2], "operationresults") && s.Length == 4) return new ArmTarget(ArmTargetKind.OperationResult) { SubscriptionId = sub, Name = s[3], Id = subId };
        if (!Is(s[2], "resourceGroups")) return unknown;
        if (s.Length == 3) return new ArmTarget(ArmTargetKind.ResourceGroupList) { SubscriptionId = sub, Id = subId };
        string rg = s[3];
        string rgId = subId + "/resourceGroups/" + rg;
        if (s.Length == 4) return new ArmTarget(ArmTargetKind.ResourceGroup) { SubscriptionId = sub, ResourceGroup = rg, Id = rgId };
        if (Is(s[4], "resources") && s.Length == 5) return new ArmTarget(ArmTargetKind.ResourcesInGroup) { SubscriptionId = sub, ResourceGroup = rg, Id = rgId };
        if (!Is(s[4], "providers") || s.Length < 7) return unknown;

        // providers/{namespace}/{type}/{name}[/{childType}/{childName}]…; an odd number of type/name segments addresses a collection.
        string ns = s[5];
        var pairs = s[6..];
        var type = new System.Text.StringBuilder(ns);
        var id = new System.Text.StringBuilder(rgId).Append("/providers/").Append(ns);
        string parentId = rgId;
        for (int i = 0; i < pairs.Length; i += 2)
        {
            type.Append('/').Append(pairs[i]);
            if (i > 0) parentId = id.ToString();
            if (i + 1 >= pairs.Length)
            {
                return new ArmTarget(ArmTargetKind.ResourceCollection)
                {
                    SubscriptionId = sub,
                    ResourceGroup = rg,
                    ResourceType = type.ToString(),
                    ParentId = parentId,
                    Id = parentId,
                };
            }
            id.Append('/').Append(pairs[i]).Append('/').Append(pairs[i + 1]);
        }
        return new ArmTarget(ArmTargetKind.Resource)
        {
            SubscriptionId = sub,
            ResourceGroup = rg,
            ResourceType = type.ToString(),
            Name = pairs[^1],
            ParentId = parentId,
            Id = id.ToString(),
        };
    }
}
