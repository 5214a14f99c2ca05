namespace GeneratedArm.Generators;

/// <summary>Tracking names of the pipeline's steps, shared with the incrementality tests.</summary>
internal static class StepNames
{
    /// <summary>The target namespace when an item has no ArmNamespace: RootNamespace + ".Models".</summary>
    public const string DefaultNamespace = nameof(DefaultNamespace);

    /// <summary>Opted-in AdditionalFiles as (path, text, namespace).</summary>
    public const string InputFiles = nameof(InputFiles);

    /// <summary>The one parse of each file: JSON → declarations and operations, cross-file references unresolved.</summary>
    public const string ParsedFiles = nameof(ParsedFiles);

    /// <summary>The declarations part of each parse.</summary>
    public const string ParsedDocuments = nameof(ParsedDocuments);

    /// <summary>All files → the symbol table (final names, bases, aliases).</summary>
    public const string Index = nameof(Index);

    /// <summary>Per file: declarations + index → resolved type specs and diagnostics.</summary>
    public const string ResolvedDocuments = nameof(ResolvedDocuments);

    /// <summary>Whether the compilation references GeneratedArm.Serialization.IArmModel&lt;T&gt;.</summary>
    public const string RuntimeAvailable = nameof(RuntimeAvailable);

    /// <summary>One value per generated type: what each source output is built from.</summary>
    public const string Types = nameof(Types);

    /// <summary>Per-file diagnostics.</summary>
    public const string Diagnostics = nameof(Diagnostics);

    /// <summary>Whether the compilation references GeneratedArm.ArmClient (typed operations are generated only then).</summary>
    public const string ClientAvailable = nameof(ClientAvailable);

    /// <summary>The operations part of each parse (OpenAPI paths, title, named parameters), references unresolved.</summary>
    public const string ParsedOperations = nameof(ParsedOperations);

    /// <summary>All files' operations + index → the operations classes and their diagnostics.</summary>
    public const string Operations = nameof(Operations);

    /// <summary>One value per operations class: what each operations source output is built from.</summary>
    public const string OperationGroups = nameof(OperationGroups);

    /// <summary>One client per spec title.</summary>
    public const string Clients = nameof(Clients);
}
