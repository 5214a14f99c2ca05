using System.Text.Json;
using System.Text.Json.Nodes;
using GeneratedArm.TestServer.Arm.Resources;
using GeneratedArm.TestServer.State;

namespace GeneratedArm.TestServer.Arm.ProviderSpecs;

/// <summary>
/// Resources of types learned from specs, answered as ARM and a well-behaved provider would (azure-resource-manager-rpc v1.0
/// resource-api-reference.md): PUT validates the body against the type's definition in the request's api-version and stores what the
/// provider keeps, with server-filled fields (<see cref="ServerFields"/>); PATCH merges (RFC 7386) and validates the result; DELETE;
/// lists by group, by parent and by subscription with paging; POST actions from the spec's examples. Long-running operations as the
/// spec marks them (<see cref="ProviderOperationEndpoints"/>). Stored as generic resources are, so durable state and cascading
/// deletes apply unchanged.
/// </summary>
internal static class ProviderResources
{
    public static async Task GetAsync(ArmRequest request)
    {
        var version = Version(request);
        if (version.Get is null)
        {
            await request.WriteErrorAsync(ArmErrors.MethodNotAllowedInApiVersion(request.Method, request.ApiVersion)).ConfigureAwait(false);
            return;
        }
        // Identity-side views (the state's user-assigned identities and VMs) and 404s read as generic resources do.
        await GenericResources.GetAsync(request).ConfigureAwait(false);
    }

    public static async Task PutAsync(ArmRequest request)
    {
        var t = request.Target;
        var version = Version(request);
        if (version.Put is not { } put)
        {
            await request.WriteErrorAsync(ArmErrors.MethodNotAllowedInApiVersion(request.Method, request.ApiVersion)).ConfigureAwait(false);
            return;
        }
        if (await WritableGroupAsync(request).ConfigureAwait(false) is null) return;
        if (!await GenericResources.ValidateNameAsync(request, t.Name!).ConfigureAwait(false)) return;
        if (!await ParentExistsAsync(request).ConfigureAwait(false)) return;
        var body = await request.ReadJsonObjectAsync().ConfigureAwait(false);
        if (body is not { } json) return;
        // An identity-side view (a user-assigned identity of the state) counts as existing: its ids are kept.
        var existing = GenericResources.Find(request.State, t.Id);
        await StoreAsync(request, put, put.Body, json, existing).ConfigureAwait(false);
    }

    public static async Task PatchAsync(ArmRequest request)
    {
        var t = request.Target;
        var version = Version(request);
        if (version.Patch is not { } patch)
        {
            await request.WriteErrorAsync(ArmErrors.MethodNotAllowedInApiVersion(request.Method, request.ApiVersion)).ConfigureAwait(false);
            return;
        }
        if (await WritableGroupAsync(request).ConfigureAwait(false) is null) return;
        var existing = GenericResources.Find(request.State, t.Id);
        if (existing is null)
        {
            await request.WriteErrorAsync(ArmErrors.ResourceNotFound(GenericResources.ShortPath(t.Id), request.Target.ResourceGroup!)).ConfigureAwait(false);
            return;
        }
        var body = await request.ReadJsonObjectAsync().ConfigureAwait(false);
        if (body is not { } json) return;
        // The patch is checked against the update model, the merged resource against the resource model (so types hold after the merge).
        if (patch.Body is { } patchSchema && RequestBodyBinder.Bind(json, patchSchema).Errors is { Count: > 0 } patchErrors)
        {
            await request.WriteErrorAsync(ArmErrors.BodyDoesNotFitModel([.. patchErrors.Select(e => (e.Target, e.Message))])).ConfigureAwait(false);
            return;
        }
        var merged = JsonNode.Parse(existing.Body.GetRawText())!.AsObject();
        GenericResources.Merge(merged, JsonNode.Parse(json.GetRawText())!.AsObject());
        await StoreAsync(request, patch, version.Put?.Body ?? patch.Body, ServerFields.ToElement(merged), existing).ConfigureAwait(false);
    }

    public static async Task DeleteAsync(ArmRequest request)
    {
        var t = request.Target;
        var version = Version(request);
        if (version.Delete is not { } delete)
        {
            await request.WriteErrorAsync(ArmErrors.MethodNotAllowedInApiVersion(request.Method, request.ApiVersion)).ConfigureAwait(false);
            return;
        }
        if (await GenericResources.GroupOr404Async(request).ConfigureAwait(false) is null) return;
        var existing = request.State.FindResource(t.Id);
        if (existing is null)
        {
            request.NoContent(204);
            return;
        }
        if (delete.LongRunning && delete.Statuses.Contains(202))
        {
            // RPC: "If a provisioningState property is used for the resource, it MUST transition to a non-terminal state like 'Deleting'".
            request.State.UpsertResource(existing with { Body = ServerFields.WithProvisioningState(existing.Body, "Deleting") });
            string id = request.Runtime.Arm.ProviderOperations.Start(request.State, ProviderOperationKind.Delete, existing.Id);
            ProviderOperationEndpoints.SetHeaders(request, id);
            request.NoContent(202);
            return;
        }
        request.State.RemoveResource(existing.Id);
        request.NoContent(delete.Statuses.Contains(200) || delete.Statuses.Count == 0 ? 200 : 204);
    }

