using System.Text.Json;

namespace GeneratedArm.TestServer.Arm.ProviderSpecs;

/// <summary>What a spec says about one operation of a resource type in one api-version.</summary>
internal sealed record SpecOperation
{
    public required string Method { get; init; }
    public required string OperationId { get; init; }

    /// <summary>The body parameter's schema (PUT, PATCH, POST actions), or null.</summary>
    public SpecSchema? Body { get; init; }

    /// <summary>The declared success status codes (200, 201, 202, 204…).</summary>
    public required IReadOnlySet<int> Statuses { get; init; }

    /// <summary><c>x-ms-long-running-operation: true</c>.</summary>
    public bool LongRunning { get; init; }

    /// <summary><c>x-ms-long-running-operation-options.final-state-via</c> (<c>azure-async-operation</c>, <c>location</c>, <c>original-uri</c>), or null.</summary>
    public string? FinalStateVia { get; init; }

    /// <summary>The first <c>x-ms-examples</c> entry's 200 (else 201/202) response body and its parameters, when the example resolves.</summary>
    public SpecExample? Example { get; init; }

    /// <summary>True when a success response declares a schema (a body is expected).</summary>
    public bool ReturnsBody { get; init; }

    /// <summary>The path template's segments: the parameter name of each <c>{parameter}</c> segment, null for literals.</summary>
    public IReadOnlyList<string?> PathParameters { get; init; } = [];
}

/// <summary>An example of an operation: its parameters (path values) and its response body.</summary>
internal sealed record SpecExample(IReadOnlyDictionary<string, string> Parameters, JsonElement? Body, int Status);

/// <summary>A resource type in one api-version: its operations and the resource schema PUT validates against.</summary>
internal sealed class SpecTypeVersion(string apiVersion, string file)
{
    public string ApiVersion { get; } = apiVersion;
    public string File { get; } = file;
    public SpecOperation? Get { get; set; }
    public SpecOperation? Put { get; set; }
    public SpecOperation? Patch { get; set; }
    public SpecOperation? Delete { get; set; }
    public Dictionary<string, SpecOperation> Actions { get; } = new(StringComparer.OrdinalIgnoreCase);
}

/// <summary>A resource type (<c>Microsoft.ManagedIdentity/userAssignedIdentities/federatedIdentityCredentials</c>) and its api-versions.</summary>
internal sealed class SpecResourceType(string type)
{
    public string Type { get; } = type;
    public string Namespace => Type[..Type.IndexOf('/', StringComparison.Ordinal)];
    public Dictionary<string, SpecTypeVersion> Versions { get; } = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>Newest first, as ARM lists them.</summary>
    public IReadOnlyList<string> VersionList => [.. Versions.Keys.OrderByDescending(v => v, StringComparer.OrdinalIgnoreCase)];

    /// <summary>The version's definition; an api-version the specs do not declare (only with <c>AcceptAnyApiVersion</c>) uses the newest.</summary>
    public SpecTypeVersion For(string apiVersion) => Versions.TryGetValue(apiVersion, out var v) ? v : Versions[VersionList[0]];
}

/// <summary>
/// The resource types the emulator learned from OpenAPI specs (<c>EmulatorBuilder.AddResourceProviderSpecs</c>, standalone
/// <c>--spec</c>). Paths it cannot use are in <see cref="Problems"/> (reported once at start) and stay generic resources.
/// </summary>
internal sealed class ProviderCatalog
{
    private readonly Dictionary<string, SpecResourceType> _types = new(StringComparer.OrdinalIgnoreCase);
    private readonly List<string> _problems = [];

    public bool IsEmpty => _types.Count == 0;
    public IReadOnlyCollection<SpecResourceType> Types => _types.Values;
    public IReadOnlyList<string> Problems => _problems;

    public SpecResourceType? Find(string? type) => type is not null && _types.TryGetValue(type, out var t) ? t : null;

