using System;
using System.Collections.Generic;
using System.Linq;
using GeneratedArm.Generators.Json;
using GeneratedArm.Generators.Model;

namespace GeneratedArm.Generators.Parsing;

/// <summary>
/// The per-file parse step: JSON text → <see cref="DocumentSpec"/>. It sees one file only: references to
/// other files stay <see cref="SchemaRef"/>s for the index to resolve, so this step re-runs only when its
/// own file changes. It never throws: every problem becomes a <see cref="DiagnosticInfo"/>.
/// </summary>
internal sealed class DocumentParser
{
    private const int MaxShapeDepth = 64;

    private static readonly char[] FractionChars = { '.', 'e', 'E' };

    private static readonly char[] Whitespace = { ' ', '\t', '\r', '\n' };

    private readonly InputFile _file;
    private readonly string _path;
    private readonly JsonDocumentText _doc;
    private readonly List<DeclSpec> _decls = new();
    private readonly List<DiagnosticInfo> _diagnostics = new();

    // Pointers of schemas that are (or will be) declarations: references to them stay references.
    private readonly Dictionary<string, string> _declNames = new(StringComparer.Ordinal);

    // Inline x-ms-enum types by name, so an enum repeated under one name becomes one type.
    private readonly Dictionary<string, string> _inlineEnums = new(StringComparer.Ordinal);
    private readonly Queue<(JsonNode Node, string Key, string Name)> _pending = new();
    private DocumentKind _kind;

    private DocumentParser(InputFile file, string path, JsonDocumentText doc)
    {
        _file = file;
        _path = path;
        _doc = doc;
    }

    /// <summary>The models of one file.</summary>
    public static DocumentSpec Parse(InputFile file, System.Threading.CancellationToken cancellationToken = default)
        => ParseFile(file, cancellationToken).Document;

    /// <summary>One parse of one file: its models and (for OpenAPI 2.0) its operations.</summary>
    public static ParsedFile ParseFile(InputFile file, System.Threading.CancellationToken cancellationToken = default)
    {
        string path = PathUtil.Normalize(file.Path);
        var noOperations = new OperationDocumentSpec { Path = path, SourcePath = file.Path, Namespace = file.Namespace };
        try
        {
            // Locations use the path as the compiler knows it (so IDEs can open it); references use the normalized one.
            JsonDocumentText doc = JsonDocumentText.Parse(file.Path, file.Text);
            var parser = new DocumentParser(file, path, doc);
            DocumentSpec document = parser.Run(cancellationToken);
            OperationDocumentSpec operations = document.Kind == DocumentKind.OpenApi2
                ? OperationParser.Parse(file, path, doc, doc.Root!, parser._declNames.ContainsKey, cancellationToken)
                : noOperations;
            return new ParsedFile(document, operations);
        }
        catch (OperationCanceledException)
        {
            throw;
        }
        catch (Exception ex)
        {
            // Never let a hostile input take the compiler down: report and generate nothing for the file.
            var diagnostic = DiagnosticInfo.Create(DiagnosticDescriptors.InternalError, null, file.Path, ex.GetType().Name + ": " + ex.Message);
            return new ParsedFile(new DocumentSpec(path, null, file.Namespace, DocumentKind.Unknown, EquatableArray<DeclSpec>.Empty, new[] { diagnostic }.ToEquatableArray(), file.Path), noOperations);
        }
    }

