using System;
using System.Collections.Generic;
using System.Linq;
using GeneratedArm.Generators.Json;
using GeneratedArm.Generators.Model;

namespace GeneratedArm.Generators.Parsing;

/// <summary>
/// The per-file parse of OpenAPI operations, over the tree <see cref="DocumentParser"/> built: <c>paths</c> × method →
/// <see cref="OperationSpec"/>s, the title, and the document's named <c>parameters</c> (which other files reference,
/// e.g. common-types' SubscriptionIdParameter). It sees one file only and never throws; references stay references.
/// Problems of the JSON itself are reported by the model pipeline, so this step reports nothing of its own:
/// an operation it cannot express carries <see cref="OperationSpec.Unsupported"/> and is reported (GARM008)
/// when operations are built.
/// </summary>
internal sealed class OperationParser
{
    private static readonly string[] Methods = { "get", "put", "post", "patch", "delete", "head" };

    private readonly string _path;
    private readonly JsonDocumentText _doc;
    private readonly Func<string, bool> _isDeclared;

    private OperationParser(string path, JsonDocumentText doc, Func<string, bool> isDeclared)
    {
        _path = path;
        _doc = doc;
        _isDeclared = isDeclared;
    }

    /// <summary>
    /// The operations of an OpenAPI 2.0 document <see cref="DocumentParser"/> has parsed: the same JSON tree, and its
    /// decision which inline schemas are types (<paramref name="isDeclared"/>, by JSON pointer), so nothing is parsed
    /// or decided twice.
    /// </summary>
    public static OperationDocumentSpec Parse(InputFile file, string path, JsonDocumentText doc, JsonNode root, Func<string, bool> isDeclared, System.Threading.CancellationToken cancellationToken = default)
    {
        try
        {
            return new OperationParser(path, doc, isDeclared).Run(root, file, cancellationToken);
        }
        catch (OperationCanceledException)
        {
            throw;
        }
        catch (Exception)
        {
            // Whatever is wrong with the document itself is reported by the model parse of the same tree.
            return new OperationDocumentSpec { Path = path, SourcePath = file.Path, Namespace = file.Namespace };
        }
    }

    private OperationDocumentSpec Run(JsonNode root, InputFile file, System.Threading.CancellationToken cancellationToken)
    {
        var named = new List<NamedParameterSpec>();
        if (root["parameters"] is { IsObject: true } parameters)
        {
            foreach (JsonMember member in parameters.Members!)
            {
                if (member.Value.IsObject)
                {
                    named.Add(new NamedParameterSpec(member.Value.Pointer, ParseParameter(member.Value)));
                }
            }
        }

        string? apiVersion = root["info"]?.GetString("version");
        string fallbackGroup = root["info"]?.GetString("title") is { Length: > 0 } title ? Naming.ToPascalCase(title) : Naming.ToPascalCase(PathUtil.FileName(_path).Replace(".json", string.Empty));
        string[] consumes = Strings(root["consumes"]);
        var operations = new List<OperationSpec>();
        if (root["paths"] is { IsObject: true } paths)
        {
            foreach (JsonMember pathItem in paths.Members!)
            {
                cancellationToken.ThrowIfCancellationRequested();
                if (!pathItem.Value.IsObject)
                {
                    continue;
                }

                List<ParameterSpec> shared = ParameterList(pathItem.Value["parameters"]);
                foreach (JsonMember operation in pathItem.Value.Members!)
                {
                    if (operation.Value.IsObject && Array.IndexOf(Methods, operation.Name) >= 0)
                    {
                        operations.Add(ParseOperation(pathItem.Name, operation, shared, consumes, fallbackGroup));
                    }
                }
            }
        }

        return new OperationDocumentSpec
        {
            Path = _path,
            SourcePath = file.Path,
            Namespace = file.Namespace,
            Title = Text(root["info"]?.GetString("title")),
            ApiVersion = apiVersion,
            Operations = operations.OrderBy(o => o.Pointer, StringComparer.Ordinal).ToEquatableArray(),
            Parameters = named.OrderBy(p => p.Pointer, StringComparer.Ordinal).ToEquatableArray(),
        };
    }

