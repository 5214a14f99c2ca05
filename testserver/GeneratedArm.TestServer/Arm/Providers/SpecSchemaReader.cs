using System.Globalization;
using System.Text.Json;

namespace GeneratedArm.TestServer.Arm.ProviderSpecs;

/// <summary>
/// Builds <see cref="SpecSchema"/>s from a spec's JSON: follows <c>$ref</c>s across files, flattens <c>allOf</c>, reads enums
/// (<c>x-ms-enum</c>), formats, bounds and discriminators. Each referenced definition is built once, so recursive models terminate.
/// Unresolvable references throw <see cref="SpecException"/> (the caller reports the path and falls back).
/// </summary>
internal sealed class SpecSchemaReader(SpecDocuments documents)
{
    private readonly Dictionary<string, SpecSchema> _byKey = new(StringComparer.Ordinal);
    private readonly Dictionary<string, List<SpecNode>> _subtypesOf = new(StringComparer.Ordinal);
    private readonly HashSet<string> _indexedFiles = new(StringComparer.Ordinal);

    public SpecSchema Read(SpecNode node)
    {
        var target = documents.Follow(node);
        if (_byKey.TryGetValue(target.Key, out var known)) return known;
        var schema = new SpecSchema { Origin = target.Key };
        // Registered before it is filled: a property that refers back to this definition gets the same (partly built) object.
        if (target.Pointer.Length > 0) _byKey[target.Key] = schema;
        Fill(schema, target, includeSubtypes: true, depth: 0);
        return schema;
    }

    private void Fill(SpecSchema schema, SpecNode node, bool includeSubtypes, int depth)
    {
        var e = node.Element;
        if (e.ValueKind != JsonValueKind.Object) return;
        // allOf parents are merged in place (not through the definition cache), so a parent chain that loops must end here.
        if (depth > 32) throw new SpecException($"allOf chain at '{node.Key}' does not end");
        if (e.TryGetProperty("allOf", out var allOf) && allOf.ValueKind == JsonValueKind.Array)
        {
            int i = 0;
            foreach (var parent in allOf.EnumerateArray())
            {
                // Parents contribute properties and required; their discriminator stays with them (a subtype does not re-dispatch).
                var parentNode = documents.Follow(node.Child("allOf", parent) with { Pointer = node.Pointer + "/allOf/" + i++ });
                Fill(schema, parentNode, includeSubtypes: false, depth + 1);
            }
        }
        if (String(e, "type") is { } type) schema.Type = type;
        if (String(e, "format") is { } format) schema.Format = format;
        if (Bool(e, "readOnly")) schema.ReadOnly = true;
        if (Bool(e, "x-nullable")) schema.Nullable = true;
        if (String(e, "pattern") is { } pattern) schema.Pattern = pattern;
        schema.MinLength = Int(e, "minLength") ?? schema.MinLength;
        schema.MaxLength = Int(e, "maxLength") ?? schema.MaxLength;
        schema.MinItems = Int(e, "minItems") ?? schema.MinItems;
        schema.MaxItems = Int(e, "maxItems") ?? schema.MaxItems;
        schema.Minimum = Number(e, "minimum") ?? schema.Minimum;
        schema.Maximum = Number(e, "maximum") ?? schema.Maximum;
        if (e.TryGetProperty("enum", out var values) && values.ValueKind == JsonValueKind.Array)
        {
            schema.Enum = values.EnumerateArray().Select(v => v.ValueKind == JsonValueKind.String ? v.GetString()! : v.GetRawText()).ToList();
            // x-ms-enum modelAsString (default false in Swagger 2.0 ARM specs): true means "extensible", other values are accepted.
            schema.EnumExtensible = e.TryGetProperty("x-ms-enum", out var xmsEnum) && Bool(xmsEnum, "modelAsString");
        }
        if (e.TryGetProperty("required", out var required) && required.ValueKind == JsonValueKind.Array)
            foreach (var r in required.EnumerateArray()) if (r.ValueKind == JsonValueKind.String) schema.Required.Add(r.GetString()!);
        if (e.TryGetProperty("properties", out var properties) && properties.ValueKind == JsonValueKind.Object)
        {
            var propertiesNode = node.Child("properties", properties);
            foreach (var p in properties.EnumerateObject())
            {
                var propertyNode = propertiesNode.Child(p.Name, p.Value);
                var propertySchema = IsRef(p.Value) ? WithSiblings(Read(propertyNode), p.Value) : ReadInline(propertyNode);
                schema.Properties[p.Name] = propertySchema;
            }
        }
        if (e.TryGetProperty("items", out var items) && items.ValueKind == JsonValueKind.Object)
            schema.Items = Read(node.Child("items", items));
        if (e.TryGetProperty("additionalProperties", out var additional) && additional.ValueKind == JsonValueKind.Object)
            schema.AdditionalProperties = Read(node.Child("additionalProperties", additional));
        else if (additional.ValueKind == JsonValueKind.True)
            schema.AdditionalProperties = new SpecSchema { Origin = node.Key + "/additionalProperties" }; // any value
        if (includeSubtypes && String(e, "discriminator") is { } discriminator)
        {
            schema.Discriminator = discriminator;
            schema.DiscriminatorValue ??= String(e, "x-ms-discriminator-value") ?? DefinitionName(node);
            foreach (var sub in SubtypesOf(node))
            {
                var subtype = Read(sub);
                subtype.DiscriminatorValue = String(sub.Element, "x-ms-discriminator-value") ?? DefinitionName(sub);
                if (subtype.DiscriminatorValue is { } value) schema.Subtypes[value] = subtype;
            }
        }
    }

