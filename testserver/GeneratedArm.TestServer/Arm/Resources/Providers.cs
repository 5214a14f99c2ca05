using System.Text.Json;

namespace GeneratedArm.TestServer.Arm.Resources;

/// <summary>
/// <c>GET /subscriptions/{s}/providers[/{namespace}]</c>: resource providers, as SDKs read them to pick an api-version for a generic
/// resource (Azure.ResourceManager's <c>GenericResource</c>, <c>az resource</c>). Synthesized: <c>Microsoft.Resources</c>,
/// <c>Microsoft.Authorization</c>, the types of <see cref="ArmOptions.ResourceTypes"/> (common ones built in; add with
/// <c>EmulatorBuilder.AddResourceType</c>) and every type the state's resources use, all <c>Registered</c>; stored types not in the
/// options list a fixed set of stable api-versions (any well-formed version is accepted for them anyway). Visible to callers with any
/// role in the subscription.
/// </summary>
internal static class Providers
{
    private static readonly string[] GenericVersions = ["2024-01-01", "2023-01-01", "2022-09-01", "2021-04-01"];

    /// <summary>The locations every listed type reports.</summary>
    internal static readonly string[] Locations = ["West US", "East US", "West Europe"];

    private sealed record ProviderType(string Name, IReadOnlyList<string> ApiVersions);

    public static async Task ListAsync(ArmRequest request)
    {
        if (!await VisibleAsync(request).ConfigureAwait(false)) return;
        var all = Catalog(request).ToList();
        await ArmPaging.WritePageAsync(request, all, 0, int.MaxValue, (w, p) => Write(w, request, p.Namespace, p.Types)).ConfigureAwait(false);
    }

    public static async Task GetAsync(ArmRequest request)
    {
        if (!await VisibleAsync(request).ConfigureAwait(false)) return;
        string ns = request.Target.Name!;
        var provider = Catalog(request).FirstOrDefault(p => string.Equals(p.Namespace, ns, StringComparison.OrdinalIgnoreCase));
        if (provider.Namespace is null)
        {
            // Unknown namespaces are "NotRegistered" providers with no types, rather than errors, so any namespace can be used.
            provider = (ns, []);
        }
        await request.WriteJsonAsync(200, w => Write(w, request, provider.Namespace, provider.Types)).ConfigureAwait(false);
    }

    /// <summary><c>POST /subscriptions/{s}/providers/{ns}/register</c>: every provider is registered already; answers the provider.</summary>
    public static async Task RegisterAsync(ArmRequest request)
    {
        string ns = request.Target.ResourceType![..request.Target.ResourceType!.IndexOf('/', StringComparison.Ordinal)];
        var provider = Catalog(request).FirstOrDefault(p => string.Equals(p.Namespace, ns, StringComparison.OrdinalIgnoreCase));
        IReadOnlyList<ProviderType> types = provider.Namespace is null ? [] : provider.Types;
        await request.WriteJsonAsync(200, w => Write(w, request, provider.Namespace ?? ns, types, registered: true)).ConfigureAwait(false);
    }

    private static async Task<bool> VisibleAsync(ArmRequest request)
    {
        var subscription = request.State.FindSubscription(request.Target.SubscriptionId!)!;
        if (Subscriptions.IsVisible(request, subscription)) return true;
        await request.WriteErrorAsync(ArmErrors.AuthorizationFailed(request.Caller, "Microsoft.Resources/subscriptions/providers/read",
            "/subscriptions/" + subscription.SubscriptionId)).ConfigureAwait(false);
        return false;
    }

    private static IEnumerable<(string Namespace, IReadOnlyList<ProviderType> Types)> Catalog(ArmRequest request)
    {
        yield return ("Microsoft.Resources", [new("resourceGroups", ApiVersions.ResourceGroups), new("subscriptions", ApiVersions.Subscriptions), new("resources", ApiVersions.ResourceGroups)]);
        yield return ("Microsoft.Authorization", [new("roleAssignments", ApiVersions.RoleAssignments), new("roleDefinitions", ApiVersions.RoleDefinitions)]);
        var known = request.Options.ResourceTypes;
        var types = request.State.Resources.Select(r => r.Type)
            .Concat(known.Keys)
            .Distinct(StringComparer.OrdinalIgnoreCase)
            .GroupBy(t => t[..t.IndexOf('/', StringComparison.Ordinal)], StringComparer.OrdinalIgnoreCase)
            .OrderBy(g => g.Key, StringComparer.OrdinalIgnoreCase);
        foreach (var group in types)
        {
            if (group.Key.Equals("Microsoft.Resources", StringComparison.OrdinalIgnoreCase) || group.Key.Equals("Microsoft.Authorization", StringComparison.OrdinalIgnoreCase)) continue;
            yield return (group.Key, group.Select(t => new ProviderType(t[(t.IndexOf('/', StringComparison.Ordinal) + 1)..],
                known.TryGetValue(t, out var versions) ? versions : GenericVersions)).ToList());
        }
    }

    private static void Write(Utf8JsonWriter w, ArmRequest request, string ns, IReadOnlyList<ProviderType> types, bool registered = false)
    {
        w.WriteStartObject();
        w.WriteString("id", $"/subscriptions/{request.Target.SubscriptionId}/providers/{ns}");
        w.WriteString("namespace", ns);
        w.WriteString("registrationState", registered || types.Count > 0 ? "Registered" : "NotRegistered");
        w.WriteString("registrationPolicy", "RegistrationRequired");
        w.WriteStartArray("resourceTypes");
        foreach (var type in types)
        {
            w.WriteStartObject();
            w.WriteString("resourceType", type.Name);
            w.WriteStartArray("locations");
            foreach (var l in Locations) w.WriteStringValue(l);
            w.WriteEndArray();
            w.WriteStartArray("apiVersions");
            foreach (var v in type.ApiVersions) w.WriteStringValue(v);
            w.WriteEndArray();
            w.WriteString("capabilities", "None");
            w.WriteEndObject();
        }
        w.WriteEndArray();
        w.WriteEndObject();
    }
}
