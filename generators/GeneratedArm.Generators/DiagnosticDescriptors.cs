using Microsoft.CodeAnalysis;

namespace GeneratedArm.Generators;

/// <summary>
/// The generator's diagnostic catalogue. IDs are stable: never renumber or reuse one
/// (AnalyzerReleases.Shipped.md/Unshipped.md track them). Every message names the JSON pointer of the
/// offending node; every location is a file, line and column in the schema.
/// </summary>
internal static class DiagnosticDescriptors
{
    private const string Category = "GeneratedArm.Generators";

    public static readonly DiagnosticDescriptor InvalidJson = new(
        id: "GARM001",
        title: "Schema file is not valid JSON",
        messageFormat: "'{0}' is not valid JSON at {1}: {2}",
        category: Category,
        defaultSeverity: DiagnosticSeverity.Error,
        isEnabledByDefault: true,
        description: "An AdditionalFiles item marked ArmSchema=\"true\" could not be parsed; no code is generated from it.");

    public static readonly DiagnosticDescriptor UnresolvableReference = new(
        id: "GARM002",
        title: "$ref cannot be resolved",
        messageFormat: "The $ref '{0}' at {1} cannot be resolved{2}; the value is typed as JsonElement",
        category: Category,
        defaultSeverity: DiagnosticSeverity.Error,
        isEnabledByDefault: true,
        description: "A $ref points at a file that is not an opted-in AdditionalFiles item, or at a pointer that file does not contain. The generator never reads the disk: list every referenced file as <AdditionalFiles ArmSchema=\"true\" />.");

    public static readonly DiagnosticDescriptor UnsupportedConstruct = new(
        id: "GARM003",
        title: "Unsupported schema construct",
        messageFormat: "{0} at {1} is not supported; the value is typed as JsonElement",
        category: Category,
        defaultSeverity: DiagnosticSeverity.Warning,
        isEnabledByDefault: true,
        description: "The schema uses a construct the generator cannot map to a C# type; the value is kept losslessly as a JsonElement.");

    public static readonly DiagnosticDescriptor NameCollision = new(
        id: "GARM004",
        title: "Name collision resolved",
        messageFormat: "The name '{0}' for {1} collides with {2}; '{3}' is used instead",
        category: Category,
        defaultSeverity: DiagnosticSeverity.Info,
        isEnabledByDefault: true,
        description: "Two schemas or members want the same C# name; the one later in ordinal (file, pointer) order gets a numeric suffix. Set x-ms-client-name to choose a name.");

    public static readonly DiagnosticDescriptor UnknownDocument = new(
        id: "GARM005",
        title: "Schema file kind not recognised",
        messageFormat: "'{0}' is neither an OpenAPI 2.0 document (\"swagger\": \"2.0\") nor a JSON Schema object; nothing is generated from it",
        category: Category,
        defaultSeverity: DiagnosticSeverity.Warning,
        isEnabledByDefault: true,
        description: "The file is opted in with ArmSchema=\"true\" but its content is neither supported document kind.");

    public static readonly DiagnosticDescriptor ReferenceCycle = new(
        id: "GARM006",
        title: "$ref cycle",
        messageFormat: "The $ref '{0}' at {1} is part of a cycle of references that never reaches a schema; the value is typed as JsonElement",
        category: Category,
        defaultSeverity: DiagnosticSeverity.Warning,
        isEnabledByDefault: true,
        description: "A chain of $ref aliases leads back to itself without any object, array or primitive schema in between.");

    public static readonly DiagnosticDescriptor InternalError = new(
        id: "GARM007",
        title: "Generator failed on a schema",
        messageFormat: "The generator failed on '{0}': {1}",
        category: Category,
        defaultSeverity: DiagnosticSeverity.Error,
        isEnabledByDefault: true,
        description: "An unexpected failure inside the generator; please report it with the schema file.");

    public static readonly DiagnosticDescriptor LenientJson = new(
        id: "GARM009",
        title: "Schema file is not strict JSON",
        messageFormat: "'{0}' is not strict JSON at line {1}, column {2}: {3}; it is read as AutoRest reads it",
        category: Category,
        defaultSeverity: DiagnosticSeverity.Info,
        isEnabledByDefault: true,
        description: "Some files of azure-rest-api-specs have a trailing comma or a comment, which RFC 8259 does not allow but AutoRest accepts. The file is generated as if they were absent. Info by default, so a TreatWarningsAsErrors build is not broken by a file its owner cannot edit; raise it with .editorconfig (dotnet_diagnostic.GARM009.severity) to hold your own files to strict JSON.");

    public static readonly DiagnosticDescriptor UnsupportedOperation = new(
        id: "GARM008",
        title: "Operation not generated",
        messageFormat: "The operation '{0}' is not generated; not supported: {1}",
        category: Category,
        defaultSeverity: DiagnosticSeverity.Warning,
        isEnabledByDefault: true,
        description: "An OpenAPI operation uses a shape typed operations cannot express (form data, a non-JSON body, a non-scalar query parameter, a required header, an unresolvable parameter $ref); its models are still generated. Call it through ArmClient.SendAsync.");
}