    /// <summary>An inline schema (not a reference) is built fresh: it has no key of its own to share.</summary>
    private SpecSchema ReadInline(SpecNode node)
    {
        var schema = new SpecSchema { Origin = node.Key };
        Fill(schema, node, includeSubtypes: true, depth: 0);
        return schema;
    }

    /// <summary>A property that is a <c>$ref</c> with <c>readOnly</c> beside it (as common-types' <c>systemData</c> is) is read-only here only.</summary>
    private static SpecSchema WithSiblings(SpecSchema referenced, JsonElement property)
    {
        if (!Bool(property, "readOnly") || referenced.ReadOnly) return referenced;
        var copy = referenced.Copy();
        copy.ReadOnly = true;
        return copy;
    }

    /// <summary>Definitions (in every file loaded so far) whose <c>allOf</c> refers to <paramref name="baseNode"/>.</summary>
    private List<SpecNode> SubtypesOf(SpecNode baseNode)
    {
        foreach (string file in documents.Files.ToList())
        {
            if (!_indexedFiles.Add(file)) continue;
            var root = documents.Root(file);
            if (!root.TryGetProperty("definitions", out var definitions) || definitions.ValueKind != JsonValueKind.Object) continue;
            foreach (var d in definitions.EnumerateObject())
            {
                if (!d.Value.TryGetProperty("allOf", out var allOf) || allOf.ValueKind != JsonValueKind.Array) continue;
                foreach (var parent in allOf.EnumerateArray())
                {
                    if (String(parent, "$ref") is not { } reference) continue;
                    SpecNode target;
                    try { target = documents.Resolve(file, reference); }
                    catch (SpecException) { continue; }
                    if (!_subtypesOf.TryGetValue(target.Key, out var list)) _subtypesOf[target.Key] = list = [];
                    list.Add(new SpecNode(file, "/definitions/" + d.Name.Replace("~", "~0", StringComparison.Ordinal).Replace("/", "~1", StringComparison.Ordinal), d.Value));
                }
            }
        }
        return _subtypesOf.TryGetValue(baseNode.Key, out var found) ? found : [];
    }

    private static string? DefinitionName(SpecNode node) =>
        node.Pointer.StartsWith("/definitions/", StringComparison.Ordinal) && node.Pointer.IndexOf('/', "/definitions/".Length) < 0
            ? node.Pointer["/definitions/".Length..].Replace("~1", "/", StringComparison.Ordinal).Replace("~0", "~", StringComparison.Ordinal)
            : null;

    private static bool IsRef(JsonElement e) => e.ValueKind == JsonValueKind.Object && e.TryGetProperty("$ref", out _);

    internal static string? String(JsonElement e, string name) =>
        e.ValueKind == JsonValueKind.Object && e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;

    internal static bool Bool(JsonElement e, string name) =>
        e.ValueKind == JsonValueKind.Object && e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.True;

    private static int? Int(JsonElement e, string name) =>
        e.ValueKind == JsonValueKind.Object && e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.Number && v.TryGetInt32(out int i) ? i : null;

    private static decimal? Number(JsonElement e, string name) =>
        e.ValueKind == JsonValueKind.Object && e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.Number
            && decimal.TryParse(v.GetRawText(), NumberStyles.Float, CultureInfo.InvariantCulture, out decimal d) ? d : null;
}
