namespace GeneratedArm.Generators.Model;

// The pipeline's cached values. All are records of strings, enums, other records and
// EquatableArrays, so equality is by value and no Roslyn symbol, syntax node or Location is held.

/// <summary>One opted-in AdditionalFiles item: where it is, what it says, and its target namespace.</summary>
internal sealed record InputFile(string Path, string Text, string Namespace);

/// <summary>What kind of document a file is, detected from content.</summary>
internal enum DocumentKind
{
    Unknown,
    JsonSchema,
    OpenApi2,
}

/// <summary>A reference to a schema: normalized file path (or $id URI) plus JSON pointer fragment (<c>#/definitions/X</c>).</summary>
internal sealed record SchemaRef(string Path, string Pointer)
{
    public override string ToString() => Path + Pointer;
}

/// <summary>The structure of a property's schema before cross-file resolution.</summary>
internal enum ShapeKind
{
    /// <summary>A scalar; see <see cref="ShapeSpec.Primitive"/> (one of the scalar kinds of <see cref="TypeRefKind"/>).</summary>
    Primitive,

    /// <summary>A reference to a declaration (possibly in another file); resolved against the index.</summary>
    Ref,

    /// <summary>A JSON array of <see cref="ShapeSpec.Element"/>.</summary>
    Array,

    /// <summary>A JSON object used as a string-keyed dictionary of <see cref="ShapeSpec.Element"/>.</summary>
    Map,

    /// <summary>Anything: kept as a JsonElement.</summary>
    Any,
}

/// <summary>
/// The unresolved type of a value. <see cref="Location"/> and <see cref="RefText"/> are kept for
/// reporting a $ref that the index cannot resolve.
/// </summary>
internal sealed record ShapeSpec(ShapeKind Kind, TypeRefKind Primitive = TypeRefKind.String, SchemaRef? Ref = null, ShapeSpec? Element = null, string? RefText = null, LocationInfo? Location = null, string? SourcePointer = null)
{
    public static readonly ShapeSpec Any = new(ShapeKind.Any);

    public static ShapeSpec Scalar(TypeRefKind primitive) => new(ShapeKind.Primitive, primitive);
}

/// <summary>What a declaration becomes.</summary>
internal enum DeclKind
{
    /// <summary>A class with properties.</summary>
    Object,

    /// <summary>An extensible enum: a readonly struct over a string that keeps unknown values.</summary>
    ExtensibleEnum,

    /// <summary>A C# enum (x-ms-enum modelAsString: false).</summary>
    FixedEnum,

    /// <summary>No type of its own: uses of it are replaced by <see cref="DeclSpec.Alias"/> (primitives, arrays, maps).</summary>
    Alias,
}

/// <summary>A property as declared in a schema.</summary>
internal sealed record PropSpec(
    string JsonName,
    string Name,
    ShapeSpec Shape,
    bool ReadOnly,
    bool Secret,
    bool Required,
    bool Nullable,
    string? Description,
    LocationInfo Location,
    bool Flatten = false,
    string? Default = null);

/// <summary>One value of an enum: the JSON value and the C# member name.</summary>
internal sealed record EnumValueSpec(string Value, string Name, string? Description);

/// <summary>A schema that may become a type: a definition, a $defs entry, a document root or a named inline schema.</summary>
internal sealed record DeclSpec
{
    public required string Pointer { get; init; }

    public required string Key { get; init; }

    public required string Name { get; init; }

    public required DeclKind Kind { get; init; }

    public string? Description { get; init; }

    public required LocationInfo Location { get; init; }

    public SchemaRef? Base { get; init; }

    public EquatableArray<PropSpec> Properties { get; init; } = EquatableArray<PropSpec>.Empty;

    public string? Discriminator { get; init; }

    public string? DiscriminatorValue { get; init; }

    public bool IsUnknownSubtype { get; init; }

    public EquatableArray<EnumValueSpec> EnumValues { get; init; } = EquatableArray<EnumValueSpec>.Empty;

    public ShapeSpec? Alias { get; init; }
}

/// <summary>The parse step's output for one file.</summary>
internal sealed record DocumentSpec(
    string Path,
    string? Id,
    string Namespace,
    DocumentKind Kind,
    EquatableArray<DeclSpec> Declarations,
    EquatableArray<DiagnosticInfo> Diagnostics,
    string SourcePath);

/// <summary>
/// The one parse of one file, split at once into the models and the operations, so an edit of one part leaves the
/// other's downstream steps cached.
/// </summary>
internal sealed record ParsedFile(DocumentSpec Document, OperationDocumentSpec Operations);

/// <summary>A member's final C# name, keyed by its JSON name.</summary>
internal sealed record MemberName(string JsonName, string Name, ShapeSpec? Shape = null);

