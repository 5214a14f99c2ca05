namespace GeneratedArm.Generators.Model;

// Cached values of the operations pipeline: records of strings, enums and EquatableArrays, like Specs.cs.

/// <summary>
/// An OpenAPI parameter as declared (or, with <see cref="Ref"/> set, a <c>$ref</c> to one declared under
/// <c>parameters</c> in this or another file). <see cref="Query"/> is the scalar type of a path, query or
/// header parameter, <see langword="null"/> when it is not a scalar (an array).
/// </summary>
internal sealed record ParameterSpec(
    string Name,
    string In,
    bool Required,
    string? ClientName,
    string? Description,
    bool SkipUrlEncoding,
    PrimitiveKind? Query,
    ShapeSpec? Body,
    SchemaRef? Ref,
    LocationInfo? Location);

/// <summary>A parameter declared under the document's <c>parameters</c>, addressable by <c>$ref</c>.</summary>
internal sealed record NamedParameterSpec(string Pointer, ParameterSpec Parameter);

/// <summary>One <c>paths</c> × method entry, before references are resolved.</summary>
internal sealed record OperationSpec(
    string OperationId,
    string Group,
    string Name,
    string HttpMethod,
    string PathTemplate,
    string? Summary,
    string? Description,
    EquatableArray<ParameterSpec> Parameters,
    ShapeSpec? Response,
    bool ResponseMayBeEmpty,
    bool LongRunning,
    bool Pageable,
    string? Unsupported,
    string Pointer,
    LocationInfo Location);

/// <summary>The operations of one file (empty unless it is OpenAPI 2.0 and the runtime is referenced).</summary>
internal sealed record OperationDocumentSpec(
    string Path,
    string SourcePath,
    string Namespace,
    string? ApiVersion,
    EquatableArray<OperationSpec> Operations,
    EquatableArray<NamedParameterSpec> Parameters);

/// <summary>How a generated method calls the runtime.</summary>
internal enum OperationCallKind
{
    /// <summary><c>ArmClient.GetAsync&lt;T&gt;</c>.</summary>
    Get,

    /// <summary><c>ArmClient.ExistsAsync</c> (HEAD).</summary>
    Exists,

    /// <summary><c>ArmClient.ListAsync&lt;T&gt;</c>: an <c>IAsyncEnumerable</c> following <c>nextLink</c>.</summary>
    List,

    /// <summary><c>ArmClient.SendAsync</c>, then perhaps <c>WaitForCompletionAsync</c> and <c>ContentAs&lt;T&gt;</c>.</summary>
    Send,
}

/// <summary>Where a method parameter goes in the request.</summary>
internal enum ParameterPlace
{
    Path,
    Query,
    Body,
}

/// <summary>A parameter of a generated method, resolved.</summary>
internal sealed record MethodParameterModel(
    string Name,
    string WireName,
    ParameterPlace Place,
    string Type,
    PrimitiveKind Kind,
    bool Required,
    bool SkipUrlEncoding,
    bool BodyIsModel,
    string? Description);

/// <summary>One generated extension method.</summary>
internal sealed record OperationMethodModel(
    string Name,
    string OperationId,
    string HttpMethod,
    string PathTemplate,
    string? Summary,
    string? Description,
    OperationCallKind Call,
    EquatableArray<MethodParameterModel> Parameters,
    string? ResultType,
    bool ResultNullable,
    bool LongRunning);

/// <summary>One generated static class <c>{Group}Operations</c>: one source file.</summary>
internal sealed record OperationGroupSpec(
    string HintName,
    string Namespace,
    string Name,
    string ApiVersion,
    string SourcePath,
    EquatableArray<OperationMethodModel> Methods);

/// <summary>Every operations class of the compilation, with the diagnostics of building them.</summary>
internal sealed record OperationsResult(EquatableArray<OperationGroupSpec> Groups, EquatableArray<DiagnosticInfo> Diagnostics);
