using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using GeneratedArm.TestServer.State;

namespace GeneratedArm.TestServer.Arm.ProviderSpecs;

/// <summary>
/// What the provider fills in on a stored resource (ids come from the path; <see cref="Resources.GenericResources.WriteFull"/> writes
/// <c>id</c>, <c>name</c>, <c>type</c>): <c>location</c> normalized; <c>systemData</c> when the model has it (common-types
/// <c>systemData</c>: createdBy, createdByType, createdAt, lastModifiedBy, lastModifiedByType, lastModifiedAt — creation fields kept
/// across updates); <c>properties.provisioningState</c> when the model has it; read-only UUIDs (<c>principalId</c>, <c>clientId</c>…)
/// generated once and kept, <c>tenantId</c> being the subscription's tenant.
/// </summary>
internal static class ServerFields
{
    public static void Complete(JsonObject stored, SpecSchema schema, GenericResourceInfo? existing, ArmRequest request, string? provisioningState)
    {
        if (stored["location"] is JsonValue location && location.TryGetValue<string>(out var text))
            stored["location"] = Resources.ResourceGroups.NormalizeLocation(text);
        var previous = existing is null ? null : JsonNode.Parse(existing.Body.GetRawText()) as JsonObject;
        string tenant = request.State.FindSubscription(request.Target.SubscriptionId!)?.TenantId ?? request.Caller.TenantId;
        FillReadOnlyIds(stored, schema, previous, tenant, depth: 0);
        if (schema.Property("properties") is { } propertiesSchema && propertiesSchema.Property("provisioningState") is not null)
        {
            var properties = stored["properties"] as JsonObject ?? new JsonObject();
            stored["properties"] = properties;
            properties["provisioningState"] = provisioningState ?? (previous?["properties"]?["provisioningState"]?.GetValue<string>() ?? "Succeeded");
        }
        if (schema.Property("systemData") is not null) stored["systemData"] = SystemData(request, previous?["systemData"] as JsonObject);
    }

    /// <summary>Sets <c>properties.provisioningState</c> on a stored body (long-running operations moving on).</summary>
    public static JsonElement WithProvisioningState(JsonElement body, string state)
    {
        var node = JsonNode.Parse(body.GetRawText())!.AsObject();
        if (node["properties"] is JsonObject properties && properties.ContainsKey("provisioningState")) properties["provisioningState"] = state;
        return ToElement(node);
    }

    public static JsonElement ToElement(JsonObject node) => JsonDocument.Parse(node.ToJsonString()).RootElement.Clone();

    private static JsonObject SystemData(ArmRequest request, JsonObject? previous)
    {
        string now = request.Runtime.UtcNow.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fffffff'Z'", CultureInfo.InvariantCulture);
        var caller = request.Caller;
        // A managed identity of the state is a "ManagedIdentity"; other principals "Application" (common-types createdByType). Who the
        // caller is shown as (its app id, else object id) is the emulator's choice (unverified).
        bool managed = request.State.UserAssignedIdentities.Any(u => string.Equals(u.PrincipalId, caller.ObjectId, StringComparison.OrdinalIgnoreCase))
            || request.State.VirtualMachines.Any(v => string.Equals(v.SystemAssignedIdentity?.PrincipalId, caller.ObjectId, StringComparison.OrdinalIgnoreCase));
        string by = caller.AppId ?? caller.ObjectId;
        string byType = managed ? "ManagedIdentity" : "Application";
        return new JsonObject
        {
            ["createdBy"] = previous?["createdBy"]?.DeepClone() ?? by,
            ["createdByType"] = previous?["createdByType"]?.DeepClone() ?? byType,
            ["createdAt"] = previous?["createdAt"]?.DeepClone() ?? now,
            ["lastModifiedBy"] = by,
            ["lastModifiedByType"] = byType,
            ["lastModifiedAt"] = now,
        };
    }

    /// <summary>Read-only <c>format: uuid</c> strings in the model's objects (read-only bags too, as 2023-01-31's identity <c>properties</c>): the previous value, else a new one.</summary>
    private static void FillReadOnlyIds(JsonObject target, SpecSchema schema, JsonObject? previous, string tenant, int depth)
    {
        if (depth > 3) return;
        foreach (var (name, property) in schema.Properties)
        {
            if (name == "systemData") continue;
            if (property.ReadOnly && property.Type == "string" && property.Format == "uuid")
            {
                target[name] = previous?[name]?.DeepClone()
                    ?? (name.Equals("tenantId", StringComparison.OrdinalIgnoreCase) ? tenant : Guid.NewGuid().ToString());
            }
            else if (property.IsObject && property.AdditionalProperties is null && property.Discriminator is null && HasReadOnlyId(property, depth + 1))
            {
                // The properties bag is created for them (an identity PUT with only a location reads back with its ids);
                // other objects (e.g. an optional "identity") only when the client sent them.
                var child = target[name] as JsonObject;
                if (child is null && name != "properties") continue;
                child ??= new JsonObject();
                FillReadOnlyIds(child, property, previous?[name] as JsonObject, tenant, depth + 1);
                target[name] = child;
            }
        }
    }

    private static bool HasReadOnlyId(SpecSchema schema, int depth) =>
        depth <= 3 && schema.Properties.Values.Any(p => (p.ReadOnly && p.Type == "string" && p.Format == "uuid")
            || (p.IsObject && p.AdditionalProperties is null && p.Discriminator is null && HasReadOnlyId(p, depth + 1)));
}