/// <summary>
/// A shortcut property for x-ms-client-flatten: <see cref="Name"/> on the outer type reads and writes
/// <see cref="Target"/> of the object in property <see cref="Via"/>.
/// </summary>
internal sealed record ForwardSpec(string Name, string Via, string Target, ShapeSpec Shape);

/// <summary>One declaration as every other file sees it: where it is, its final C# name, and how to use it.</summary>
internal sealed record IndexEntry
{
    public required string Path { get; init; }

    public required string Pointer { get; init; }

    public required string Namespace { get; init; }

    public required string Name { get; init; }

    public required DeclKind Kind { get; init; }

    public ShapeSpec? Alias { get; init; }

    public SchemaRef? Base { get; init; }

    public string? Discriminator { get; init; }

    public string? DiscriminatorValue { get; init; }

    public bool IsUnknownSubtype { get; init; }

    public EquatableArray<MemberName> Members { get; init; } = EquatableArray<MemberName>.Empty;

    public ShapeSpec? DiscriminatorShape { get; init; }

    public EquatableArray<ForwardSpec> Forwards { get; init; } = EquatableArray<ForwardSpec>.Empty;

    public string FullName => "global::" + Namespace + "." + Name;
}

/// <summary>
/// The symbol table over every opted-in file: final type and member names (collisions resolved),
/// aliases, bases and discriminators. It changes only when a name, a base or an alias changes, so an
/// edit to a property's description does not re-run the other files.
/// </summary>
internal sealed record IndexSpec(
    EquatableArray<IndexEntry> Entries,
    EquatableArray<MemberName> Ids,
    EquatableArray<DiagnosticInfo> Diagnostics);

/// <summary>
/// The kind of a type: the scalars first (String … UnixTime, the one primitive-kind enum a schema's type and format
/// map to), then the composite kinds a resolved <see cref="TypeRefModel"/> can also have.
/// </summary>
internal enum TypeRefKind
{
    String,
    Int32,
    Int64,
    Float,
    Double,
    Boolean,
    DateTime,
    DateTimeRfc1123,
    Date,
    Duration,
    Uuid,
    Bytes,
    Uri,
    UnixTime,
    Any,
    Model,
    ExtensibleEnum,
    FixedEnum,
    Array,
    Map,
}

internal sealed record TypeRefModel(TypeRefKind Kind, string? FullName = null, TypeRefModel? Element = null);

internal sealed record PropertyModel(
    string Name,
    string JsonName,
    TypeRefModel Type,
    bool ReadOnly,
    bool Secret,
    bool Required,
    bool Nullable,
    string? Description,
    string? Default = null);

/// <summary>A subtype a polymorphic type dispatches to by discriminator value.</summary>
internal sealed record SubtypeModel(string Value, string FullName);

/// <summary>An x-ms-client-flatten shortcut, resolved.</summary>
internal sealed record ForwardModel(string Name, string Via, string Target, TypeRefModel Type, string NestedType);

/// <summary>Everything the emitter needs for one generated type (one source file).</summary>
internal sealed record TypeSpec
{
    public required string HintName { get; init; }

    public required string Namespace { get; init; }

    public required string Name { get; init; }

    public required DeclKind Kind { get; init; }

    public string? Description { get; init; }

    public required string SourcePath { get; init; }

    public required string SourcePointer { get; init; }

    /// <summary>The base class's full name, if the type derives from another.</summary>
    public string? BaseType { get; init; }

    public bool IsSealed { get; init; }

    public EquatableArray<PropertyModel> Properties { get; init; } = EquatableArray<PropertyModel>.Empty;

    /// <summary>The discriminator's JSON name when this type dispatches to subtypes.</summary>
    public string? DiscriminatorJsonName { get; init; }

    public EquatableArray<SubtypeModel> Subtypes { get; init; } = EquatableArray<SubtypeModel>.Empty;

    public string? UnknownSubtype { get; init; }

    public string? SelfDiscriminatorValue { get; init; }

    public string? DiscriminatorPropertyName { get; init; }

    public TypeRefModel? DiscriminatorPropertyType { get; init; }

    public bool IsUnknownSubtype { get; init; }

    public EquatableArray<EnumValueSpec> EnumValues { get; init; } = EquatableArray<EnumValueSpec>.Empty;

    public EquatableArray<ForwardModel> Forwards { get; init; } = EquatableArray<ForwardModel>.Empty;

    public string FullName => "global::" + Namespace + "." + Name;
}

/// <summary>The per-file result of resolution: the types to emit and the diagnostics to report.</summary>
internal sealed record DocumentTypes(string Path, EquatableArray<TypeSpec> Types, EquatableArray<DiagnosticInfo> Diagnostics);
