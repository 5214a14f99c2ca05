using System.Collections.Generic;
using GeneratedArm.Generators.Model;
using Microsoft.CodeAnalysis.Text;

namespace GeneratedArm.Generators.Json;

/// <summary>A parsed JSON document: its root node (or the parse error) plus line/column mapping.</summary>
internal sealed class JsonDocumentText
{
    private readonly int[] _lineStarts;

    private JsonDocumentText(string path, string text, JsonNode? root, JsonParseError? error, IReadOnlyList<JsonLeniency> leniencies)
    {
        Path = path;
        Text = text;
        Root = root;
        Error = error;
        Leniencies = leniencies;
        var starts = new List<int> { 0 };
        for (int i = 0; i < text.Length; i++)
        {
            if (text[i] == '\n')
            {
                starts.Add(i + 1);
            }
        }

        _lineStarts = starts.ToArray();
    }

    public string Path { get; }

    public string Text { get; }

    public JsonNode? Root { get; }

    public JsonParseError? Error { get; }

    /// <summary>Trailing commas and comments the parser accepted (reported as GARM009).</summary>
    public IReadOnlyList<JsonLeniency> Leniencies { get; }

    public static JsonDocumentText Parse(string path, string text)
    {
        JsonNode? root = null;
        JsonParseError? error = null;
        IReadOnlyList<JsonLeniency> leniencies = System.Array.Empty<JsonLeniency>();
        try
        {
            root = JsonParser.Parse(text, out leniencies);
        }
        catch (JsonParseException ex)
        {
            error = new JsonParseError(ex.Message, ex.Offset, ex.Pointer);
        }

        return new JsonDocumentText(path, text, root, error, leniencies);
    }

    /// <summary>The zero-based line and character of <paramref name="offset"/>.</summary>
    public LinePosition GetPosition(int offset)
    {
        if (offset < 0)
        {
            offset = 0;
        }

        if (offset > Text.Length)
        {
            offset = Text.Length;
        }

        int line = System.Array.BinarySearch(_lineStarts, offset);
        if (line < 0)
        {
            line = ~line - 1;
        }

        return new LinePosition(line, offset - _lineStarts[line]);
    }

    /// <summary>The location of a span as data (no Roslyn Location, which the pipeline must not cache).</summary>
    public LocationInfo GetLocation(int start, int end)
    {
        if (end < start)
        {
            end = start;
        }

        if (end > Text.Length)
        {
            end = Text.Length;
        }

        if (start > end)
        {
            start = end;
        }

        return new LocationInfo(Path, new TextSpan(start, end - start), new LinePositionSpan(GetPosition(start), GetPosition(end)));
    }

    /// <summary>The location of a node's first token (the whole node would span pages for big objects).</summary>
    public LocationInfo GetLocation(JsonNode node)
    {
        int end = node.Kind is JsonKind.Object or JsonKind.Array ? node.Start + 1 : node.End;
        return GetLocation(node.Start, end);
    }
}

/// <summary>Why a document is not valid JSON, and where.</summary>
internal sealed class JsonParseError
{
    public JsonParseError(string message, int offset, string pointer)
    {
        Message = message;
        Offset = offset;
        Pointer = pointer;
    }

    public string Message { get; }

    public int Offset { get; }

    public string Pointer { get; }
}
