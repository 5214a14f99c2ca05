using GeneratedArm.TestServer.Arm.Throttling;
using Microsoft.AspNetCore.Http;

namespace GeneratedArm.TestServer.Arm.ProviderSpecs;

/// <summary>
/// Sends requests for resource types learned from specs to <see cref="ProviderResources"/>, and the operation URLs they hand out to
/// <see cref="ProviderOperationEndpoints"/>; null for everything else, which keeps today's routes (generic resources included).
/// RBAC actions as for generic resources: <c>{type}/read|write|delete</c> at the resource, <c>{type}/{action}/action</c> for POST.
/// </summary>
internal static class ProviderRoutes
{
    public static ArmOperation? Resolve(ProviderOptions options, ArmTarget target, string path, string method)
    {
        var catalog = options.Catalog;
        if (catalog.IsEmpty) return null;
        var read = ArmOperationKind.Read;
        var write = ArmOperationKind.Write;
        bool get = HttpMethods.IsGet(method), head = HttpMethods.IsHead(method);
        switch (target.Kind)
        {
            case ArmTargetKind.Resource when catalog.Find(target.ResourceType) is { } type:
                var versions = type.VersionList;
                if (get || head) return new(read, type.Type + "/read", target.Id, versions, ProviderResources.GetAsync);
                if (HttpMethods.IsPut(method)) return new(write, type.Type + "/write", target.Id, versions, ProviderResources.PutAsync);
                if (HttpMethods.IsPatch(method)) return new(write, type.Type + "/write", target.Id, versions, ProviderResources.PatchAsync);
                if (HttpMethods.IsDelete(method)) return new(ArmOperationKind.Delete, type.Type + "/delete", target.Id, versions, ProviderResources.DeleteAsync);
                return null;
            case ArmTargetKind.ResourceCollection when get && catalog.Find(target.ResourceType) is { } listed:
                return new(read, null, null, listed.VersionList, ProviderResources.ListAsync);
            case ArmTargetKind.ResourceCollection when HttpMethods.IsPost(method) && ActionOwner(catalog, target) is { } owner:
                return new(write, target.ResourceType + "/action", target.ParentId, owner.VersionList, ProviderResources.ActionAsync);
            case ArmTargetKind.SubscriptionCollection when get && catalog.Find(target.ResourceType) is { } inSubscription:
                return new(read, null, null, inSubscription.VersionList, Resources.GenericResources.ListTypeInSubscriptionAsync);
            case ArmTargetKind.Unknown when get && ProviderOperationEndpoints.Parse(path) is not null:
                // Operation URLs are not RBAC-checked (as resource-group operation results are); any well-formed api-version.
                return new(read, null, null, null, ProviderOperationEndpoints.GetAsync);
            default:
                return null;
        }
    }

    /// <summary>The type whose resources have the action <c>POST {resource}/{action}</c> addresses, when a spec declares it.</summary>
    private static SpecResourceType? ActionOwner(ProviderCatalog catalog, ArmTarget target)
    {
        string type = target.ResourceType!;
        int slash = type.LastIndexOf('/');
        if (slash <= type.IndexOf('/', StringComparison.Ordinal)) return null;
        var owner = catalog.Find(type[..slash]);
        string action = type[(slash + 1)..];
        return owner is not null && owner.Versions.Values.Any(v => v.Actions.ContainsKey(action)) ? owner : null;
    }
}
