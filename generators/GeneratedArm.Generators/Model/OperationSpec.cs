namespace GeneratedArm.Generators.Model;

// Cached values of the operations pipeline: records of strings, enums and EquatableArrays, like Specs.cs.

/// <summary>
/// An OpenAPI parameter as declared (or, with <see cref="Ref"/> set, a <c>$ref</c> to one declared under
/// <c>parameters</c> in this or another file).
/// </summary>
internal sealed record ParameterSpec
{
    public required string Name { get; init; }

    /// <summary><c>path</c>, <c>query</c>, <c>header</c>, <c>body</c>, <c>formData</c>; <c>$ref</c> for a reference.</summary>
    public required string In { get; init; }

    public bool Required { get; init; }

    public string? ClientName { get; init; }

    public string? Description { get; init; }

    public bool SkipUrlEncoding { get; init; }

    /// <summary>The scalar type of a path, query or header parameter; <see langword="null"/> when it is not a scalar (an array).</summary>
    public TypeRefKind? Scalar { get; init; }

    /// <summary>A named string enum (<c>x-ms-enum</c>), declared as a type by the model pipeline at this pointer.</summary>
    public SchemaRef? Enum { get; init; }

    /// <summary>The values of <c>enum</c> (for <c>api-version</c>: a single value pins it).</summary>
    public EquatableArray<string> EnumValues { get; init; } = EquatableArray<string>.Empty;

    /// <summary>The body's schema.</summary>
    public ShapeSpec? Body { get; init; }

    /// <summary><c>x-ms-parameter-location</c>: <c>client</c>, <c>method</c>, or <see langword="null"/> when absent.</summary>
    public string? ParameterLocation { get; init; }

    public SchemaRef? Ref { get; init; }

    public LocationInfo? Location { get; init; }
}

/// <summary>A parameter declared under the document's <c>parameters</c>, addressable by <c>$ref</c>.</summary>
internal sealed record NamedParameterSpec(string Pointer, ParameterSpec Parameter);

/// <summary>One <c>paths</c> × method entry, before references are resolved.</summary>
internal sealed record OperationSpec
{
    public required string OperationId { get; init; }

    /// <summary>The operation group: the part of <c>operationId</c> before <c>_</c>, PascalCase.</summary>
    public required string Group { get; init; }

    public required string Name { get; init; }

    public required string HttpMethod { get; init; }

    public required string PathTemplate { get; init; }

    public string? Summary { get; init; }

    public string? Description { get; init; }

    /// <summary>The operation's parameters, then the path item's it does not override, in the spec's order.</summary>
    public required EquatableArray<ParameterSpec> Parameters { get; init; }

    public ShapeSpec? Response { get; init; }

    public bool ResponseMayBeEmpty { get; init; }

    public bool LongRunning { get; init; }

    /// <summary><c>x-ms-long-running-operation-options.final-state-via</c>, as written.</summary>
    public string? FinalStateVia { get; init; }

    public bool Pageable { get; init; }

    public string? Unsupported { get; init; }

    public required string Pointer { get; init; }

    public required LocationInfo Location { get; init; }
}

/// <summary>The operations of one file (none unless it is OpenAPI 2.0).</summary>
internal sealed record OperationDocumentSpec
{
    public required string Path { get; init; }

    public required string SourcePath { get; init; }

    public required string Namespace { get; init; }

    /// <summary><c>info.title</c>: files of one namespace with the same title form one client.</summary>
    public string? Title { get; init; }

    /// <summary><c>info.version</c>: the api-version of the file's operations unless one pins its own.</summary>
    public string? ApiVersion { get; init; }

    public EquatableArray<OperationSpec> Operations { get; init; } = EquatableArray<OperationSpec>.Empty;

    public EquatableArray<NamedParameterSpec> Parameters { get; init; } = EquatableArray<NamedParameterSpec>.Empty;
}

/// <summary>How a generated method calls the runtime and what it returns.</summary>
internal enum OperationCallKind
{
    /// <summary><c>SendAsync</c>; <c>ArmResponse&lt;T&gt;</c> (or <c>ArmResponse</c> without a model).</summary>
    Send,

    /// <summary><c>HeadAsync</c>: <c>ArmResponse&lt;bool&gt;</c>.</summary>
    Head,

