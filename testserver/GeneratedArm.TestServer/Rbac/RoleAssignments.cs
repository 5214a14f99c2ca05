using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using GeneratedArm.TestServer.Arm;
using GeneratedArm.TestServer.State;

namespace GeneratedArm.TestServer.Rbac;

/// <summary>
/// <c>{scope}/providers/Microsoft.Authorization/roleAssignments[/{name}]</c> at subscription, resource-group and resource scope
/// (azure-rest-api-specs authorization 2022-04-01 authorization-RoleAssignmentsCalls.json and its examples).
/// </summary>
internal static partial class RoleAssignments
{
    public const string ReadAction = "Microsoft.Authorization/roleAssignments/read";
    public const string WriteAction = "Microsoft.Authorization/roleAssignments/write";
    public const string DeleteAction = "Microsoft.Authorization/roleAssignments/delete";
    private const string Type = "Microsoft.Authorization/roleAssignments";

    public static async Task GetAsync(ArmRequest request)
    {
        var assignment = Find(request);
        if (assignment is null)
        {
            await request.WriteErrorAsync(ArmErrors.RoleAssignmentNotFound(request.Target.Name!)).ConfigureAwait(false);
            return;
        }
        await request.WriteJsonAsync(200, w => Write(w, assignment)).ConfigureAwait(false);
    }

    public static async Task PutAsync(ArmRequest request)
    {
        var t = request.Target;
        if (!await ScopeExistsAsync(request).ConfigureAwait(false)) return;
        if (!Guid.TryParse(t.Name, out _))
        {
            await request.WriteErrorAsync(ArmErrors.RoleAssignmentIdInvalid(t.Name!)).ConfigureAwait(false);
            return;
        }
        var body = await request.ReadJsonObjectAsync().ConfigureAwait(false);
        if (body is not { } json) return;
        if (!json.TryGetProperty("properties", out var properties) || properties.ValueKind != JsonValueKind.Object)
        {
            await request.WriteErrorAsync(ArmErrors.RequiredPropertyMissing("properties")).ConfigureAwait(false);
            return;
        }
        string? roleDefinitionId = String(properties, "roleDefinitionId");
        string? principalId = String(properties, "principalId");
        if (string.IsNullOrEmpty(roleDefinitionId))
        {
            await request.WriteErrorAsync(ArmErrors.RequiredPropertyMissing("roleDefinitionId")).ConfigureAwait(false);
            return;
        }
        if (string.IsNullOrEmpty(principalId) || !Guid.TryParse(principalId, out _))
        {
            await request.WriteErrorAsync(ArmErrors.PrincipalIdInvalid(principalId)).ConfigureAwait(false);
            return;
        }
        var role = request.State.FindRoleDefinition(roleDefinitionId);
        if (role is null)
        {
            await request.WriteErrorAsync(ArmErrors.RoleDefinitionDoesNotExist(400, roleDefinitionId[(roleDefinitionId.LastIndexOf('/') + 1)..])).ConfigureAwait(false);
            return;
        }
        string scope = t.Scope!.Id;
        var existing = request.State.FindRoleAssignment(t.Name!);
        if (existing is not null)
        {
            bool same = string.Equals(existing.Scope, scope, StringComparison.OrdinalIgnoreCase)
                && string.Equals(existing.PrincipalId, principalId, StringComparison.OrdinalIgnoreCase)
                && string.Equals(existing.RoleDefinitionId, role.Id, StringComparison.OrdinalIgnoreCase);
            if (!same)
            {
                await request.WriteErrorAsync(ArmErrors.RoleAssignmentUpdateNotPermitted()).ConfigureAwait(false);
                return;
            }
            await request.WriteJsonAsync(201, w => Write(w, existing)).ConfigureAwait(false);
            return;
        }
        if (request.State.RoleAssignments.Any(a => string.Equals(a.Scope, scope, StringComparison.OrdinalIgnoreCase)
                && string.Equals(a.PrincipalId, principalId, StringComparison.OrdinalIgnoreCase)
                && string.Equals(a.RoleDefinitionId, role.Id, StringComparison.OrdinalIgnoreCase)))
        {
            await request.WriteErrorAsync(ArmErrors.RoleAssignmentExists()).ConfigureAwait(false);
            return;
        }
        var assignment = new RoleAssignmentInfo(t.Name!.ToLowerInvariant(), scope, role.Id, principalId, String(properties, "principalType") ?? "User")
        {
            Description = String(properties, "description"),
            CreatedOn = request.Runtime.UtcNow,
            CreatedBy = request.Caller.ObjectId,
        };
        var (saved, _) = request.State.AddRoleAssignmentIfAbsent(assignment);
        // 201 Created (RoleAssignments_Create).
        await request.WriteJsonAsync(201, w => Write(w, saved)).ConfigureAwait(false);
    }

