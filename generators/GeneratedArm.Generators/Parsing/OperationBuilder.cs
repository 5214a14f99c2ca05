using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Globalization;
using System.Linq;
using GeneratedArm.Generators.Model;

namespace GeneratedArm.Generators.Parsing;

/// <summary>
/// All files' operations + the index → one <see cref="ClientSpec"/> per spec title and one
/// <see cref="OperationGroupSpec"/> per operation group (AutoRest's shape): parameters resolved through
/// <c>$ref</c>s (in any opted-in file), client parameters separated from method parameters, api-versions
/// chosen per operation, types resolved, names made unique. It sees every file because parameters are shared
/// across files (common-types) and the files of one title form one client.
/// </summary>
internal static class OperationBuilder
{
    private static readonly string[] ReservedParameterNames = { "cancellationToken", "waitUntil", "requestPath", "response", "buffer", "writer", "operation" };

    /// <summary>Members every class has (from <see cref="object"/>): a method must not hide them.</summary>
    private static readonly string[] ObjectMembers = { "Equals", "GetHashCode", "GetType", "ToString", "MemberwiseClone", "Finalize", "ReferenceEquals" };

    public static OperationsResult Build(ImmutableArray<OperationDocumentSpec> documents, IndexSpec index, System.Threading.CancellationToken cancellationToken = default)
    {
        var diagnostics = new List<DiagnosticInfo>();
        var clients = new List<ClientSpec>();
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

            IEnumerable<IGrouping<(string Namespace, string Title), OperationDocumentSpec>> byTitle = documents
                .Where(d => d.Operations.Count > 0)
                .OrderBy(d => d.Path, StringComparer.Ordinal)
                .GroupBy(d => (d.Namespace, Title: d.Title ?? DefaultTitle(d.Path)))
                .OrderBy(g => g.Key.Namespace, StringComparer.Ordinal)
                .ThenBy(g => g.Key.Title, StringComparer.Ordinal);
            foreach (IGrouping<(string Namespace, string Title), OperationDocumentSpec> title in byTitle)
            {
                cancellationToken.ThrowIfCancellationRequested();
                new ClientBuilder(title.Key.Namespace, title.Key.Title, title.ToList(), parameters, index, taken, diagnostics).Build(clients, groups);
            }
        }
        catch (OperationCanceledException)
        {
            throw;
        }
        catch (Exception ex)
        {
            diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.InternalError, null, "operations", ex.GetType().Name + ": " + ex.Message));
            clients.Clear();
            groups.Clear();
        }

        return new OperationsResult(
            clients.OrderBy(c => c.HintName, StringComparer.Ordinal).ToEquatableArray(),
            groups.OrderBy(g => g.HintName, StringComparer.Ordinal).ToEquatableArray(),
            diagnostics.ToEquatableArray());
    }

    private static string DefaultTitle(string path)
    {
        string name = PathUtil.FileName(path);
        return (name.EndsWith(".json", StringComparison.OrdinalIgnoreCase) ? name.Substring(0, name.Length - 5) : name) + "Client";
    }

    /// <summary>A name not yet in <paramref name="used"/>: <paramref name="wanted"/>, else with 2, 3, … before <paramref name="suffix"/>.</summary>
    private static string Unique(string wanted, string suffix, Func<string, bool> isFree)
    {
        string stem = wanted.Substring(0, wanted.Length - suffix.Length);
        string name = wanted;
        for (int i = 2; !isFree(name); i++)
        {
            name = stem + i.ToString(CultureInfo.InvariantCulture) + suffix;
        }

        return name;
    }

    /// <summary>The client of one title: its parameters, groups and methods.</summary>
    private sealed class ClientBuilder
    {
        private readonly string _namespace;
        private readonly string _title;
        private readonly List<OperationDocumentSpec> _documents;
        private readonly Dictionary<SchemaRef, ParameterSpec> _named;
        private readonly IndexSpec _index;
        private readonly HashSet<string> _taken;
        private readonly List<DiagnosticInfo> _diagnostics;
        private readonly List<MethodParameterModel> _clientParameters = new();

        public ClientBuilder(string ns, string title, List<OperationDocumentSpec> documents, Dictionary<SchemaRef, ParameterSpec> named, IndexSpec index, HashSet<string> taken, List<DiagnosticInfo> diagnostics)
        {
            _namespace = ns;
            _title = title;
            _documents = documents;
            _named = named;
            _index = index;
            _taken = taken;
            _diagnostics = diagnostics;
        }

        public void Build(List<ClientSpec> clients, List<OperationGroupSpec> groups)
        {
            OperationSpec first = _documents[0].Operations[0];
            string wanted = Naming.ToPascalCase(_title, "Client");
            string clientName = Unique(wanted, string.Empty, n => _taken.Add(_namespace + "." + n));
            if (clientName != wanted)
            {
                _diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.NameCollision, first.Location, wanted, "the client of '" + _title + "'", "another type of namespace " + _namespace, clientName));
            }

            var built = new List<(OperationSpec Operation, OperationMethodModel Method, string File)>();
            foreach (OperationDocumentSpec document in _documents)
            {
                foreach (OperationSpec operation in document.Operations)
                {
                    if (BuildMethod(operation, document) is { } method)
                    {
                        built.Add((operation, method, PathUtil.FileName(document.SourcePath)));
                    }
                }
            }

            if (built.Count == 0)
            {
                return;
            }

            // Members of the client a group property must not take: the class name, Arm and the client parameters.
            var memberNames = new HashSet<string>(StringComparer.Ordinal) { clientName, "Arm" };
            memberNames.UnionWith(ObjectMembers);
            foreach (MethodParameterModel parameter in _clientParameters)
            {
                memberNames.Add(parameter.PropertyName);
            }

            string sourceFiles = string.Join(", ", _documents.Select(d => PathUtil.FileName(d.SourcePath)).Distinct(StringComparer.Ordinal));
            var properties = new List<GroupPropertyModel>();
            foreach (IGrouping<string, (OperationSpec Operation, OperationMethodModel Method, string File)> group in built.GroupBy(b => b.Operation.Group).OrderBy(g => g.Key, StringComparer.Ordinal))
            {
                OperationSpec lead = group.First().Operation;
                string wantedClass = group.Key + "Operations";
                string className = Unique(wantedClass, string.Empty, n => _taken.Add(_namespace + "." + n));
                if (className != wantedClass)
                {
                    _diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.NameCollision, lead.Location, wantedClass, "operation group " + group.Key, "another type of namespace " + _namespace, className));
                }

                string propertyName = Unique(group.Key, string.Empty, memberNames.Add);
                if (propertyName != group.Key)
                {
                    _diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.NameCollision, lead.Location, group.Key, "operation group " + group.Key, "a member of " + clientName, propertyName));
                }

                properties.Add(new GroupPropertyModel(propertyName, className));
                groups.Add(new OperationGroupSpec
                {
                    HintName = _namespace + "." + className + ".g.cs",
                    Namespace = _namespace,
                    Name = className,
                    ClientName = clientName,
                    SourceFiles = string.Join(", ", group.Select(b => b.File).Distinct(StringComparer.Ordinal).OrderBy(f => f, StringComparer.Ordinal)),
                    Methods = UniqueMethods(group.Select(b => (b.Operation, b.Method)), className).ToEquatableArray(),
                });
            }

            clients.Add(new ClientSpec
            {
                HintName = _namespace + "." + clientName + ".g.cs",
                Namespace = _namespace,
                Name = clientName,
                Title = _title,
                SourceFiles = sourceFiles,
                Parameters = _clientParameters.ToEquatableArray(),
                Groups = properties.ToEquatableArray(),
            });
        }

        private List<OperationMethodModel> UniqueMethods(IEnumerable<(OperationSpec Operation, OperationMethodModel Method)> group, string className)
        {
            var names = new HashSet<string>(StringComparer.Ordinal) { className };
            names.UnionWith(ObjectMembers);
            var methods = new List<OperationMethodModel>();
            foreach ((OperationSpec operation, OperationMethodModel method) in group.OrderBy(b => b.Method.Name, StringComparer.Ordinal).ThenBy(b => b.Operation.OperationId, StringComparer.Ordinal))
            {
                string unique = Unique(method.Name, "Async", names.Add);
                if (unique != method.Name)
                {
                    _diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.NameCollision, operation.Location, method.Name, "operation " + operation.OperationId, "another member of " + className, unique));
                }

                methods.Add(unique == method.Name ? method : method with { Name = unique });
            }

            return methods;
        }

        private OperationMethodModel? BuildMethod(OperationSpec operation, OperationDocumentSpec document)
        {
            string? unsupported = operation.Unsupported;
            var resolved = new List<(ParameterSpec Parameter, bool Global)>();
            foreach (ParameterSpec parameter in operation.Parameters)
            {
                if (parameter.Ref is null)
                {
                    resolved.Add((parameter, false));
                }
                else if (_named.TryGetValue(parameter.Ref, out ParameterSpec? target))
                {
                    resolved.Add((target, true));
                }
                else
                {
                    unsupported ??= "the parameter $ref '" + parameter.Name + "', which no opted-in file declares";
                }
            }

            string? apiVersion = document.ApiVersion;
            bool apiVersionParameter = false;
            var requiredParameters = new List<MethodParameterModel>();
            var optionalParameters = new List<MethodParameterModel>();
            var clientParameters = new List<MethodParameterModel>();
            var used = new HashSet<string>(ReservedParameterNames, StringComparer.Ordinal);
            foreach ((ParameterSpec p, bool global) in resolved)
            {
                // AutoRest: a parameter declared under the document's "parameters" belongs to the client unless it says
                // x-ms-parameter-location: method (https://github.com/Azure/autorest/blob/main/docs/extensions/readme.md#x-ms-parameter-location).
                bool clientParameter = global && !string.Equals(p.ParameterLocation, "method", StringComparison.Ordinal);
                if (p.In == "query" && p.Name == "api-version")
                {
                    if (!clientParameter)
                    {
                        // The operation's own api-version: one value pins it; an open one is the caller's choice.
                        apiVersionParameter = p.EnumValues.Count != 1;
                        apiVersion = apiVersionParameter ? null : p.EnumValues[0];
                        if (apiVersionParameter)
                        {
                            requiredParameters.Add(new MethodParameterModel { Name = UniqueName(p, used), WireName = p.Name, Place = ParameterPlace.Query, Type = new TypeRefModel(TypeRefKind.String), Required = true, Description = p.Description ?? "The api-version to send (the resource type's, not the spec's)." });
                        }
                    }

                    continue;
                }

                switch (p.In)
                {
                    case "path" or "query":
                        if (p.Scalar is null)
                        {
                            unsupported ??= "the " + p.In + " parameter '" + p.Name + "', which is not a scalar";
                            continue;
                        }

                        var model = new MethodParameterModel
                        {
                            Name = clientParameter ? ClientParameterName(p) : UniqueName(p, used),
                            WireName = p.Name,
                            Place = p.In == "path" ? ParameterPlace.Path : ParameterPlace.Query,
                            Type = ScalarType(p),
                            Required = p.Required,
                            SkipUrlEncoding = p.SkipUrlEncoding,
                            FromClient = clientParameter,
                            Description = p.Description,
                        };
                        if (clientParameter)
                        {
                            clientParameters.Add(model);
                        }
                        else
                        {
                            (p.Required ? requiredParameters : optionalParameters).Add(model);
                        }

                        break;
                    case "body":
                        TypeRefModel type = TypeBuilder.ResolveShape(_index, p.Body ?? ShapeSpec.Any);
                        if (type.Kind is not (TypeRefKind.Model or TypeRefKind.Any))
                        {
                            unsupported ??= "the body parameter '" + p.Name + "', which is not an object schema";
                            continue;
                        }

                        (p.Required ? requiredParameters : optionalParameters).Add(new MethodParameterModel { Name = UniqueName(p, used), WireName = p.Name, Place = ParameterPlace.Body, Type = type, Required = p.Required, Description = p.Description });
                        break;
                    case "formData":
                        unsupported ??= "the form-data parameter '" + p.Name + "'";
                        break;
                    case "header" when p.Required:
                        unsupported ??= "the required header parameter '" + p.Name + "'";
                        break;
                }
            }

            var all = requiredParameters.Concat(optionalParameters).Concat(clientParameters).ToList();
            unsupported ??= CheckPath(operation.PathTemplate, all);
            if (apiVersion is null && !apiVersionParameter)
            {
                unsupported ??= "a document without info.version (the api-version)";
            }

            if (unsupported is not null)
            {
                _diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.UnsupportedOperation, operation.Location, operation.OperationId, unsupported));
                return null;
            }

            foreach (MethodParameterModel parameter in clientParameters)
            {
                if (!_clientParameters.Any(c => c.WireName == parameter.WireName))
                {
                    _clientParameters.Add(parameter with { Required = true });
                }
            }

            (OperationCallKind call, TypeRefModel? result) = CallOf(operation);
            return new OperationMethodModel
            {
                Name = operation.Name + "Async",
                OperationId = operation.OperationId,
                HttpMethod = operation.HttpMethod,
                PathTemplate = operation.PathTemplate,
                Summary = operation.Summary,
                Description = operation.Description,
                Call = call,
                Parameters = all.ToEquatableArray(),
                ApiVersion = apiVersion,
                Result = result,
                ResultNullable = result is not null && call == OperationCallKind.Send && operation.ResponseMayBeEmpty,
                FinalStateVia = call == OperationCallKind.LongRunning ? FinalStateVia(operation.FinalStateVia) : null,
            };
        }

        private (OperationCallKind Call, TypeRefModel? Result) CallOf(OperationSpec operation)
        {
            TypeRefModel? result = null;
            if (operation.Response is not null && TypeBuilder.ResolveShape(_index, operation.Response) is { Kind: TypeRefKind.Model } model)
            {
                result = model;
            }

            if (operation.HttpMethod == "HEAD")
            {
                return (OperationCallKind.Head, null);
            }

            if (operation.LongRunning)
            {
                return (OperationCallKind.LongRunning, result);
            }

            if (operation.Pageable && ItemType(operation.Response) is { } item)
            {
                return (OperationCallKind.Pageable, item);
            }

            return (OperationCallKind.Send, result);
        }

        /// <summary>The model type of the <c>value</c> array of a list response, if it is a model.</summary>
        private TypeRefModel? ItemType(ShapeSpec? response)
        {
            if (response?.Ref is null || TypeBuilder.FindEntry(_index, response.Ref) is not { Kind: DeclKind.Object } entry)
            {
                return null;
            }

            if (entry.Members.FirstOrDefault(m => m.JsonName == "value") is not { Shape: { } shape })
            {
                return null;
            }

            TypeRefModel type = TypeBuilder.ResolveShape(_index, shape);
            return type is { Kind: TypeRefKind.Array, Element: { Kind: TypeRefKind.Model } element } ? element : null;
        }

        private TypeRefModel ScalarType(ParameterSpec p)
        {
            if (p.Enum is not null && TypeBuilder.ResolveShape(_index, new ShapeSpec(ShapeKind.Ref, Ref: p.Enum)) is { Kind: TypeRefKind.ExtensibleEnum or TypeRefKind.FixedEnum } enumType)
            {
                return enumType;
            }

            return new TypeRefModel(p.Scalar switch
            {
                TypeRefKind.Int32 => TypeRefKind.Int32,
                TypeRefKind.Int64 => TypeRefKind.Int64,
                TypeRefKind.Boolean => TypeRefKind.Boolean,
                TypeRefKind.Double => TypeRefKind.Double,
                _ => TypeRefKind.String,
            });
        }

        /// <summary>Every placeholder of the path has a parameter (the method's or the client's).</summary>
        private static string? CheckPath(string template, List<MethodParameterModel> parameters)
        {
            for (int start = template.IndexOf('{'); start >= 0; start = template.IndexOf('{', start + 1))
            {
                int end = template.IndexOf('}', start);
                if (end < 0)
                {
                    return "a path template with an unclosed '{'";
                }

                string name = template.Substring(start + 1, end - start - 1);
                if (!parameters.Any(p => p.Place == ParameterPlace.Path && p.WireName == name))
                {
                    return "the path placeholder {" + name + "}, which no path parameter declares";
                }
            }

            return null;
        }

        private static string? FinalStateVia(string? written) => written switch
        {
            "azure-async-operation" => "AzureAsyncOperation",
            "original-uri" => "OriginalUri",
            "operation-location" => "OperationLocation",
            _ => "Location",
        };

        private static string ClientParameterName(ParameterSpec p)
        {
            string pascal = Naming.ToPascalCase(p.ClientName ?? p.Name, "Parameter");
            return Naming.Identifier(char.ToLowerInvariant(pascal[0]) + pascal.Substring(1));
        }

        private static string UniqueName(ParameterSpec p, HashSet<string> used)
        {
            string pascal = Naming.ToPascalCase(p.ClientName ?? p.Name, "Parameter");
            string baseName = char.ToLowerInvariant(pascal[0]) + pascal.Substring(1);
            string name = baseName;
            for (int i = 2; !used.Add(name); i++)
            {
                name = baseName + i.ToString(CultureInfo.InvariantCulture);
            }

            return Naming.Identifier(name);
        }
    }
}
