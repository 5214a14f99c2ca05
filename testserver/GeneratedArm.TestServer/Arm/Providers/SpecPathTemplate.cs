namespace GeneratedArm.TestServer.Arm.ProviderSpecs;

/// <summary>What a spec path addresses.</summary>
internal enum SpecPathKind
{
    /// <summary><c>…/providers/{ns}/{type}/{name}[/{childType}/{childName}]…</c>: one resource.</summary>
    Instance,
    /// <summary><c>…/providers/{ns}/{type}[/{name}/{childType}]</c>: a list under a group or parent, or (POST) an action on the parent.</summary>
    Collection,
    /// <summary><c>/subscriptions/{s}/providers/{ns}/{type}</c>: the type's resources in a subscription.</summary>
    SubscriptionCollection,
}

/// <summary>A parsed spec path template: the namespace and the type segments it addresses.</summary>
internal readonly record struct SpecPathShape(SpecPathKind Kind, string Namespace, IReadOnlyList<string> Types);

/// <summary>
/// Reads ARM path templates (resource-api-reference.md "Arguments for CRUD on Resource"): literal segments match
/// case-insensitively (specs mix <c>resourceGroups</c>/<c>resourcegroups</c>); a name is a <c>{parameter}</c> or, for singletons
/// (<c>…/blobServices/default</c>), a literal.
/// </summary>
internal static class SpecPathTemplate
{
    public static SpecPathShape? Parse(string template)
    {
        var s = template.Split('/', StringSplitOptions.RemoveEmptyEntries);
        if (s.Length < 4 || !Is(s[0], "subscriptions") || !IsParameter(s[1])) return null;
        if (Is(s[2], "providers") && s.Length == 5 && !IsParameter(s[3]) && !IsParameter(s[4]))
            return new SpecPathShape(SpecPathKind.SubscriptionCollection, s[3], [s[4]]);
        if (s.Length < 7 || !Is(s[2], "resourceGroups") || !IsParameter(s[3]) || !Is(s[4], "providers") || IsParameter(s[5])) return null;
        var rest = s[6..];
        var types = new List<string>();
        for (int i = 0; i < rest.Length; i += 2)
        {
            if (IsParameter(rest[i])) return null; // a type segment must be a literal
            types.Add(rest[i]);
        }
        return new SpecPathShape(rest.Length % 2 == 0 ? SpecPathKind.Instance : SpecPathKind.Collection, s[5], types);
    }

    /// <summary>Each segment's parameter name (<c>{resourceName}</c> → <c>resourceName</c>), null for literal segments.</summary>
    public static IReadOnlyList<string?> Parameters(string template) =>
        [.. template.Split('/', StringSplitOptions.RemoveEmptyEntries).Select(s => IsParameter(s) ? s[1..^1] : null)];

    private static bool IsParameter(string segment) => segment.StartsWith('{') && segment.EndsWith('}');

    private static bool Is(string segment, string literal) => string.Equals(segment, literal, StringComparison.OrdinalIgnoreCase);
}
