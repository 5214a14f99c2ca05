using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using GeneratedArm.TestServer.State;

namespace GeneratedArm.TestServer.Arm.Resources;

/// <summary>
/// Any <c>{provider}/{type}/{name}</c> (and nested <c>…/{childType}/{childName}</c>) under a resource group: PUT stores the body and
/// fills <c>id</c>, <c>name</c>, <c>type</c>; GET, PATCH (JSON merge), DELETE; lists by collection, by group and by subscription.
/// No provider logic: users emulate any resource type without code. The state's virtual machines and user-assigned identities
/// answer GET at their ids too, so the tutorial's VM is readable.
/// </summary>
internal static partial class GenericResources
{
    public static async Task GetAsync(ArmRequest request)
    {
        var resource = await FindOr404Async(request).ConfigureAwait(false);
        if (resource is null) return;
        await request.WriteJsonAsync(200, w => WriteFull(w, resource)).ConfigureAwait(false);
    }

    public static async Task PutAsync(ArmRequest request)
    {
        var t = request.Target;
        var group = await GroupOr404Async(request).ConfigureAwait(false);
        if (group is null) return;
        if (string.Equals(group.ProvisioningState, "Deleting", StringComparison.OrdinalIgnoreCase))
        {
            await request.WriteErrorAsync(ArmErrors.ResourceGroupBeingDeleted(group.Name)).ConfigureAwait(false);
            return;
        }
        if (!await ValidateNameAsync(request, t.Name!).ConfigureAwait(false)) return;
        if (!string.Equals(t.ParentId, group.Id, StringComparison.OrdinalIgnoreCase) && Find(request.State, t.ParentId!) is null)
        {
            await request.WriteErrorAsync(ArmErrors.ParentResourceNotFound(ShortPath(t.ParentId!))).ConfigureAwait(false);
            return;
        }
        var body = await request.ReadJsonObjectAsync().ConfigureAwait(false);
        if (body is not { } json) return;
        var tags = await ResourceGroups.ReadTagsAsync(request, json).ConfigureAwait(false);
        if (tags.Failed) return;

        var stored = JsonNode.Parse(json.GetRawText())!.AsObject();
        foreach (string readOnly in new[] { "id", "name", "type" }) stored.Remove(readOnly);
        if (stored["location"] is JsonValue loc && loc.TryGetValue<string>(out var location))
            stored["location"] = ResourceGroups.NormalizeLocation(location);
        if (stored["properties"] is JsonObject properties && properties["provisioningState"] is null)
            properties["provisioningState"] = "Succeeded";

        var resource = new GenericResourceInfo(t.Id, t.ResourceType!, t.Name!, t.SubscriptionId!, group.Name, ToElement(stored));
        var (saved, created) = request.State.UpsertResource(resource);
        await request.WriteJsonAsync(created ? 201 : 200, w => WriteFull(w, saved)).ConfigureAwait(false);
    }

    /// <summary>PATCH: a JSON merge patch (RFC 7386) of the stored body — what most resource providers' PATCH amounts to for tags and properties.</summary>
    public static async Task PatchAsync(ArmRequest request)
    {
        var existing = await FindOr404Async(request).ConfigureAwait(false);
        if (existing is null) return;
        if (request.State.FindResource(existing.Id) is null)
        {
            await request.WriteErrorAsync(ArmErrors.MethodNotAllowed(request.Method)).ConfigureAwait(false);
            return;
        }
        var body = await request.ReadJsonObjectAsync().ConfigureAwait(false);
        if (body is not { } json) return;
        var tags = await ResourceGroups.ReadTagsAsync(request, json).ConfigureAwait(false);
        if (tags.Failed) return;
        var merged = JsonNode.Parse(existing.Body.GetRawText())!.AsObject();
        Merge(merged, JsonNode.Parse(json.GetRawText())!.AsObject());
        foreach (string readOnly in new[] { "id", "name", "type" }) merged.Remove(readOnly);
        var (saved, _) = request.State.UpsertResource(existing with { Body = ToElement(merged) });
        await request.WriteJsonAsync(200, w => WriteFull(w, saved)).ConfigureAwait(false);
    }

    /// <summary>DELETE: 200 when the resource existed, 204 when it did not (ARM's convention for synchronous deletes); children go with it.</summary>
    public static async Task DeleteAsync(ArmRequest request)
    {
        if (await GroupOr404Async(request).ConfigureAwait(false) is null) return;
        request.NoContent(request.State.RemoveResource(request.Target.Id) ? 200 : 204);
    }