    private OperationSpec ParseOperation(string pathTemplate, JsonMember operation, List<ParameterSpec> shared, string[] documentConsumes, string fallbackGroup)
    {
        JsonNode node = operation.Value;
        string method = operation.Name.ToUpperInvariant();
        string? operationId = node.GetString("operationId");
        string? unsupported = null;
        string group = fallbackGroup;
        string name = method;
        if (string.IsNullOrWhiteSpace(operationId))
        {
            unsupported = "an operation without operationId";
            operationId = method + " " + pathTemplate;
        }
        else
        {
            int underscore = operationId!.IndexOf('_');
            if (underscore > 0)
            {
                group = Naming.ToPascalCase(operationId.Substring(0, underscore));
                name = operationId.Substring(underscore + 1);
            }
            else
            {
                name = operationId;
            }
        }

        name = Naming.ToPascalCase(node.GetString("x-ms-client-name") ?? name, "Invoke");

        // Operation parameters override path-item ones with the same name and location; the path item's come first,
        // as a reader sees them (resourceGroupName, name, then the body).
        List<ParameterSpec> own = ParameterList(node["parameters"]);
        var merged = new List<ParameterSpec>();
        foreach (ParameterSpec parameter in shared)
        {
            if (!own.Any(p => p.Ref is null && parameter.Ref is null && p.Name == parameter.Name && p.In == parameter.In))
            {
                merged.Add(parameter);
            }
        }

        merged.AddRange(own);

        string[] consumes = node["consumes"] is { IsArray: true } c ? Strings(c) : documentConsumes;
        if (unsupported is null && consumes.Length > 0 && merged.Any(p => p.In == "body") && !consumes.Any(IsJson))
        {
            unsupported = "a request body that is not JSON (consumes: " + string.Join(", ", consumes) + ")";
        }

        ShapeSpec? response = null;
        bool mayBeEmpty = false;
        bool longRunning = node.GetBool("x-ms-long-running-operation");
        if (node["responses"] is { IsObject: true } responses)
        {
            foreach (string status in new[] { "200", "201" })
            {
                if (response is null && responses[status]?["schema"] is { IsObject: true } schema)
                {
                    response = Shape(schema, 0);
                }
            }

            mayBeEmpty = responses["204"] is not null || (!longRunning && responses["202"] is not null);
        }

        bool pageable = false;
        if (node["x-ms-pageable"] is { IsObject: true } pageableNode)
        {
            // ArmClient.ListAsync reads "value" and follows "nextLink" with GET; other shapes return the page itself.
            string itemName = pageableNode.GetString("itemName") ?? "value";
            JsonNode? nextLink = pageableNode["nextLinkName"];
            pageable = method == "GET" && itemName == "value" && (nextLink is null || nextLink.Kind == JsonKind.Null || nextLink.Text == "nextLink");
        }

        return new OperationSpec
        {
            OperationId = operationId!,
            Group = group,
            Name = name,
            HttpMethod = method,
            PathTemplate = pathTemplate,
            Summary = Text(node.GetString("summary")),
            Description = Text(node.GetString("description")),
            Parameters = merged.ToEquatableArray(),
            Response = response,
            ResponseMayBeEmpty = mayBeEmpty,
            LongRunning = longRunning,
            FinalStateVia = node["x-ms-long-running-operation-options"]?.GetString("final-state-via"),
            Pageable = pageable,
            Unsupported = unsupported,
            Pointer = node.Pointer,
            Location = _doc.GetLocation(operation.NameStart, operation.NameStart + operation.Name.Length + 2),
        };
    }

