using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Globalization;
using System.Linq;
using GeneratedArm.Generators.Model;

namespace GeneratedArm.Generators.Parsing;

/// <summary>
/// All files' operations + the index → one <see cref="OperationGroupSpec"/> per <c>{Group}Operations</c> class:
/// parameters resolved through <c>$ref</c>s (in any opted-in file), types named, names made unique. It sees
/// every file because parameters are shared across files (common-types) and class names share a namespace.
/// </summary>
internal static class OperationBuilder
{
    /// <summary>
    /// Non-generic instance methods of <c>GeneratedArm.ArmClient</c> taking (string path, string apiVersion):
    /// an extension method of the same name with exactly two required string parameters would never be called.
    /// </summary>
    private static readonly string[] ShadowingInstanceMethods = { "DeleteAsync", "ExistsAsync" };

    private static readonly string[] ReservedParameterNames = { "client", "cancellationToken", "requestPath", "response", "buffer", "writer" };

    public static OperationsResult Build(ImmutableArray<OperationDocumentSpec> documents, IndexSpec index, System.Threading.CancellationToken cancellationToken = default)
    {
        var diagnostics = new List<DiagnosticInfo>();
        var groups = new List<OperationGroupSpec>();
        try
        {
            var parameters = new Dictionary<SchemaRef, ParameterSpec>();
            foreach (OperationDocumentSpec document in documents)
            {
                foreach (NamedParameterSpec named in document.Parameters)
                {
                    parameters[new SchemaRef(document.Path, named.Pointer)] = named.Parameter;
                }
            }

            // Class names share the namespace with the model types (compared ignoring case, as hint names are).
            var taken = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
            foreach (IndexEntry entry in index.Entries)
            {
                taken.Add(entry.Namespace + "." + entry.Name);
            }

            foreach (OperationDocumentSpec document in documents.OrderBy(d => d.Path, StringComparer.Ordinal))
            {
                cancellationToken.ThrowIfCancellationRequested();
                if (document.Operations.Count == 0)
                {
                    continue;
                }

                if (string.IsNullOrWhiteSpace(document.ApiVersion))
                {
                    foreach (OperationSpec operation in document.Operations)
                    {
                        diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.UnsupportedOperation, operation.Location, operation.OperationId, "a document without info.version (the api-version)"));
                    }

                    continue;
                }

                foreach (IGrouping<string, OperationSpec> group in document.Operations.GroupBy(o => o.Group).OrderBy(g => g.Key, StringComparer.Ordinal))
                {
                    string wanted = group.Key + "Operations";
                    string className = wanted;
                    for (int i = 2; !taken.Add(document.Namespace + "." + className); i++)
                    {
                        className = wanted + i.ToString(CultureInfo.InvariantCulture);
                    }

                    if (className != wanted)
                    {
                        OperationSpec first = group.First();
                        diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.NameCollision, first.Location, wanted, document.SourcePath + " operations", "another type of namespace " + document.Namespace, className));
                    }