    /// <summary>
    /// <c>POST {resource}/{action}</c>: resource actions (<c>listKeys</c>, <c>restart</c>…) have no emulated behaviour; the emulator
    /// checks the resource exists and RBAC allowed <c>{type}/{action}/action</c>, and answers 200 with <c>{}</c>.
    /// </summary>
    public static async Task PostActionAsync(ArmRequest request)
    {
        var t = request.Target;
        if (await GroupOr404Async(request).ConfigureAwait(false) is null) return;
        if (Find(request.State, t.ParentId!) is null)
        {
            await request.WriteErrorAsync(ArmErrors.ResourceNotFound(ShortPath(t.ParentId!), t.ResourceGroup!)).ConfigureAwait(false);
            return;
        }
        await request.WriteJsonAsync(200, w =>
        {
            w.WriteStartObject();
            w.WriteEndObject();
        }).ConfigureAwait(false);
    }

    public static async Task ListCollectionAsync(ArmRequest request)
    {
        var t = request.Target;
        if (await GroupOr404Async(request).ConfigureAwait(false) is null) return;
        var (ok, offset, pageSize) = await ArmPaging.ReadAsync(request).ConfigureAwait(false);
        if (!ok) return;
        var items = AllResources(request.State)
            .Where(r => string.Equals(r.Type, t.ResourceType, StringComparison.OrdinalIgnoreCase) && string.Equals(ParentOf(r), t.ParentId, StringComparison.OrdinalIgnoreCase))
            .Where(r => request.IsAllowed(r.Type + "/read", r.Id))
            .ToList();
        await ArmPaging.WritePageAsync(request, items, offset, pageSize, WriteFull).ConfigureAwait(false);
    }

    /// <summary><c>GET /subscriptions/{s}/providers/{ns}/{type}</c>: the type's resources in every group the caller may read them in (full bodies).</summary>
    public static async Task ListTypeInSubscriptionAsync(ArmRequest request)
    {
        var t = request.Target;
        var (ok, offset, pageSize) = await ArmPaging.ReadAsync(request).ConfigureAwait(false);
        if (!ok) return;
        string prefix = "/subscriptions/" + t.SubscriptionId + "/";
        var items = AllResources(request.State)
            .Where(r => r.Id.StartsWith(prefix, StringComparison.OrdinalIgnoreCase) && string.Equals(r.Type, t.ResourceType, StringComparison.OrdinalIgnoreCase))
            .Where(r => request.IsAllowed(r.Type + "/read", r.Id))
            .ToList();
        await ArmPaging.WritePageAsync(request, items, offset, pageSize, WriteFull).ConfigureAwait(false);
    }

    /// <summary><c>GET /subscriptions/{s}/resourceGroups/{g}/resources</c> (Resources_ListByResourceGroup).</summary>
    public static async Task ListInGroupAsync(ArmRequest request)
    {
        if (await GroupOr404Async(request).ConfigureAwait(false) is null) return;
        string prefix = request.Target.Id + "/";
        await ListAsync(request, r => r.Id.StartsWith(prefix, StringComparison.OrdinalIgnoreCase)).ConfigureAwait(false);
    }

    /// <summary><c>GET /subscriptions/{s}/resources</c> (Resources_List): what the caller may read.</summary>
    public static Task ListInSubscriptionAsync(ArmRequest request)
    {
        string prefix = "/subscriptions/" + request.Target.SubscriptionId + "/";
        return ListAsync(request, r => r.Id.StartsWith(prefix, StringComparison.OrdinalIgnoreCase) && request.IsAllowed(r.Type + "/read", r.Id));
    }

    private static async Task ListAsync(ArmRequest request, Func<GenericResourceInfo, bool> include)
    {
        var (ok, offset, pageSize) = await ArmPaging.ReadAsync(request).ConfigureAwait(false);
        if (!ok) return;
        Func<GenericResourceInfo, bool> filter = _ => true;
        if (request.Query["$filter"] is { Count: > 0 } filterText && !string.IsNullOrWhiteSpace(filterText))
        {
            var m = ResourceFilter().Match(filterText.ToString().Trim());
            if (!m.Success)
            {
                await request.WriteErrorAsync(ArmErrors.FilterUnsupported(filterText.ToString(), "resourceType eq '<type>', name eq '<name>', tagName eq '<name>' [and tagValue eq '<value>']")).ConfigureAwait(false);
                return;
            }
            string field = m.Groups["field"].Value, value = m.Groups["value"].Value.Replace("''", "'", StringComparison.Ordinal);
            string? tagValue = m.Groups["tagValue"].Success ? m.Groups["tagValue"].Value.Replace("''", "'", StringComparison.Ordinal) : null;
            filter = field.ToUpperInvariant() switch
            {
                "RESOURCETYPE" => r => string.Equals(r.Type, value, StringComparison.OrdinalIgnoreCase),
                "NAME" => r => string.Equals(r.Name, value, StringComparison.OrdinalIgnoreCase),
                _ => r => Tags(r).Any(kv => string.Equals(kv.Key, value, StringComparison.OrdinalIgnoreCase) && (tagValue is null || kv.Value == tagValue)),
            };
        }
        var items = AllResources(request.State).Where(include).Where(filter).ToList();
        await ArmPaging.WritePageAsync(request, items, offset, pageSize, WriteSummary).ConfigureAwait(false);
    }