    private List<ParameterSpec> ParameterList(JsonNode? list)
    {
        var result = new List<ParameterSpec>();
        if (list is not { IsArray: true })
        {
            return result;
        }

        foreach (JsonNode item in list.Items!)
        {
            if (!item.IsObject)
            {
                continue;
            }

            if (item.GetString("$ref") is { } reference)
            {
                (string path, string pointer) = PathUtil.SplitReference(_path, reference);
                result.Add(new ParameterSpec { Name = reference, In = "$ref", Ref = new SchemaRef(path, pointer), Location = _doc.GetLocation(item["$ref"]!) });
            }
            else
            {
                result.Add(ParseParameter(item));
            }
        }

        return result;
    }

    private ParameterSpec ParseParameter(JsonNode node)
    {
        string @in = node.GetString("in") ?? string.Empty;
        bool isBody = @in == "body";
        string[] values = Strings(node["enum"]);
        return new ParameterSpec
        {
            Name = node.GetString("name") ?? string.Empty,
            In = @in,
            Required = @in == "path" || node.GetBool("required"),
            ClientName = node.GetString("x-ms-client-name"),
            Description = Text(node.GetString("description")),
            SkipUrlEncoding = node.GetBool("x-ms-skip-url-encoding"),
            Scalar = isBody ? null : Scalar(node),
            Enum = !isBody && values.Length > 0 && DocumentParser.IsNamedParameterEnum(node) ? new SchemaRef(_path, node.Pointer) : null,
            EnumValues = values.ToEquatableArray(),
            Body = !isBody ? null : node["schema"] is { IsObject: true } schema ? Shape(schema, 0) : ShapeSpec.Any,
            ParameterLocation = node.GetString("x-ms-parameter-location"),
            Location = _doc.GetLocation(node),
        };
    }

    /// <summary>The type of a value schema, as far as operations need it: references stay references.</summary>
    private ShapeSpec Shape(JsonNode node, int depth)
    {
        if (!node.IsObject || depth > 16)
        {
            return ShapeSpec.Any;
        }

        if (node.GetString("$ref") is { } reference)
        {
            (string path, string pointer) = PathUtil.SplitReference(_path, reference);
            return new ShapeSpec(ShapeKind.Ref, Ref: new SchemaRef(path, pointer));
        }

        if (node["allOf"] is { IsArray: true } allOf && allOf.Items!.Count == 1 && node["properties"] is null && allOf.Items[0].GetString("$ref") is { } single)
        {
            (string path, string pointer) = PathUtil.SplitReference(_path, single);
            return new ShapeSpec(ShapeKind.Ref, Ref: new SchemaRef(path, pointer));
        }

        // Inline schemas the model parse declared as types (DocumentParser.RegisterOperationSchemas and nested ones).
        if (_isDeclared(node.Pointer))
        {
            return new ShapeSpec(ShapeKind.Ref, Ref: new SchemaRef(_path, node.Pointer));
        }

        if (node.GetString("type") == "array" && node["items"] is { IsObject: true } items)
        {
            return new ShapeSpec(ShapeKind.Array, Element: Shape(items, depth + 1));
        }

        return Scalar(node) is { } primitive ? ShapeSpec.Scalar(primitive) : ShapeSpec.Any;
    }

    private static TypeRefKind? Scalar(JsonNode node)
    {
        string? format = node.GetString("format");
        return node.GetString("type") switch
        {
            "string" => format switch
            {
                "uuid" => TypeRefKind.Uuid,
                _ => TypeRefKind.String,
            },
            "integer" => format == "int32" ? TypeRefKind.Int32 : TypeRefKind.Int64,
            "number" => TypeRefKind.Double,
            "boolean" => TypeRefKind.Boolean,
            _ => null,
        };
    }

    private static bool IsJson(string mediaType) => mediaType.IndexOf("json", StringComparison.OrdinalIgnoreCase) >= 0;

    private static string[] Strings(JsonNode? node)
        => node is { IsArray: true } ? node.Items!.Where(i => i.IsString).Select(i => i.Text!).ToArray() : Array.Empty<string>();

    private static string? Text(string? text) => string.IsNullOrWhiteSpace(text) ? null : text;
}