    /// <summary>Lists a type under a resource group, or under its parent resource (children): full bodies, paged.</summary>
    public static async Task ListAsync(ArmRequest request)
    {
        var t = request.Target;
        if (await GenericResources.GroupOr404Async(request).ConfigureAwait(false) is null) return;
        bool children = !string.Equals(t.ParentId, GroupId(t), StringComparison.OrdinalIgnoreCase);
        if (children && !Exists(request.State, t.ParentId!))
        {
            await request.WriteErrorAsync(ArmErrors.ResourceNotFound(GenericResources.ShortPath(t.ParentId!), request.Target.ResourceGroup!)).ConfigureAwait(false);
            return;
        }
        var (ok, offset, pageSize) = await ArmPaging.ReadAsync(request).ConfigureAwait(false);
        if (!ok) return;
        var items = GenericResources.AllResources(request.State)
            .Where(r => string.Equals(r.Type, t.ResourceType, StringComparison.OrdinalIgnoreCase) && IsChildOf(r.Id, t.ParentId!))
            .Where(r => request.IsAllowed(r.Type + "/read", r.Id))
            .ToList();
        await ArmPaging.WritePageAsync(request, items, offset, pageSize, GenericResources.WriteFull).ConfigureAwait(false);
    }

    /// <summary>
    /// <c>POST {resource}/{action}</c>: the body (when the spec has one) is validated; the answer is the first <c>x-ms-examples</c>
    /// response with the example's ids and names replaced by the request's; without an example, the documented default: 200 with
    /// <c>{}</c> when the spec declares a response body, else the declared empty status — marked by <c>x-ms-emulator-default-response: true</c>.
    /// </summary>
    public static async Task ActionAsync(ArmRequest request)
    {
        var t = request.Target;
        string type = t.ResourceType!;
        string action = type[(type.LastIndexOf('/') + 1)..];
        var owner = request.Options.Providers.Catalog.Find(type[..type.LastIndexOf('/')])!;
        if (!owner.For(request.ApiVersion).Actions.TryGetValue(action, out var operation))
        {
            await request.WriteErrorAsync(ArmErrors.MethodNotAllowedInApiVersion(request.Method, request.ApiVersion)).ConfigureAwait(false);
            return;
        }
        if (await GenericResources.GroupOr404Async(request).ConfigureAwait(false) is null) return;
        if (!Exists(request.State, t.ParentId!))
        {
            await request.WriteErrorAsync(ArmErrors.ResourceNotFound(GenericResources.ShortPath(t.ParentId!), request.Target.ResourceGroup!)).ConfigureAwait(false);
            return;
        }
        if (operation.Body is { } schema)
        {
            var body = await request.ReadJsonObjectAsync(allowEmpty: true).ConfigureAwait(false);
            if (body is not { } json) return;
            if (json.ValueKind == JsonValueKind.Object && RequestBodyBinder.Bind(json, schema).Errors is { Count: > 0 } errors)
            {
                await request.WriteErrorAsync(ArmErrors.BodyDoesNotFitModel([.. errors.Select(e => (e.Target, e.Message))])).ConfigureAwait(false);
                return;
            }
        }
        var (status, result) = ActionAnswer(request, operation);
        if (operation.LongRunning && operation.Statuses.Contains(202))
        {
            string id = request.Runtime.Arm.ProviderOperations.Start(request.State, ProviderOperationKind.Action, t.ParentId!, result, status);
            ProviderOperationEndpoints.SetHeaders(request, id);
            request.NoContent(202);
            return;
        }
        await WriteActionResultAsync(request, status, result).ConfigureAwait(false);
    }

    internal static Task WriteActionResultAsync(ArmRequest request, int status, JsonElement? result)
    {
        if (result is not { } body)
        {
            request.NoContent(status);
            return Task.CompletedTask;
        }
        return request.WriteJsonAsync(status, w => body.WriteTo(w));
    }

    private static (int Status, JsonElement? Body) ActionAnswer(ArmRequest request, SpecOperation operation)
    {
        if (operation.Example is { } example && example.Status != 202)
            return (example.Status, example.Body is { } body ? ExampleResponses.Substitute(body, example.Parameters, operation.PathParameters, request.Context.Request.Path.Value ?? "") : null);
        request.Context.Response.Headers["x-ms-emulator-default-response"] = "true";
        if (operation.ReturnsBody) return (200, JsonDocument.Parse("{}").RootElement.Clone());
        return (operation.Statuses.Contains(200) ? 200 : 204, null);
    }