                    var methods = new List<OperationMethodModel>();
                    var methodNames = new HashSet<string>(StringComparer.Ordinal);
                    foreach (OperationSpec operation in group.OrderBy(o => o.Name, StringComparer.Ordinal).ThenBy(o => o.OperationId, StringComparer.Ordinal))
                    {
                        OperationMethodModel? method = BuildMethod(operation, parameters, index, diagnostics);
                        if (method is null)
                        {
                            continue;
                        }

                        string name = method.Name;
                        string why = "another operation of " + className;
                        if (Shadowed(method))
                        {
                            name = name.Substring(0, name.Length - "Async".Length) + group.Key + "Async";
                            why = "the instance method GeneratedArm.ArmClient." + method.Name + "(string, string), which a call with two strings would bind to";
                        }

                        string unique = name;
                        for (int i = 2; !methodNames.Add(unique) || unique == className; i++)
                        {
                            unique = name.Substring(0, name.Length - "Async".Length) + i.ToString(CultureInfo.InvariantCulture) + "Async";
                        }

                        if (unique != method.Name)
                        {
                            diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.NameCollision, operation.Location, method.Name, "operation " + operation.OperationId, why, unique));
                            method = method with { Name = unique };
                        }

                        methods.Add(method);
                    }

                    if (methods.Count > 0)
                    {
                        groups.Add(new OperationGroupSpec(document.Namespace + "." + className + ".g.cs", document.Namespace, className, document.ApiVersion!, document.SourcePath, methods.ToEquatableArray()));
                    }
                }
            }
        }
        catch (OperationCanceledException)
        {
            throw;
        }
        catch (Exception ex)
        {
            diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.InternalError, null, "operations", ex.GetType().Name + ": " + ex.Message));
            groups.Clear();
        }

        return new OperationsResult(groups.OrderBy(g => g.HintName, StringComparer.Ordinal).ToEquatableArray(), diagnostics.ToEquatableArray());
    }

    private static bool Shadowed(OperationMethodModel method)
        => Array.IndexOf(ShadowingInstanceMethods, method.Name) >= 0
            && method.Parameters.Count(p => p.Required) == 2
            && method.Parameters.Where(p => p.Required).All(p => p.Type == "string");

    private static OperationMethodModel? BuildMethod(OperationSpec operation, Dictionary<SchemaRef, ParameterSpec> named, IndexSpec index, List<DiagnosticInfo> diagnostics)
    {
        string? unsupported = operation.Unsupported;
        var resolved = new List<ParameterSpec>();
        foreach (ParameterSpec parameter in operation.Parameters)
        {
            if (parameter.Ref is null)
            {
                resolved.Add(parameter);
            }
            else if (named.TryGetValue(parameter.Ref, out ParameterSpec? target))
            {
                resolved.Add(target);
            }
            else
            {
                unsupported ??= "the parameter $ref '" + parameter.Name + "', which no opted-in file declares";
            }
        }

        // Path parameters in the order the path names them.
        var pathNames = new List<string>();
        string template = operation.PathTemplate;
        for (int start = template.IndexOf('{'); start >= 0; start = template.IndexOf('{', start + 1))
        {
            int end = template.IndexOf('}', start);
            if (end < 0)
            {
                unsupported ??= "a path template with an unclosed '{'";
                break;
            }

            pathNames.Add(template.Substring(start + 1, end - start - 1));
        }

        var pathParameters = new List<ParameterSpec>();
        foreach (string name in pathNames)
        {
            if (resolved.FirstOrDefault(p => p.In == "path" && p.Name == name) is { } p)
            {
                pathParameters.Add(p);
            }
            else
            {
                unsupported ??= "the path placeholder {" + name + "}, which no path parameter declares";
            }
        }

        var requiredQuery = new List<ParameterSpec>();
        var optionalQuery = new List<ParameterSpec>();
        ParameterSpec? body = null;
        foreach (ParameterSpec parameter in resolved)
        {
            switch (parameter.In)
            {
                case "query" when parameter.Name == "api-version":
                    break;
                case "query" when parameter.Query is null:
                    unsupported ??= "the query parameter '" + parameter.Name + "', which is not a scalar";
                    break;
                case "query":
                    (parameter.Required ? requiredQuery : optionalQuery).Add(parameter);
                    break;
                case "body":
                    body = parameter;
                    break;
                case "formData":
                    unsupported ??= "the form-data parameter '" + parameter.Name + "'";
                    break;
                case "header" when parameter.Required:
                    unsupported ??= "the required header parameter '" + parameter.Name + "'";
                    break;
            }
        }

        var parameters = new List<MethodParameterModel>();
        var used = new HashSet<string>(ReservedParameterNames, StringComparer.Ordinal);
        string Unique(ParameterSpec p)
        {
            string baseName = Naming.ToPascalCase(p.ClientName ?? p.Name, "Parameter");
            baseName = char.ToLowerInvariant(baseName[0]) + baseName.Substring(1);
            string name = baseName;
            for (int i = 2; !used.Add(name); i++)
            {
                name = baseName + i.ToString(CultureInfo.InvariantCulture);
            }

            return Naming.Identifier(name);
        }

        foreach (ParameterSpec p in pathParameters)
        {
            parameters.Add(new MethodParameterModel(Unique(p), p.Name, ParameterPlace.Path, "string", PrimitiveKind.String, true, p.SkipUrlEncoding, false, p.Description));
        }

        foreach (ParameterSpec p in requiredQuery)
        {
            parameters.Add(new MethodParameterModel(Unique(p), p.Name, ParameterPlace.Query, QueryType(p.Query!.Value), p.Query.Value, true, false, false, p.Description));
        }

        if (body is not null)
        {
            TypeRefModel type = TypeBuilder.ResolveShape(index, body.Body ?? ShapeSpec.Any);
            string? typeName = type.Kind switch
            {
                TypeRefKind.Model => type.FullName,
                TypeRefKind.Any => "global::System.Text.Json.JsonElement",
                _ => null,
            };
            if (typeName is null)
            {
                unsupported ??= "the body parameter '" + body.Name + "', which is not an object schema";
            }
            else
            {
                parameters.Add(new MethodParameterModel(Unique(body), body.Name, ParameterPlace.Body, typeName, PrimitiveKind.String, body.Required, false, type.Kind == TypeRefKind.Model, body.Description));
            }
        }

        foreach (ParameterSpec p in optionalQuery)
        {
            parameters.Add(new MethodParameterModel(Unique(p), p.Name, ParameterPlace.Query, QueryType(p.Query!.Value), p.Query.Value, false, false, false, p.Description));
        }

        if (unsupported is not null)
        {
            diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.UnsupportedOperation, operation.Location, operation.OperationId, unsupported));
            return null;
        }

        string? result = null;
        if (operation.Response is not null)
        {
            TypeRefModel type = TypeBuilder.ResolveShape(index, operation.Response);
            result = type.Kind == TypeRefKind.Model ? type.FullName : null;
        }

        OperationCallKind call = OperationCallKind.Send;
        if (operation.HttpMethod == "HEAD")
        {
            call = OperationCallKind.Exists;
            result = null;
        }
        else if (operation.Pageable && !operation.LongRunning && ItemType(operation.Response, index) is { } item)
        {
            call = OperationCallKind.List;
            result = item;
        }
        else if (operation.HttpMethod == "GET" && !operation.LongRunning && result is not null)
        {
            call = OperationCallKind.Get;
        }

        return new OperationMethodModel(
            operation.Name + "Async",
            operation.OperationId,
            operation.HttpMethod,
            operation.PathTemplate,
            operation.Summary,
            operation.Description,
            call,
            parameters.ToEquatableArray(),
            result,
            result is not null && call == OperationCallKind.Send && operation.ResponseMayBeEmpty,
            operation.LongRunning);
    }

    /// <summary>The model type of the <c>value</c> array of a list response, if it is a model.</summary>
    private static string? ItemType(ShapeSpec? response, IndexSpec index)
    {
        if (response?.Ref is null || TypeBuilder.FindEntry(index, response.Ref) is not { Kind: DeclKind.Object } entry)
        {
            return null;
        }

        if (entry.Members.FirstOrDefault(m => m.JsonName == "value") is not { Shape: { } shape })
        {
            return null;
        }

        TypeRefModel type = TypeBuilder.ResolveShape(index, shape);
        return type is { Kind: TypeRefKind.Array, Element: { Kind: TypeRefKind.Model } element } ? element.FullName : null;
    }

    private static string QueryType(PrimitiveKind kind) => kind switch
    {
        PrimitiveKind.Int32 => "int",
        PrimitiveKind.Int64 => "long",
        PrimitiveKind.Boolean => "bool",
        PrimitiveKind.Double => "double",
        _ => "string",
    };
}
