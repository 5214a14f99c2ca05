using System.Text.Json;
using System.Text.RegularExpressions;
using GeneratedArm.TestServer.Arm;
using GeneratedArm.TestServer.State;

namespace GeneratedArm.TestServer.Rbac;

/// <summary>
/// <c>{scope}/providers/Microsoft.Authorization/roleDefinitions[/{id}]</c>: the state's role definitions (the built-in ones with
/// their real ids), addressed at the tenant root (<c>/providers/…</c>) or a subscription/group/resource scope
/// (azure-rest-api-specs authorization 2022-04-01, examples/GetRoleDefinitionById.json).
/// </summary>
internal static partial class RoleDefinitions
{
    public const string ReadAction = "Microsoft.Authorization/roleDefinitions/read";

    public static async Task GetAsync(ArmRequest request)
    {
        var role = request.State.FindRoleDefinition(request.Target.Name!);
        if (role is null)
        {
            await request.WriteErrorAsync(ArmErrors.RoleDefinitionDoesNotExist(404, request.Target.Name!)).ConfigureAwait(false);
            return;
        }
        await request.WriteJsonAsync(200, w => Write(w, role, request.Target.Scope!.Id)).ConfigureAwait(false);
    }

    /// <summary>List, optionally with <c>$filter=roleName eq '…'</c> or <c>type eq 'BuiltInRole|CustomRole'</c>.</summary>
    public static async Task ListAsync(ArmRequest request)
    {
        var (ok, offset, pageSize) = await ArmPaging.ReadAsync(request).ConfigureAwait(false);
        if (!ok) return;
        Func<RoleDefinitionInfo, bool> filter = _ => true;
        if (request.Query["$filter"] is { Count: > 0 } filterText && !string.IsNullOrWhiteSpace(filterText))
        {
            var m = Filter().Match(filterText.ToString().Trim());
            if (!m.Success)
            {
                await request.WriteErrorAsync(ArmErrors.QueryUnsupported(filterText.ToString(), "roleName eq '{name}', type eq '{BuiltInRole|CustomRole}'")).ConfigureAwait(false);
                return;
            }
            string value = m.Groups["value"].Value;
            filter = m.Groups["field"].Value.Equals("roleName", StringComparison.OrdinalIgnoreCase)
                ? r => string.Equals(r.RoleName, value, StringComparison.OrdinalIgnoreCase)
                : r => string.Equals(r.RoleType, value, StringComparison.OrdinalIgnoreCase);
        }
        var items = request.State.RoleDefinitions.Where(filter).ToList();
        string scope = request.Target.Scope!.Id;
        await ArmPaging.WritePageAsync(request, items, offset, pageSize, (w, r) => Write(w, r, scope)).ConfigureAwait(false);
    }

    [GeneratedRegex(@"^(?<field>roleName|type)\s+eq\s+'(?<value>[^']*)'$", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex Filter();

    public static void Write(Utf8JsonWriter w, RoleDefinitionInfo r, string scope)
    {
        w.WriteStartObject();
        w.WriteString("id", $"{(scope == "/" ? "" : scope)}/providers/Microsoft.Authorization/roleDefinitions/{r.Id}");
        w.WriteString("type", "Microsoft.Authorization/roleDefinitions");
        w.WriteString("name", r.Id);
        w.WriteStartObject("properties");
        w.WriteString("roleName", r.RoleName);
        w.WriteString("type", r.RoleType);
        w.WriteString("description", r.Description);
        w.WriteStartArray("assignableScopes");
        w.WriteStringValue("/");
        w.WriteEndArray();
        w.WriteStartArray("permissions");
        w.WriteStartObject();
        WriteArray(w, "actions", r.Actions);
        WriteArray(w, "notActions", r.NotActions);
        WriteArray(w, "dataActions", []);
        WriteArray(w, "notDataActions", []);
        w.WriteEndObject();
        w.WriteEndArray();
        w.WriteString("createdOn", "2015-02-02T21:55:09.8806423Z");
        w.WriteString("updatedOn", "2021-11-11T20:13:47.8628684Z");
        w.WriteNull("createdBy");
        w.WriteNull("updatedBy");
        w.WriteEndObject();
        w.WriteEndObject();
    }

    private static void WriteArray(Utf8JsonWriter w, string name, IReadOnlyList<string> values)
    {
        w.WriteStartArray(name);
        foreach (var v in values) w.WriteStringValue(v);
        w.WriteEndArray();
    }
}