    /// <summary>Validates <paramref name="body"/>, fills the server's fields, stores, and answers — synchronously or as the spec's long-running operation.</summary>
    private static async Task StoreAsync(ArmRequest request, SpecOperation operation, SpecSchema? schema, JsonElement body, GenericResourceInfo? existing)
    {
        var t = request.Target;
        JsonObject stored;
        if (schema is null)
        {
            stored = JsonNode.Parse(body.GetRawText())!.AsObject();
            foreach (string readOnly in new[] { "id", "name", "type" }) stored.Remove(readOnly);
        }
        else
        {
            if (schema.Required.Contains("location") && (!body.TryGetProperty("location", out var location) || location.ValueKind == JsonValueKind.Null))
            {
                await request.WriteErrorAsync(ArmErrors.LocationRequired() with { Target = "location" }).ConfigureAwait(false);
                return;
            }
            var (bound, errors) = RequestBodyBinder.Bind(body, schema);
            if (errors.Count > 0)
            {
                await request.WriteErrorAsync(ArmErrors.BodyDoesNotFitModel([.. errors.Select(e => (e.Target, e.Message))])).ConfigureAwait(false);
                return;
            }
            stored = bound!;
        }
        var tags = await ResourceGroups.ReadTagsAsync(request, body).ConfigureAwait(false);
        if (tags.Failed) return;

        bool async = operation.LongRunning && (operation.Statuses.Contains(201) || operation.Statuses.Contains(202));
        // RPC async-api-reference: a resource being provisioned reports a non-terminal state ("Accepted") until the operation ends.
        if (schema is not null) ServerFields.Complete(stored, schema, existing, request, async ? "Accepted" : "Succeeded");
        var resource = new GenericResourceInfo(t.Id, t.ResourceType!, t.Name!, t.SubscriptionId!, existing?.ResourceGroup ?? t.ResourceGroup!, ServerFields.ToElement(stored));
        var (saved, created) = request.State.UpsertResource(resource);
        if (!async)
        {
            int status = created && operation.Statuses.Contains(201) ? 201 : 200;
            await request.WriteJsonAsync(status, w => GenericResources.WriteFull(w, saved)).ConfigureAwait(false);
            return;
        }
        string id = request.Runtime.Arm.ProviderOperations.Start(request.State, ProviderOperationKind.Write, saved.Id);
        ProviderOperationEndpoints.SetHeaders(request, id);
        // 201 (created) or 200 (updated) with the body when declared; otherwise 202 without one (resource-api-reference.md "Put Resource").
        int initial = created && operation.Statuses.Contains(201) ? 201 : !created && operation.Statuses.Contains(200) ? 200 : 202;
        if (initial == 202)
        {
            request.NoContent(202);
            return;
        }
        var current = request.State.FindResource(saved.Id) ?? saved;
        await request.WriteJsonAsync(initial, w => GenericResources.WriteFull(w, current)).ConfigureAwait(false);
    }

    private static SpecTypeVersion Version(ArmRequest request)
    {
        var type = request.Options.Providers.Catalog.Find(request.Target.ResourceType)!;
        return type.For(request.ApiVersion);
    }

    private static async Task<ResourceGroupInfo?> WritableGroupAsync(ArmRequest request)
    {
        var group = await GenericResources.GroupOr404Async(request).ConfigureAwait(false);
        if (group is not null && string.Equals(group.ProvisioningState, "Deleting", StringComparison.OrdinalIgnoreCase))
        {
            await request.WriteErrorAsync(ArmErrors.ResourceGroupBeingDeleted(group.Name)).ConfigureAwait(false);
            return null;
        }
        return group;
    }

    private static async Task<bool> ParentExistsAsync(ArmRequest request)
    {
        var t = request.Target;
        if (string.Equals(t.ParentId, GroupId(t), StringComparison.OrdinalIgnoreCase) || Exists(request.State, t.ParentId!)) return true;
        await request.WriteErrorAsync(ArmErrors.ParentResourceNotFound(GenericResources.ShortPath(t.ParentId!))).ConfigureAwait(false);
        return false;
    }

    private static bool Exists(EmulatorState state, string id) => GenericResources.Find(state, id) is not null;

    private static string GroupId(ArmTarget t) => $"/subscriptions/{t.SubscriptionId}/resourceGroups/{t.ResourceGroup}";

    private static bool IsChildOf(string id, string parentId)
    {
        if (id.Length <= parentId.Length + 1 || !id.StartsWith(parentId, StringComparison.OrdinalIgnoreCase) || id[parentId.Length] != '/') return false;
        var rest = id[(parentId.Length + 1)..].Split('/');
        // Directly below a group: providers/{ns}/{type}/{name}; below a resource: {childType}/{name}.
        return rest.Length == (parentId.Contains("/providers/", StringComparison.OrdinalIgnoreCase) ? 2 : 4);
    }
}
