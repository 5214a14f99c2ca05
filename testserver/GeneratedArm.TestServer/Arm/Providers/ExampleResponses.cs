using System.Text.Json;
using System.Text.Json.Nodes;

namespace GeneratedArm.TestServer.Arm.ProviderSpecs;

/// <summary>
/// An <c>x-ms-examples</c> response made the request's own: every example path parameter (subscription id, group name, resource
/// names) that appears in a string value of the body is replaced by the request's value for the same path segment.
/// </summary>
internal static class ExampleResponses
{
    public static JsonElement Substitute(JsonElement body, IReadOnlyDictionary<string, string> exampleParameters, IReadOnlyList<string?> templateParameters, string requestPath)
    {
        var segments = requestPath.Split('/', StringSplitOptions.RemoveEmptyEntries);
        var replacements = new List<(string From, string To)>();
        for (int i = 0; i < templateParameters.Count && i < segments.Length; i++)
        {
            if (templateParameters[i] is not { } name || !exampleParameters.TryGetValue(name, out var from) || from.Length == 0) continue;
            replacements.Add((from, Uri.UnescapeDataString(segments[i])));
        }
        // Longer values first, so "rg1" inside "rg1-identity" is not replaced before "rg1-identity" itself.
        replacements.Sort((a, b) => b.From.Length.CompareTo(a.From.Length));
        var node = JsonNode.Parse(body.GetRawText());
        node = Replace(node, replacements);
        return JsonDocument.Parse(node?.ToJsonString() ?? "null").RootElement.Clone();
    }

    private static JsonNode? Replace(JsonNode? node, List<(string From, string To)> replacements)
    {
        switch (node)
        {
            case JsonObject o:
                foreach (var (key, value) in o.ToList()) o[key] = Replace(value?.DeepClone(), replacements);
                return o;
            case JsonArray a:
                for (int i = 0; i < a.Count; i++) a[i] = Replace(a[i]?.DeepClone(), replacements);
                return a;
            case JsonValue v when v.TryGetValue<string>(out var text):
                foreach (var (from, to) in replacements) text = text.Replace(from, to, StringComparison.Ordinal);
                return JsonValue.Create(text);
            default:
                return node;
        }
    }
}