    /// <summary><c>GetPageable&lt;T&gt;</c>: <c>ArmPageable&lt;T&gt;</c> following <c>nextLink</c>.</summary>
    Pageable,

    /// <summary><c>SendAsync</c> then <c>ArmOperation(&lt;T&gt;)</c>, with <c>WaitUntil</c> first.</summary>
    LongRunning,
}

/// <summary>Where a parameter's value goes in the request.</summary>
internal enum ParameterPlace
{
    Path,
    Query,
    Body,
}

/// <summary>A parameter of a generated method (or of the client, for client parameters), resolved.</summary>
internal sealed record MethodParameterModel
{
    /// <summary>The C# parameter name (a client parameter's property is its PascalCase form).</summary>
    public required string Name { get; init; }

    public required string WireName { get; init; }

    public required ParameterPlace Place { get; init; }

    /// <summary>The resolved type; turned into C# only by the emitter.</summary>
    public required TypeRefModel Type { get; init; }

    public bool Required { get; init; }

    public bool SkipUrlEncoding { get; init; }

    /// <summary>A client parameter: the value comes from the client's property, not from the method.</summary>
    public bool FromClient { get; init; }

    public string? Description { get; init; }

    /// <summary>The client's property for a client parameter: the PascalCase form of <see cref="Name"/>.</summary>
    public string PropertyName => Parsing.Naming.ToPascalCase(Name.TrimStart('@'), "Parameter");
}

/// <summary>One generated instance method of an operation group.</summary>
internal sealed record OperationMethodModel
{
    public required string Name { get; init; }

    public required string OperationId { get; init; }

    public required string HttpMethod { get; init; }

    public required string PathTemplate { get; init; }

    public string? Summary { get; init; }

    public string? Description { get; init; }

    public required OperationCallKind Call { get; init; }

    /// <summary>Method parameters in order (required first), and client parameters the request uses.</summary>
    public required EquatableArray<MethodParameterModel> Parameters { get; init; }

    /// <summary>The api-version sent; <see langword="null"/> when the method takes it as <c>apiVersion</c>.</summary>
    public string? ApiVersion { get; init; }

    /// <summary>The result model (for a pageable: the item model), or <see langword="null"/>.</summary>
    public TypeRefModel? Result { get; init; }

    /// <summary>A 204 (or a 202 of a non-LRO) may come without a body.</summary>
    public bool ResultNullable { get; init; }

    /// <summary>The runtime's <c>ArmFinalStateVia</c> member name for a long-running operation.</summary>
    public string? FinalStateVia { get; init; }
}

/// <summary>One generated operation group class <c>{Group}Operations</c>: one source file.</summary>
internal sealed record OperationGroupSpec
{
    public required string HintName { get; init; }

    public required string Namespace { get; init; }

    public required string Name { get; init; }

    /// <summary>The client class the group belongs to.</summary>
    public required string ClientName { get; init; }

    /// <summary>The spec files the operations come from, for the header comment.</summary>
    public required string SourceFiles { get; init; }

    public required EquatableArray<OperationMethodModel> Methods { get; init; }
}

/// <summary>A group as the client exposes it.</summary>
internal sealed record GroupPropertyModel(string PropertyName, string ClassName);

/// <summary>One generated client class per spec title: one source file.</summary>
internal sealed record ClientSpec
{
    public required string HintName { get; init; }

    public required string Namespace { get; init; }

    public required string Name { get; init; }

    public required string Title { get; init; }

    public required string SourceFiles { get; init; }

    /// <summary>Constructor parameters after the <c>ArmClient</c>, each also a property.</summary>
    public required EquatableArray<MethodParameterModel> Parameters { get; init; }

    public required EquatableArray<GroupPropertyModel> Groups { get; init; }
}

/// <summary>Every client and group of the compilation, with the diagnostics of building them.</summary>
internal sealed record OperationsResult(EquatableArray<ClientSpec> Clients, EquatableArray<OperationGroupSpec> Groups, EquatableArray<DiagnosticInfo> Diagnostics)
{
    /// <summary>Nothing: the compilation does not reference the runtime.</summary>
    public static readonly OperationsResult None = new(EquatableArray<ClientSpec>.Empty, EquatableArray<OperationGroupSpec>.Empty, EquatableArray<DiagnosticInfo>.Empty);
}