    [GeneratedRegex(@"^(?<field>resourceType|name|tagName)\s+eq\s+'(?<value>(?:[^']|'')*)'(?:\s+and\s+tagValue\s+eq\s+'(?<tagValue>(?:[^']|'')*)')?$", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex ResourceFilter();

    // ---- helpers ------------------------------------------------------------------------------------------------------------------

    internal static async Task<ResourceGroupInfo?> GroupOr404Async(ArmRequest request)
    {
        var t = request.Target;
        var group = request.State.FindResourceGroup(t.SubscriptionId!, t.ResourceGroup!);
        if (group is null)
            await request.WriteErrorAsync(ArmErrors.ResourceGroupNotFound(t.ResourceGroup!)).ConfigureAwait(false);
        return group;
    }

    private static async Task<GenericResourceInfo?> FindOr404Async(ArmRequest request)
    {
        var t = request.Target;
        var group = await GroupOr404Async(request).ConfigureAwait(false);
        if (group is null) return null;
        var resource = Find(request.State, t.Id);
        if (resource is null)
        {
            await request.WriteErrorAsync(ArmErrors.ResourceNotFound(ShortPath(t.Id), t.ResourceGroup!)).ConfigureAwait(false);
        }
        return resource;
    }

    /// <summary>The stored resource, or a VM / user-assigned identity of the identity side's state at that id.</summary>
    internal static GenericResourceInfo? Find(EmulatorState state, string id) =>
        state.FindResource(id) ?? AllIdentityResources(state).FirstOrDefault(r => string.Equals(r.Id, id, StringComparison.OrdinalIgnoreCase));

    /// <summary>Stored resources, then the identity side's views; a stored resource written over a view (same id) shows once.</summary>
    internal static IEnumerable<GenericResourceInfo> AllResources(EmulatorState state) =>
        state.Resources.Concat(AllIdentityResources(state)).DistinctBy(r => r.Id, StringComparer.OrdinalIgnoreCase);

    /// <summary>The state's VMs and user-assigned identities as ARM resources (read-only views).</summary>
    private static IEnumerable<GenericResourceInfo> AllIdentityResources(EmulatorState state)
    {
        foreach (var vm in state.VirtualMachines)
        {
            var body = new JsonObject { ["location"] = vm.Location };
            if (vm.Tags.Count > 0) body["tags"] = new JsonObject(vm.Tags.Select(kv => KeyValuePair.Create(kv.Key, (JsonNode?)kv.Value)));
            var identity = new JsonObject();
            var types = new List<string>();
            if (vm.SystemAssignedIdentity is { } sa)
            {
                types.Add("SystemAssigned");
                identity["principalId"] = sa.PrincipalId;
                identity["tenantId"] = sa.TenantId;
            }
            if (vm.UserAssignedIdentityIds.Count > 0)
            {
                types.Add("UserAssigned");
                var users = new JsonObject();
                foreach (var uid in vm.UserAssignedIdentityIds)
                {
                    var uami = state.UserAssignedIdentities.FirstOrDefault(u => string.Equals(u.ResourceId, uid, StringComparison.OrdinalIgnoreCase));
                    users[uid] = new JsonObject { ["principalId"] = uami?.PrincipalId, ["clientId"] = uami?.ClientId };
                }
                identity["userAssignedIdentities"] = users;
            }
            if (types.Count > 0)
            {
                identity["type"] = string.Join(", ", types);
                body["identity"] = identity;
            }
            body["properties"] = new JsonObject
            {
                ["vmId"] = vm.VmId,
                ["hardwareProfile"] = new JsonObject { ["vmSize"] = vm.VmSize },
                ["storageProfile"] = new JsonObject { ["osDisk"] = new JsonObject { ["osType"] = vm.OsType } },
                ["provisioningState"] = "Succeeded",
            };
            yield return new GenericResourceInfo(vm.Id, "Microsoft.Compute/virtualMachines", vm.Name, vm.SubscriptionId, vm.ResourceGroup, ToElement(body));
        }
        foreach (var uami in state.UserAssignedIdentities)
        {
            var target = ArmTarget.Parse(uami.ResourceId);
            if (target.Kind != ArmTargetKind.Resource) continue;
            string location = state.FindResourceGroup(target.SubscriptionId!, target.ResourceGroup!)?.Location ?? TutorialDefaults.Location;
            var body = new JsonObject
            {
                ["location"] = location,
                ["properties"] = new JsonObject { ["tenantId"] = uami.TenantId, ["principalId"] = uami.PrincipalId, ["clientId"] = uami.ClientId },
            };
            yield return new GenericResourceInfo(uami.ResourceId, "Microsoft.ManagedIdentity/userAssignedIdentities", target.Name!, target.SubscriptionId!, target.ResourceGroup!, ToElement(body));
        }
    }

    private static string ParentOf(GenericResourceInfo r)
    {
        var target = ArmTarget.Parse(r.Id);
        return target.ParentId ?? "";
    }

    private static IEnumerable<KeyValuePair<string, string>> Tags(GenericResourceInfo r)
    {
        if (r.Body.ValueKind != JsonValueKind.Object || !r.Body.TryGetProperty("tags", out var tags) || tags.ValueKind != JsonValueKind.Object) yield break;
        foreach (var t in tags.EnumerateObject())
            if (t.Value.ValueKind == JsonValueKind.String) yield return KeyValuePair.Create(t.Name, t.Value.GetString()!);
    }

    /// <summary>Resource names: 1–260 characters, none of <c>&lt; &gt; % &amp; \ ? /</c> or control characters (ARM's generic rule).</summary>
    internal static async Task<bool> ValidateNameAsync(ArmRequest request, string name)
    {
        if (name.Length is > 0 and <= 260 && !name.Any(c => c is '<' or '>' or '%' or '&' or '\\' or '?' or '/' || char.IsControl(c)) && !name.EndsWith('.'))
            return true;
        await request.WriteErrorAsync(ArmErrors.ResourceNameInvalid(name)).ConfigureAwait(false);
        return false;
    }

    internal static string ShortPath(string id)
    {
        int i = id.IndexOf("/providers/", StringComparison.OrdinalIgnoreCase);
        return i < 0 ? id : id[(i + "/providers/".Length)..];
    }

    private static JsonElement ToElement(JsonObject node) => JsonDocument.Parse(node.ToJsonString()).RootElement.Clone();

    internal static void Merge(JsonObject target, JsonObject patch)
    {
        foreach (var (key, value) in patch.ToList())
        {
            if (value is null) target.Remove(key);
            else if (value is JsonObject po && target[key] is JsonObject to) Merge(to, po);
            else target[key] = value.DeepClone();
        }
    }

    /// <summary>The full resource: <c>id</c>, <c>name</c>, <c>type</c>, then the stored body.</summary>
    public static void WriteFull(Utf8JsonWriter w, GenericResourceInfo r)
    {
        w.WriteStartObject();
        w.WriteString("id", r.Id);
        w.WriteString("name", r.Name);
        w.WriteString("type", r.Type);
        if (r.Body.ValueKind == JsonValueKind.Object)
        {
            foreach (var p in r.Body.EnumerateObject())
            {
                if (p.NameEquals("id") || p.NameEquals("name") || p.NameEquals("type")) continue;
                p.WriteTo(w);
            }
        }
        w.WriteEndObject();
    }

    /// <summary>The generic list's shape: envelope fields only (<c>id</c>, <c>name</c>, <c>type</c>, <c>kind</c>, <c>location</c>, <c>managedBy</c>, <c>sku</c>, <c>identity</c>, <c>tags</c>).</summary>
    public static void WriteSummary(Utf8JsonWriter w, GenericResourceInfo r)
    {
        w.WriteStartObject();
        w.WriteString("id", r.Id);
        w.WriteString("name", r.Name);
        w.WriteString("type", r.Type);
        if (r.Body.ValueKind == JsonValueKind.Object)
        {
            foreach (string field in new[] { "kind", "location", "managedBy", "sku", "identity", "tags" })
                if (r.Body.TryGetProperty(field, out var value)) { w.WritePropertyName(field); value.WriteTo(w); }
        }
        w.WriteEndObject();
    }
}
