using System.Collections.Generic;

namespace GeneratedArm.Generators.Json;

/// <summary>The kind of a <see cref="JsonNode"/>.</summary>
internal enum JsonKind
{
    Object,
    Array,
    String,
    Number,
    True,
    False,
    Null,
}

/// <summary>One member of a JSON object, with the position of its name.</summary>
internal sealed class JsonMember
{
    public JsonMember(string name, int nameStart, JsonNode value)
    {
        Name = name;
        NameStart = nameStart;
        Value = value;
    }

    public string Name { get; }

    public int NameStart { get; }

    public JsonNode Value { get; }
}

/// <summary>
/// A node of a parsed JSON document. Every node knows its span in the source text and its
/// JSON pointer, so any diagnostic about it can name the pointer and point at file/line/column.
/// Nodes are never cached by the incremental pipeline (they are not equatable); only the specs built
/// from them are.
/// </summary>
internal sealed class JsonNode
{
    private Dictionary<string, JsonNode>? _lookup;

    public JsonNode(JsonKind kind, int start, string pointer)
    {
        Kind = kind;
        Start = start;
        Pointer = pointer;
    }

    public JsonKind Kind { get; }

    /// <summary>Offset of the node's first character.</summary>
    public int Start { get; }

    /// <summary>Offset just past the node's last character.</summary>
    public int End { get; set; }

    /// <summary>The RFC 6901 JSON pointer of this node, as a URI fragment (<c>#/definitions/Foo</c>).</summary>
    public string Pointer { get; }

    /// <summary>The unescaped string of a <see cref="JsonKind.String"/>, or the raw text of a <see cref="JsonKind.Number"/>.</summary>
    public string? Text { get; set; }

    public List<JsonMember>? Members { get; set; }

    public List<JsonNode>? Items { get; set; }

    public bool IsObject => Kind == JsonKind.Object;

    public bool IsArray => Kind == JsonKind.Array;

    public bool IsString => Kind == JsonKind.String;

    /// <summary>Looks a member up by name; with duplicate names the last one wins, as in System.Text.Json.</summary>
    public JsonNode? this[string name]
    {
        get
        {
            if (Members is null)
            {
                return null;
            }

            if (_lookup is null)
            {
                var lookup = new Dictionary<string, JsonNode>(System.StringComparer.Ordinal);
                foreach (JsonMember member in Members)
                {
                    lookup[member.Name] = member.Value;
                }

                _lookup = lookup;
            }

            return _lookup.TryGetValue(name, out JsonNode? value) ? value : null;
        }
    }

    /// <summary>The string value of member <paramref name="name"/>, or null when absent or not a string.</summary>
    public string? GetString(string name)
    {
        JsonNode? node = this[name];
        return node is { Kind: JsonKind.String } ? node.Text : null;
    }

    /// <summary>True when member <paramref name="name"/> is the literal <c>true</c>.</summary>
    public bool GetBool(string name) => this[name] is { Kind: JsonKind.True };

    /// <summary>True when member <paramref name="name"/> is present and the literal <c>false</c>.</summary>
    public bool IsFalse(string name) => this[name] is { Kind: JsonKind.False };
}