    /// <summary>Loads spec files, or every <c>*.json</c> under folders (example files are read only when an operation refers to them).</summary>
    public void Load(IEnumerable<string> paths)
    {
        using var documents = new SpecDocuments();
        var reader = new SpecSchemaReader(documents);
        foreach (string path in paths)
        {
            string full = Path.GetFullPath(path);
            IEnumerable<string> files = Directory.Exists(full)
                ? Directory.EnumerateFiles(full, "*.json", SearchOption.AllDirectories)
                    .Where(f => !f.Split(Path.DirectorySeparatorChar).Contains("examples", StringComparer.OrdinalIgnoreCase))
                    .Order(StringComparer.Ordinal)
                : File.Exists(full) ? [full] : throw new FileNotFoundException($"Spec path not found: {full} (give a spec file or a folder of spec files).", full);
            foreach (string file in files) LoadFile(documents, reader, file);
        }
    }

    private void LoadFile(SpecDocuments documents, SpecSchemaReader reader, string file)
    {
        JsonElement root;
        try { root = documents.Root(file); }
        catch (SpecException e)
        {
            _problems.Add($"{file}: {e.Message}; skipped.");
            return;
        }
        // Only OpenAPI 2.0 documents with paths describe operations; common-types and other referenced files are skipped quietly.
        if (root.ValueKind != JsonValueKind.Object || SpecSchemaReader.String(root, "swagger") != "2.0"
            || !root.TryGetProperty("paths", out var paths) || paths.ValueKind != JsonValueKind.Object || !paths.EnumerateObject().Any())
        {
            return;
        }

        string? apiVersion = root.TryGetProperty("info", out var info) ? SpecSchemaReader.String(info, "version") : null;
        if (apiVersion is null || !ApiVersions.WellFormed().IsMatch(apiVersion))
        {
            _problems.Add($"{file}: info.version '{apiVersion}' is not an ARM api-version; its paths stay generic.");
            return;
        }
        var pathsNode = new SpecNode(file, "/paths", paths);
        foreach (var path in paths.EnumerateObject())
        {
            try
            {
                AddPath(documents, reader, pathsNode.Child(path.Name, path.Value), path.Name, apiVersion);
            }
            catch (SpecException e)
            {
                _problems.Add($"{file}: path '{path.Name}' ({apiVersion}): {e.Message}; it stays a generic resource.");
            }
        }
    }

    private void AddPath(SpecDocuments documents, SpecSchemaReader reader, SpecNode pathNode, string template, string apiVersion)
    {
        var shape = SpecPathTemplate.Parse(template);
        if (shape is null)
        {
            _problems.Add($"{pathNode.File}: path '{template}' ({apiVersion}) is not under /subscriptions/{{s}}/resourceGroups/{{g}}/providers or /subscriptions/{{s}}/providers/{{ns}}/{{type}}; served as generic resources.");
            return;
        }
        var operations = new List<(string Method, SpecOperation Operation)>();
        foreach (var method in pathNode.Element.EnumerateObject())
        {
            if (method.Name is not ("get" or "put" or "patch" or "delete" or "post")) continue;
            operations.Add((method.Name, ReadOperation(documents, reader, pathNode.Child(method.Name, method.Value), method.Name)
                with
            { PathParameters = SpecPathTemplate.Parameters(template) }));
        }
        // Only after every operation of the path read cleanly: a path with a problem is left out whole.
        foreach (var (method, operation) in operations)
        {
            var (typeName, action) = shape.Value.Kind switch
            {
                SpecPathKind.Collection when method == "post" && shape.Value.Types.Count > 1 => (string.Join('/', shape.Value.Types.SkipLast(1)), shape.Value.Types[^1]),
                _ => (string.Join('/', shape.Value.Types), (string?)null),
            };
            var kind = shape.Value.Kind;
            bool emulated = (kind, method) switch
            {
                (SpecPathKind.Instance, "get" or "put" or "patch" or "delete") => true,
                // Lists are served for every learned type (by group, by parent, by subscription); declaring them adds the type's versions.
                (SpecPathKind.Collection or SpecPathKind.SubscriptionCollection, "get") => true,
                (SpecPathKind.Collection, "post") => action is not null,
                _ => false,
            };
            if (!emulated)
            {
                _problems.Add($"{pathNode.File}: {method.ToUpperInvariant()} '{template}' ({apiVersion}) is not emulated; served as generic resources.");
                continue;
            }
            string type = shape.Value.Namespace + "/" + typeName;
            if (!_types.TryGetValue(type, out var resourceType)) _types[type] = resourceType = new SpecResourceType(type);
            if (!resourceType.Versions.TryGetValue(apiVersion, out var version)) resourceType.Versions[apiVersion] = version = new SpecTypeVersion(apiVersion, pathNode.File);
            switch (kind, method)
            {
                case (SpecPathKind.Instance, "get"): version.Get = operation; break;
                case (SpecPathKind.Instance, "put"): version.Put = operation; break;
                case (SpecPathKind.Instance, "patch"): version.Patch = operation; break;
                case (SpecPathKind.Instance, "delete"): version.Delete = operation; break;
                case (SpecPathKind.Collection, "post"): version.Actions[action!] = operation; break;
            }
        }
    }