    /// <summary>DELETE: 200 with the deleted assignment, 204 when there was none (RoleAssignments_Delete).</summary>
    public static async Task DeleteAsync(ArmRequest request)
    {
        var assignment = Find(request);
        if (assignment is null)
        {
            request.NoContent(204);
            return;
        }
        request.State.RemoveRoleAssignment(assignment.Name);
        await request.WriteJsonAsync(200, w => Write(w, assignment)).ConfigureAwait(false);
    }

    /// <summary>
    /// Lists at a scope: without a filter, assignments at, above and below it; <c>atScope()</c>: at or above; <c>principalId eq '…'</c>
    /// (or <c>assignedTo('…')</c>): that principal's at, above or below; both combine with <c>and</c>.
    /// </summary>
    public static async Task ListAsync(ArmRequest request)
    {
        string scope = request.Target.Scope!.Id;
        if (!await ScopeExistsAsync(request).ConfigureAwait(false)) return;
        var (ok, offset, pageSize) = await ArmPaging.ReadAsync(request).ConfigureAwait(false);
        if (!ok) return;
        bool atScope = false;
        string? principal = null;
        if (request.Query["$filter"] is { Count: > 0 } filterText && !string.IsNullOrWhiteSpace(filterText))
        {
            foreach (string clause in AndSplit().Split(filterText.ToString().Trim()))
            {
                if (AtScope().IsMatch(clause)) { atScope = true; continue; }
                var m = PrincipalFilter().Match(clause);
                if (m.Success) { principal = m.Groups["id"].Value; continue; }
                await request.WriteErrorAsync(ArmErrors.QueryUnsupported(filterText.ToString(), "atScope(), principalId eq '{id}', assignedTo('{id}')")).ConfigureAwait(false);
                return;
            }
        }
        var items = request.State.RoleAssignments
            .Where(a => RbacEvaluator.ScopeContains(a.Scope, scope) || (!atScope && RbacEvaluator.ScopeContains(scope, a.Scope)))
            .Where(a => principal is null || string.Equals(a.PrincipalId, principal, StringComparison.OrdinalIgnoreCase))
            .ToList();
        await ArmPaging.WritePageAsync(request, items, offset, pageSize, Write).ConfigureAwait(false);
    }

    [GeneratedRegex(@"\s+and\s+", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex AndSplit();

    [GeneratedRegex(@"^atScope\(\)$", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex AtScope();

    [GeneratedRegex(@"^(?:principalId\s+eq\s+'(?<id>[^']*)'|assignedTo\('(?<id>[^']*)'\))$", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex PrincipalFilter();

    private static RoleAssignmentInfo? Find(ArmRequest request)
    {
        var assignment = request.State.FindRoleAssignment(request.Target.Name!);
        return assignment is not null && string.Equals(assignment.Scope, request.Target.Scope!.Id, StringComparison.OrdinalIgnoreCase) ? assignment : null;
    }

    /// <summary>Assignments at a resource group or resource need it to exist (subscriptions are checked at the gateway).</summary>
    private static async Task<bool> ScopeExistsAsync(ArmRequest request)
    {
        var scope = request.Target.Scope!;
        if (scope.Kind is ArmTargetKind.ResourceGroup or ArmTargetKind.Resource
            && request.State.FindResourceGroup(scope.SubscriptionId!, scope.ResourceGroup!) is null)
        {
            await request.WriteErrorAsync(ArmErrors.ResourceGroupNotFound(scope.ResourceGroup!)).ConfigureAwait(false);
            return false;
        }
        return true;
    }

    private static string? String(JsonElement obj, string name) =>
        obj.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    /// <summary>The 2022-04-01 shape (examples/RoleAssignments_Get.json); <c>roleDefinitionId</c> at the subscription of the scope.</summary>
    public static void Write(Utf8JsonWriter w, RoleAssignmentInfo a)
    {
        var scopeTarget = ArmTarget.Parse(a.Scope);
        string definitionScope = scopeTarget.SubscriptionId is { } sub ? "/subscriptions/" + sub : "";
        w.WriteStartObject();
        w.WriteStartObject("properties");
        w.WriteString("roleDefinitionId", $"{definitionScope}/providers/Microsoft.Authorization/roleDefinitions/{a.RoleDefinitionId}");
        w.WriteString("principalId", a.PrincipalId);
        w.WriteString("principalType", a.PrincipalType);
        w.WriteString("scope", a.Scope);
        if (a.Description is not null) w.WriteString("description", a.Description); else w.WriteNull("description");
        w.WriteNull("condition");
        w.WriteNull("conditionVersion");
        string? created = a.CreatedOn?.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fffffff'Z'", CultureInfo.InvariantCulture);
        if (created is not null) { w.WriteString("createdOn", created); w.WriteString("updatedOn", created); }
        if (a.CreatedBy is not null) { w.WriteString("createdBy", a.CreatedBy); w.WriteString("updatedBy", a.CreatedBy); }
        w.WriteNull("delegatedManagedIdentityResourceId");
        w.WriteEndObject();
        w.WriteString("id", a.Id);
        w.WriteString("type", Type);
        w.WriteString("name", a.Name);
        w.WriteEndObject();
    }
}