    private DocumentSpec Run(System.Threading.CancellationToken cancellationToken)
    {
        if (_doc.Root is null)
        {
            JsonParseError error = _doc.Error!;
            _diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.InvalidJson, _doc.GetLocation(error.Offset, error.Offset + 1), _file.Path, error.Pointer, error.Message));
            return Result(DocumentKind.Unknown, null);
        }

        foreach (JsonLeniency leniency in _doc.Leniencies)
        {
            LocationInfo at = _doc.GetLocation(leniency.Offset, leniency.Offset + 1);
            string line = (at.LineSpan.Start.Line + 1).ToString(System.Globalization.CultureInfo.InvariantCulture);
            string column = (at.LineSpan.Start.Character + 1).ToString(System.Globalization.CultureInfo.InvariantCulture);
            _diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.LenientJson, at, _file.Path, line, column, leniency.What));
        }

        JsonNode root = _doc.Root;
        _kind = Detect(root);
        string? id = root.IsObject ? root.GetString("$id") ?? root.GetString("id") : null;
        if (_kind == DocumentKind.Unknown)
        {
            _diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.UnknownDocument, _doc.GetLocation(root), _file.Path));
            return Result(DocumentKind.Unknown, null);
        }

        // Register every named schema first, so references between them (in any order) stay references.
        if (_kind == DocumentKind.JsonSchema)
        {
            string rootName = root.GetString("title") is { Length: > 0 } title ? Naming.ToPascalCase(title) : FileBaseName();
            Register(root, rootName, rootName);
        }

        foreach (string section in new[] { "definitions", "$defs" })
        {
            if (root[section] is { IsObject: true } definitions)
            {
                foreach (JsonMember member in definitions.Members!)
                {
                    if (member.Value.IsObject)
                    {
                        string name = member.Value.GetString("x-ms-client-name") ?? member.Name;
                        Register(member.Value, member.Name, Naming.ToPascalCase(name));
                    }
                }
            }
        }

        if (_kind == DocumentKind.OpenApi2)
        {
            RegisterOperationSchemas(root);
        }

        while (_pending.Count > 0)
        {
            cancellationToken.ThrowIfCancellationRequested();
            (JsonNode node, string key, string name) = _pending.Dequeue();
            _decls.Add(ParseDeclaration(node, key, name));
        }

        return Result(_kind, id);
    }

    private DocumentSpec Result(DocumentKind kind, string? id)
    {
        IEnumerable<DeclSpec> ordered = _decls.OrderBy(d => d.Pointer, StringComparer.Ordinal);
        return new DocumentSpec(_path, id, _file.Namespace, kind, ordered.ToEquatableArray(), _diagnostics.ToEquatableArray(), _file.Path);
    }

    private string FileBaseName()
    {
        string name = PathUtil.FileName(_path);
        foreach (string suffix in new[] { ".json", ".schema" })
        {
            if (name.EndsWith(suffix, StringComparison.OrdinalIgnoreCase))
            {
                name = name.Substring(0, name.Length - suffix.Length);
            }
        }

        return Naming.ToPascalCase(name, "Schema");
    }

    private static DocumentKind Detect(JsonNode root)
    {
        if (!root.IsObject)
        {
            return DocumentKind.Unknown;
        }

        if (root.GetString("swagger") is { } swagger && swagger.StartsWith("2", StringComparison.Ordinal))
        {
            return DocumentKind.OpenApi2;
        }

        if (root["swagger"] is not null || root["openapi"] is not null)
        {
            return DocumentKind.Unknown;
        }

        foreach (string keyword in new[] { "$schema", "type", "properties", "$defs", "definitions", "allOf", "oneOf", "anyOf", "enum", "$ref", "items" })
        {
            if (root[keyword] is not null)
            {
                return DocumentKind.JsonSchema;
            }
        }

        return DocumentKind.Unknown;
    }

    /// <summary>Inline object schemas of OpenAPI parameters and responses become types named after their operation.</summary>
    private void RegisterOperationSchemas(JsonNode root)
    {
        if (root["parameters"] is { IsObject: true } parameters)
        {
            foreach (JsonMember member in parameters.Members!)
            {
                if (member.Value["schema"] is { IsObject: true } schema && NeedsInlineType(schema))
                {
                    Register(schema, member.Name, Naming.ToPascalCase(member.Name) + "Parameter");
                }

                RegisterParameterEnum(member.Value);
            }
        }

        if (root["paths"] is not { IsObject: true } paths)
        {
            return;
        }

        foreach (JsonMember path in paths.Members!)
        {
            if (!path.Value.IsObject)
            {
                continue;
            }

            if (path.Value["parameters"] is { IsArray: true } pathParameters)
            {
                foreach (JsonNode parameter in pathParameters.Items!)
                {
                    RegisterParameterEnum(parameter);
                }
            }

            foreach (JsonMember operation in path.Value.Members!)
            {
                if (!operation.Value.IsObject || operation.Name == "parameters")
                {
                    continue;
                }

                string opName = Naming.ToPascalCase(operation.Value.GetString("operationId") ?? (operation.Name + "_" + path.Name));
                if (operation.Value["responses"] is { IsObject: true } responses)
                {
                    foreach (JsonMember response in responses.Members!)
                    {
                        if (response.Value["schema"] is { IsObject: true } schema && NeedsInlineType(schema))
                        {
                            string suffix = response.Name == "200" ? string.Empty : Naming.ToPascalCase(response.Name);
                            Register(schema, opName + suffix + "Response", opName + suffix + "Response");
                        }
                    }
                }

                if (operation.Value["parameters"] is { IsArray: true } opParameters)
                {
                    foreach (JsonNode parameter in opParameters.Items!)
                    {
                        if (parameter["schema"] is { IsObject: true } schema && NeedsInlineType(schema))
                        {
                            string name = parameter.GetString("name") ?? "Body";
                            Register(schema, opName + Naming.ToPascalCase(name), opName + Naming.ToPascalCase(name));
                        }

                        RegisterParameterEnum(parameter);
                    }
                }
            }
        }
    }

    /// <summary>
    /// A path or query parameter with a named string enum (<c>x-ms-enum.name</c>) is declared as that enum type, so the
    /// generated method takes it typed; declared again elsewhere with the same values, it is the same type.
    /// </summary>
    internal static bool IsNamedParameterEnum(JsonNode parameter)
        => parameter.IsObject
            && parameter.GetString("in") is "path" or "query"
            && parameter.GetString("type") == "string"
            && parameter["enum"] is { IsArray: true } values
            && values.Items!.Count > 0
            && values.Items.All(v => v.IsString)
            && parameter["x-ms-enum"]?.GetString("name") is { Length: > 0 };

    private void RegisterParameterEnum(JsonNode parameter)
    {
        if (IsNamedParameterEnum(parameter))
        {
            string name = Naming.ToPascalCase(parameter["x-ms-enum"]!.GetString("name")!);
            Register(parameter, name, name);
        }
    }

    private static bool NeedsInlineType(JsonNode schema)
        => schema["$ref"] is null && (schema["properties"] is { IsObject: true } || schema["allOf"] is { IsArray: true });

    private void Register(JsonNode node, string key, string name)
    {
        if (_declNames.ContainsKey(node.Pointer))
        {
            return;
        }

        _declNames.Add(node.Pointer, name);
        _pending.Enqueue((node, key, name));
    }

    private SchemaRef Self(JsonNode node) => new(_path, node.Pointer);

    private DeclSpec ParseDeclaration(JsonNode node, string key, string name)
    {
        string? description = Description(node);
        LocationInfo location = _doc.GetLocation(node);

        // Enums with string values become types.
        if (node["enum"] is { IsArray: true } enumNode && IsStringEnum(node, enumNode))
        {
            JsonNode? xmsEnum = node["x-ms-enum"];
            bool fixedEnum = xmsEnum is { IsObject: true } && xmsEnum.IsFalse("modelAsString");
            return new DeclSpec { Pointer = node.Pointer, Key = key, Name = name, Kind = fixedEnum ? DeclKind.FixedEnum : DeclKind.ExtensibleEnum, Description = description, Location = location, EnumValues = EnumValues(enumNode, xmsEnum) };
        }

        if (!IsObjectSchema(node))
        {
            ShapeSpec alias = ParseShape(node, name, 0, new HashSet<string>(StringComparer.Ordinal) { node.Pointer }, aliasRoot: true);
            return new DeclSpec { Pointer = node.Pointer, Key = key, Name = name, Kind = DeclKind.Alias, Description = description, Location = location, Alias = alias };
        }

        var properties = new List<PropSpec>();
        var required = new HashSet<string>(StringComparer.Ordinal);
        SchemaRef? baseRef = null;
        string? discriminator = DiscriminatorOf(node);
        CollectObject(node, name, properties, required, ref baseRef, 0, new HashSet<string>(StringComparer.Ordinal) { node.Pointer });

        // A property listed twice (an allOf part re-declaring it) keeps its last declaration.
        var byName = new Dictionary<string, int>(StringComparer.Ordinal);
        var unique = new List<PropSpec>();
        foreach (PropSpec prop in properties)
        {
            PropSpec withRequired = required.Contains(prop.JsonName) ? prop with { Required = true } : prop;
            if (byName.TryGetValue(prop.JsonName, out int index))
            {
                unique[index] = withRequired;
            }
            else
            {
                byName.Add(prop.JsonName, unique.Count);
                unique.Add(withRequired);
            }
        }

        string? discriminatorValue = node.GetString("x-ms-discriminator-value");
        if (discriminatorValue is null && baseRef is not null)
        {
            // Azure's convention: a subtype without x-ms-discriminator-value is known by its definition name.
            discriminatorValue = key;
        }

        if (discriminator is not null)
        {
            string unknownName = "Unknown" + name;
            string unknownPointer = node.Pointer + "/x-generatedarm-unknown";
            if (!_declNames.ContainsKey(unknownPointer))
            {
                _declNames.Add(unknownPointer, unknownName);
                _decls.Add(new DeclSpec
                {
                    Pointer = unknownPointer,
                    Key = unknownName,
                    Name = unknownName,
                    Kind = DeclKind.Object,
                    Description = $"A {name} whose '{discriminator}' is not one this version knows; all of its JSON is kept.",
                    Location = location,
                    Base = Self(node),
                    IsUnknownSubtype = true,
                });
            }
        }

        return new DeclSpec
        {
            Pointer = node.Pointer,
            Key = key,
            Name = name,
            Kind = DeclKind.Object,
            Description = description,
            Location = location,
            Base = baseRef,
            Properties = unique.ToEquatableArray(),
            Discriminator = discriminator,
            DiscriminatorValue = discriminatorValue,
        };
    }

    private static string? DiscriminatorOf(JsonNode node)
    {
        JsonNode? discriminator = node["discriminator"];
        if (discriminator is { IsString: true })
        {
            return discriminator.Text;
        }

        return discriminator is { IsObject: true } ? discriminator.GetString("propertyName") : null;
    }

    /// <summary>Gathers the properties of an object schema, following allOf (the first $ref'd object is the base class).</summary>
    private void CollectObject(JsonNode node, string ownerName, List<PropSpec> properties, HashSet<string> required, ref SchemaRef? baseRef, int depth, HashSet<string> merged)
    {
        if (depth > MaxShapeDepth)
        {
            Unsupported(node, "allOf nesting this deep");
            return;
        }

        if (node["allOf"] is { IsArray: true } allOf)
        {
            foreach (JsonNode part in allOf.Items!)
            {
                if (!part.IsObject)
                {
                    continue;
                }

                if (part.GetString("$ref") is { } reference)
                {
                    (string path, string pointer) = PathUtil.SplitReference(_path, reference);
                    bool local = string.Equals(path, _path, StringComparison.Ordinal);
                    JsonNode? target = local ? ResolvePointer(pointer) : null;
                    if (baseRef is null && (!local || (target is not null && _declNames.ContainsKey(pointer) && IsObjectSchema(target))))
                    {
                        baseRef = new SchemaRef(path, pointer);
                    }
                    else if (target is not null && IsObjectSchema(target))
                    {
                        // A second base in the same file: its properties are copied into this type, once
                        // (the set stops cycles and keeps diamonds from re-walking exponentially).
                        if (merged.Add(pointer))
                        {
                            SchemaRef? ignored = null;
                            CollectObject(target, ownerName, properties, required, ref ignored, depth + 1, merged);
                        }
                    }
                    else if (target is null && local)
                    {
                        Unresolvable(part, reference, string.Empty);
                    }
                    else
                    {
                        Unsupported(part, "allOf with a second $ref to another file");
                    }
                }
                else
                {
                    CollectObject(part, ownerName, properties, required, ref baseRef, depth + 1, merged);
                }
            }
        }

        if (node["properties"] is { IsObject: true } props)
        {
            foreach (JsonMember member in props.Members!)
            {
                if (!member.Value.IsObject)
                {
                    continue;
                }

                properties.Add(ParseProperty(member, ownerName));
            }
        }

        if (node["required"] is { IsArray: true } requiredNode)
        {
            foreach (JsonNode item in requiredNode.Items!)
            {
                if (item.IsString)
                {
                    required.Add(item.Text!);
                }
            }
        }
    }

    private PropSpec ParseProperty(JsonMember member, string ownerName)
    {
        JsonNode node = member.Value;
        string name = Naming.ToPascalCase(node.GetString("x-ms-client-name") ?? member.Name);
        ShapeSpec shape = ParseShape(node, ownerName + name, 0, new HashSet<string>(StringComparer.Ordinal), aliasRoot: false);
        bool readOnly = node.GetBool("readOnly") || IsReadOnlyMutability(node);
        bool nullable = node.GetBool("x-nullable") || TypeListHasNull(node);
        return new PropSpec(member.Name, name, shape, readOnly, node.GetBool("x-ms-secret"), false, nullable, Description(node), _doc.GetLocation(member.NameStart, member.NameStart + member.Name.Length + 2), node.GetBool("x-ms-client-flatten"), DefaultText(node));
    }

    /// <summary>The schema's <c>default</c> as JSON text, for the docs (it is not applied: absent must stay absent).</summary>
    private string? DefaultText(JsonNode node)
    {
        if (node["default"] is not { } value)
        {
            return null;
        }

        string text = _doc.Text.Substring(value.Start, value.End - value.Start);
        text = string.Join(" ", text.Split(Whitespace, StringSplitOptions.RemoveEmptyEntries));
        return text.Length > 120 ? text.Substring(0, 117) + "..." : text;
    }

    private static bool IsReadOnlyMutability(JsonNode node)
    {
        if (node["x-ms-mutability"] is not { IsArray: true } mutability)
        {
            return false;
        }

        return mutability.Items!.Count == 1 && mutability.Items[0] is { IsString: true, Text: "read" };
    }

    private static bool TypeListHasNull(JsonNode node)
        => node["type"] is { IsArray: true } types && types.Items!.Any(t => t is { IsString: true, Text: "null" });

    private static string? Description(JsonNode node)
    {
        string? text = node.GetString("description") ?? node.GetString("title");
        return string.IsNullOrWhiteSpace(text) ? null : text;
    }

    private static bool IsStringEnum(JsonNode node, JsonNode enumNode)
    {
        string? type = SingleType(node);
        return (type is null or "string") && enumNode.Items!.Count > 0 && enumNode.Items.All(i => i.Kind is JsonKind.String or JsonKind.Null) && enumNode.Items.Any(i => i.IsString);
    }

    private static string? SingleType(JsonNode node)
    {
        JsonNode? type = node["type"];
        if (type is { IsString: true })
        {
            return type.Text;
        }

        if (type is { IsArray: true })
        {
            string[] named = type.Items!.Where(t => t.IsString && t.Text != "null").Select(t => t.Text!).ToArray();
            return named.Length == 1 ? named[0] : named.Length == 0 ? null : "*";
        }

        return null;
    }

    private static bool IsObjectSchema(JsonNode node)
    {
        if (node["properties"] is { IsObject: true } || node["allOf"] is { IsArray: true } || DiscriminatorOf(node) is not null)
        {
            return true;
        }

        // A bare {"type": "object"} declaration is a class that keeps all of its JSON; one with
        // additionalProperties is a dictionary.
        return SingleType(node) == "object" && node["additionalProperties"] is null or { Kind: JsonKind.False };
    }

    private static EquatableArray<EnumValueSpec> EnumValues(JsonNode enumNode, JsonNode? xmsEnum)
    {
        var described = new Dictionary<string, (string? Name, string? Description)>(StringComparer.Ordinal);
        if (xmsEnum?["values"] is { IsArray: true } values)
        {
            foreach (JsonNode value in values.Items!)
            {
                if (value.IsObject && value["value"] is { } v && (v.IsString || v.Kind == JsonKind.Number))
                {
                    described[v.Text!] = (value.GetString("name"), value.GetString("description"));
                }
            }
        }

        var result = new List<EnumValueSpec>();
        var used = new HashSet<string>(StringComparer.Ordinal);
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (JsonNode item in enumNode.Items!)
        {
            if (!item.IsString || !seen.Add(item.Text!))
            {
                continue;
            }

            described.TryGetValue(item.Text!, out (string? Name, string? Description) info);
            string baseName = Naming.ToPascalCase(info.Name ?? item.Text!, "Empty");
            string memberName = baseName;
            for (int i = 2; !used.Add(memberName); i++)
            {
                memberName = baseName + i.ToString(System.Globalization.CultureInfo.InvariantCulture);
            }

            result.Add(new EnumValueSpec(item.Text!, memberName, info.Description));
        }

        return result.ToEquatableArray();
    }

    private JsonNode? ResolvePointer(string pointer)
    {
        JsonNode? current = _doc.Root;
        if (pointer == "#" || pointer.Length == 0)
        {
            return current;
        }

        string[] tokens = pointer.Substring(pointer.StartsWith("#/", StringComparison.Ordinal) ? 2 : 1).Split('/');
        foreach (string raw in tokens)
        {
            string token = raw.Replace("~1", "/").Replace("~0", "~");
            if (current is null)
            {
                return null;
            }

            if (current.IsObject)
            {
                current = current[token];
            }
            else if (current.IsArray && int.TryParse(token, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out int index) && index < current.Items!.Count)
            {
                current = current.Items[index];
            }
            else
            {
                return null;
            }
        }

        return current;
    }

    /// <summary>
    /// The shape of a value schema. Named inline schemas (objects with properties, x-ms-enum with a name)
    /// are registered as declarations named after where they appear, and referenced.
    /// </summary>
    private ShapeSpec ParseShape(JsonNode node, string contextName, int depth, HashSet<string> visiting, bool aliasRoot)
    {
        if (depth > MaxShapeDepth)
        {
            Unsupported(node, "Schema nesting this deep");
            return ShapeSpec.Any;
        }

        if (!node.IsObject)
        {
            // `true` (anything) and `false` (nothing) schemas.
            return ShapeSpec.Any;
        }

        if (node.GetString("$ref") is { } reference)
        {
            return ParseReference(node, reference, contextName, depth, visiting);
        }

        if (!aliasRoot && _declNames.ContainsKey(node.Pointer))
        {
            return new ShapeSpec(ShapeKind.Ref, Ref: Self(node));
        }

        // allOf with a single $ref (and perhaps a description) is Azure's way of annotating a reference.
        if (node["allOf"] is { IsArray: true } allOf && allOf.Items!.Count == 1 && node["properties"] is null && allOf.Items[0].GetString("$ref") is { } single)
        {
            return ParseReference(allOf.Items[0], single, contextName, depth, visiting);
        }

        foreach (string combinator in new[] { "oneOf", "anyOf" })
        {
            if (node[combinator] is { IsArray: true } options)
            {
                JsonNode[] nonNull = options.Items!.Where(o => !(o.IsObject && o.GetString("type") == "null")).ToArray();
                if (nonNull.Length == 1 && node["properties"] is null)
                {
                    return ParseShape(nonNull[0], contextName, depth + 1, visiting, false);
                }

                Unsupported(node, combinator + " with several alternatives");
                return ShapeSpec.Any;
            }
        }

        if (node["enum"] is { IsArray: true } enumNode && IsStringEnum(node, enumNode))
        {
            string? enumName = node["x-ms-enum"]?.GetString("name");
            if (enumName is not null && !aliasRoot)
            {
                string typeName = Naming.ToPascalCase(enumName);
                if (!_inlineEnums.TryGetValue(typeName, out string? pointer))
                {
                    pointer = node.Pointer;
                    _inlineEnums.Add(typeName, pointer);
                    Register(node, enumName, typeName);
                }

                return new ShapeSpec(ShapeKind.Ref, Ref: new SchemaRef(_path, pointer));
            }

            if (_kind == DocumentKind.JsonSchema && !aliasRoot)
            {
                // Plain JSON Schema has no x-ms-enum: an inline enum is named after where it appears.
                Register(node, contextName, contextName);
                return new ShapeSpec(ShapeKind.Ref, Ref: Self(node));
            }

            // OpenAPI without an x-ms-enum name: a string, as Azure's tooling treats it.
            return ShapeSpec.Scalar(TypeRefKind.String);
        }

        if (node["const"] is { } constant)
        {
            return constant.Kind switch
            {
                JsonKind.String => ShapeSpec.Scalar(TypeRefKind.String),
                JsonKind.True or JsonKind.False => ShapeSpec.Scalar(TypeRefKind.Boolean),
                JsonKind.Number => ShapeSpec.Scalar(constant.Text!.IndexOfAny(FractionChars) >= 0 ? TypeRefKind.Double : TypeRefKind.Int64),
                _ => ShapeSpec.Any,
            };
        }

        string? type = SingleType(node);
        if (type == "*")
        {
            Unsupported(node, "A type list with several non-null types");
            return ShapeSpec.Any;
        }

        string? format = node.GetString("format");
        switch (type)
        {
            case "string":
                return ShapeSpec.Scalar(format switch
                {
                    "date-time" => TypeRefKind.DateTime,
                    "date-time-rfc1123" => TypeRefKind.DateTimeRfc1123,
                    "date" => TypeRefKind.Date,
                    "duration" => TypeRefKind.Duration,
                    "uuid" => TypeRefKind.Uuid,
                    "byte" => TypeRefKind.Bytes,
                    "uri" => TypeRefKind.Uri,
                    _ => TypeRefKind.String,
                });
            case "integer":
                return ShapeSpec.Scalar(format switch
                {
                    "int32" => TypeRefKind.Int32,
                    "unixtime" => TypeRefKind.UnixTime,
                    _ => TypeRefKind.Int64,
                });
            case "number":
                return ShapeSpec.Scalar(format == "float" ? TypeRefKind.Float : TypeRefKind.Double);
            case "boolean":
                return ShapeSpec.Scalar(TypeRefKind.Boolean);
            case "array":
            {
                JsonNode? items = node["items"];
                if (items is { IsArray: true })
                {
                    Unsupported(items, "Tuple-form 'items'");
                    return new ShapeSpec(ShapeKind.Array, Element: ShapeSpec.Any);
                }

                ShapeSpec element = items is null ? ShapeSpec.Any : ParseShape(items, contextName + "Item", depth + 1, visiting, false);
                return new ShapeSpec(ShapeKind.Array, Element: element);
            }
        }

        if (type is null or "object")
        {
            if (node["properties"] is { IsObject: true } || node["allOf"] is { IsArray: true } || DiscriminatorOf(node) is not null)
            {
                if (aliasRoot)
                {
                    // Cannot happen: such declarations are objects, not aliases.
                    return ShapeSpec.Any;
                }

                Register(node, contextName, contextName);
                return new ShapeSpec(ShapeKind.Ref, Ref: Self(node));
            }

            JsonNode? additional = node["additionalProperties"];
            if (additional is { IsObject: true } || additional is { Kind: JsonKind.True })
            {
                ShapeSpec element = additional.IsObject ? ParseShape(additional, contextName + "Value", depth + 1, visiting, false) : ShapeSpec.Any;
                return new ShapeSpec(ShapeKind.Map, Element: element);
            }
        }

        return ShapeSpec.Any;
    }

    private ShapeSpec ParseReference(JsonNode node, string reference, string contextName, int depth, HashSet<string> visiting)
    {
        (string path, string pointer) = PathUtil.SplitReference(_path, reference);
        LocationInfo location = _doc.GetLocation(node["$ref"]!);
        if (!string.Equals(path, _path, StringComparison.Ordinal))
        {
            // Another file: the index (which sees every opted-in file) resolves it.
            return new ShapeSpec(ShapeKind.Ref, Ref: new SchemaRef(path, pointer), RefText: reference, Location: location, SourcePointer: node.Pointer);
        }

        if (_declNames.ContainsKey(pointer))
        {
            return new ShapeSpec(ShapeKind.Ref, Ref: new SchemaRef(path, pointer), RefText: reference, Location: location, SourcePointer: node.Pointer);
        }

        JsonNode? target = ResolvePointer(pointer);
        if (target is null)
        {
            Unresolvable(node, reference, string.Empty);
            return ShapeSpec.Any;
        }

        if (!visiting.Add(pointer))
        {
            _diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.ReferenceCycle, location, reference, node.Pointer));
            return ShapeSpec.Any;
        }

        ShapeSpec shape = ParseShape(target, contextName, depth + 1, visiting, false);
        visiting.Remove(pointer);
        return shape;
    }

    private void Unresolvable(JsonNode node, string reference, string why)
    {
        JsonNode at = node["$ref"] ?? node;
        _diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.UnresolvableReference, _doc.GetLocation(at), reference, node.Pointer, why));
    }

    private void Unsupported(JsonNode node, string construct)
    {
        _diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.UnsupportedConstruct, _doc.GetLocation(node), construct, node.Pointer));
    }
}