    private static SpecOperation ReadOperation(SpecDocuments documents, SpecSchemaReader reader, SpecNode node, string method)
    {
        var e = node.Element;
        SpecSchema? body = null;
        if (e.TryGetProperty("parameters", out var parameters) && parameters.ValueKind == JsonValueKind.Array)
        {
            int i = 0;
            foreach (var p in parameters.EnumerateArray())
            {
                var parameter = documents.Follow(node with { Pointer = node.Pointer + "/parameters/" + i++, Element = p });
                if (SpecSchemaReader.String(parameter.Element, "in") == "body" && parameter.Element.TryGetProperty("schema", out var schema))
                    body = reader.Read(parameter.Child("schema", schema));
            }
        }
        var statuses = new HashSet<int>();
        bool returnsBody = false;
        if (e.TryGetProperty("responses", out var responses) && responses.ValueKind == JsonValueKind.Object)
        {
            foreach (var r in responses.EnumerateObject())
            {
                if (!int.TryParse(r.Name, out int code) || code >= 300) continue;
                statuses.Add(code);
                var response = documents.Follow(new SpecNode(node.File, node.Pointer + "/responses/" + r.Name, r.Value));
                if (response.Element.TryGetProperty("schema", out _)) returnsBody = true;
            }
        }
        string? finalStateVia = e.TryGetProperty("x-ms-long-running-operation-options", out var options) ? SpecSchemaReader.String(options, "final-state-via") : null;
        return new SpecOperation
        {
            Method = method,
            OperationId = SpecSchemaReader.String(e, "operationId") ?? method,
            Body = body,
            Statuses = statuses,
            ReturnsBody = returnsBody,
            LongRunning = SpecSchemaReader.Bool(e, "x-ms-long-running-operation"),
            FinalStateVia = finalStateVia,
            Example = method == "post" ? ReadExample(documents, node) : null,
        };
    }

    /// <summary>The first example that resolves; an example that does not is no problem (the action answers its documented default).</summary>
    private static SpecExample? ReadExample(SpecDocuments documents, SpecNode node)
    {
        if (!node.Element.TryGetProperty("x-ms-examples", out var examples) || examples.ValueKind != JsonValueKind.Object) return null;
        foreach (var example in examples.EnumerateObject())
        {
            try
            {
                var resolved = documents.Follow(node.Child("x-ms-examples", examples).Child(example.Name, example.Value)).Element;
                var parameters = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
                if (resolved.TryGetProperty("parameters", out var ps) && ps.ValueKind == JsonValueKind.Object)
                    foreach (var p in ps.EnumerateObject()) if (p.Value.ValueKind == JsonValueKind.String) parameters[p.Name] = p.Value.GetString()!;
                if (!resolved.TryGetProperty("responses", out var responses) || responses.ValueKind != JsonValueKind.Object) continue;
                foreach (int status in new[] { 200, 201, 202, 204 })
                {
                    if (!responses.TryGetProperty(status.ToString(System.Globalization.CultureInfo.InvariantCulture), out var response)) continue;
                    JsonElement? body = response.ValueKind == JsonValueKind.Object && response.TryGetProperty("body", out var b) ? b.Clone() : null;
                    return new SpecExample(parameters, body, status);
                }
            }
            catch (SpecException)
            {
                // An unreadable example file: try the next one.
            }
        }
        return null;
    }
}
