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
                if (get || head) return new(read, type.Type + "/read", target.Id, null, Versioned(type, ProviderResources.GetAsync));
                if (HttpMethods.IsPut(method)) return new(write, type.Type + "/write", target.Id, null, Versioned(type, ProviderResources.PutAsync));
                if (HttpMethods.IsPatch(method)) return new(write, type.Type + "/write", target.Id, null, Versioned(type, ProviderResources.PatchAsync));
                if (HttpMethods.IsDelete(method)) return new(ArmOperationKind.Delete, type.Type + "/delete", target.Id, null, Versioned(type, ProviderResources.DeleteAsync));
                return null;
            case ArmTargetKind.ResourceCollection when get && catalog.Find(target.ResourceType) is { } listed:
                return new(read, null, null, null, Versioned(listed, ProviderResources.ListAsync));
            case ArmTargetKind.ResourceCollection when HttpMethods.IsPost(method) && ActionOwner(catalog, target) is { } owner:
                return new(write, target.ResourceType + "/action", target.ParentId, null, Versioned(owner, ProviderResources.ActionAsync));
            case ArmTargetKind.SubscriptionCollection when get && catalog.Find(target.ResourceType) is { } inSubscription:
                return new(read, null, null, null, Versioned(inSubscription, Resources.GenericResources.ListTypeInSubscriptionAsync));
            case ArmTargetKind.Unknown when get && ProviderOperationEndpoints.Parse(path) is not null:
                // Operation URLs are not RBAC-checked (as resource-group operation results are); any well-formed api-version.
                return new(read, null, null, null, ProviderOperationEndpoints.GetAsync);
            default:
                return null;
        }
    }

    /// <summary>
    /// Only the api-versions the loaded specs declare for the type (any with <c>AcceptAnyApiVersion</c>); others get the provider's
    /// 400 <c>NoRegisteredProviderFound</c>. The gateway still rejects malformed versions with <c>InvalidApiVersionParameter</c>.
    /// </summary>
    private static Func<ArmRequest, Task> Versioned(SpecResourceType type, Func<ArmRequest, Task> handler) => request =>
        type.Versions.ContainsKey(request.ApiVersion) || request.Options.AcceptAnyApiVersion
            ? handler(request)
            : request.WriteErrorAsync(NoRegisteredProviderFound(request, type));

    /// <summary>
    /// The location in the error is the resource group's (for subscription-wide lists the emulator's default location — unverified);
    /// versions oldest first, as in current traces.
    /// </summary>
    private static ArmError NoRegisteredProviderFound(ArmRequest request, SpecResourceType type)
    {
        var t = request.Target;
        string location = t.ResourceGroup is { } group && request.State.FindResourceGroup(t.SubscriptionId!, group) is { } g ? g.Location : TutorialDefaults.Location;
        string shortType = type.Type[(type.Type.IndexOf('/', StringComparison.Ordinal) + 1)..];
        return ArmErrors.NoRegisteredProviderFound(location, request.ApiVersion, shortType, type.VersionList.Reverse(),
            Resources.Providers.Locations.Select(Resources.ResourceGroups.NormalizeLocation));
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
