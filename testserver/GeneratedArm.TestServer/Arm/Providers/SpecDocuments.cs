using System.Text.Json;

namespace GeneratedArm.TestServer.Arm.ProviderSpecs;

/// <summary>A spec problem the emulator works around: it is reported once at start and the path falls back to generic resources.</summary>
internal sealed class SpecException(string message) : Exception(message);

/// <summary>
/// The JSON files of the loaded specs, each parsed once, and <c>$ref</c> resolution between them as azure-rest-api-specs writes it:
/// <c>#/definitions/X</c> in the same file, <c>../../common-types/…/types.json#/parameters/Y</c> relative to the referring file,
/// <c>./examples/Z.json</c> for a whole file. Referenced files load on first use, as the generator loads them.
/// </summary>
internal sealed class SpecDocuments : IDisposable
{
    private readonly Dictionary<string, JsonDocument> _files = new(StringComparer.Ordinal);

    public IEnumerable<string> Files => _files.Keys;

    /// <summary>Returns the parsed files' pooled buffers (the catalogue keeps only built schemas and cloned examples).</summary>
    public void Dispose()
    {
        foreach (var document in _files.Values) document.Dispose();
        _files.Clear();
    }

    /// <summary>The root element of <paramref name="path"/> (absolute), parsed once.</summary>
    public JsonElement Root(string path)
    {
        if (_files.TryGetValue(path, out var document)) return document.RootElement;
        if (!File.Exists(path)) throw new SpecException($"'{path}' does not exist");
        try
        {
            using var stream = File.OpenRead(path);
            document = JsonDocument.Parse(stream, new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true });
        }
        catch (JsonException e)
        {
            throw new SpecException($"'{path}' is not valid JSON ({e.Message})");
        }
        _files[path] = document;
        return document.RootElement;
    }

    /// <summary>A reference's target, and the file it lives in (the base for the references inside it).</summary>
    public SpecNode Resolve(string fromFile, string reference)
    {
        int hash = reference.IndexOf('#', StringComparison.Ordinal);
        string filePart = hash < 0 ? reference : reference[..hash];
        string pointer = hash < 0 ? "" : reference[(hash + 1)..];
        string file = filePart.Length == 0 ? fromFile : Path.GetFullPath(Path.Combine(Path.GetDirectoryName(fromFile)!, Uri.UnescapeDataString(filePart)));
        var element = Root(file);
        foreach (string token in pointer.Split('/', StringSplitOptions.RemoveEmptyEntries))
        {
            // JSON Pointer (RFC 6901): ~1 is '/', ~0 is '~'; refs may also be percent-encoded.
            string name = Uri.UnescapeDataString(token).Replace("~1", "/", StringComparison.Ordinal).Replace("~0", "~", StringComparison.Ordinal);
            if (element.ValueKind != JsonValueKind.Object || !element.TryGetProperty(name, out element))
                throw new SpecException($"$ref '{reference}' in '{fromFile}' does not resolve ('{name}' is missing)");
        }
        return new SpecNode(file, pointer, element);
    }

    /// <summary>Follows <c>$ref</c> chains until a node without one (bounded, so a reference loop is a spec problem, not a hang).</summary>
    public SpecNode Follow(SpecNode node)
    {
        for (int i = 0; i < 32; i++)
        {
            if (node.Element.ValueKind != JsonValueKind.Object || !node.Element.TryGetProperty("$ref", out var reference) || reference.ValueKind != JsonValueKind.String)
                return node;
            node = Resolve(node.File, reference.GetString()!);
        }
        throw new SpecException($"$ref chain in '{node.File}' at '#{node.Pointer}' does not end");
    }
}

/// <summary>A JSON element of a spec file, with where it is (the file is the base of the references inside it).</summary>
internal readonly record struct SpecNode(string File, string Pointer, JsonElement Element)
{
    public string Key => File + "#" + Pointer;

    public SpecNode Child(string name, JsonElement element) => new(File, Pointer + "/" + name.Replace("~", "~0", StringComparison.Ordinal).Replace("/", "~1", StringComparison.Ordinal), element);
}
