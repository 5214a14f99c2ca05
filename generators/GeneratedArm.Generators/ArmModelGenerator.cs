using System;
using System.Text;
using GeneratedArm.Generators.Emitting;
using GeneratedArm.Generators.Model;
using GeneratedArm.Generators.Parsing;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Text;

namespace GeneratedArm.Generators;

/// <summary>
/// Generates typed models with reflection-free JSON serialization from JSON Schema and OpenAPI 2.0
/// files listed as <c>&lt;AdditionalFiles Include="x.json" ArmSchema="true" /&gt;</c>.
/// This file only wires the pipeline; see <see cref="DocumentParser"/>, <see cref="IndexBuilder"/>,
/// <see cref="TypeBuilder"/> and <see cref="ModelEmitter"/> for the models, <see cref="OperationParser"/>,
/// <see cref="OperationBuilder"/> and <see cref="OperationEmitter"/> for the typed operations.
/// </summary>
[Generator(LanguageNames.CSharp)]
public sealed class ArmModelGenerator : IIncrementalGenerator
{
    /// <summary>The metadata name of the runtime interface generated models implement when it is referenced.</summary>
    public const string ArmModelInterface = "GeneratedArm.Serialization.IArmModel`1";

    /// <summary>The metadata name of the runtime client typed operations extend; without it no operations are generated.</summary>
    public const string ArmClientType = "GeneratedArm.ArmClient";

    /// <inheritdoc />
    public void Initialize(IncrementalGeneratorInitializationContext context)
    {
        IncrementalValueProvider<string> defaultNamespace = context.AnalyzerConfigOptionsProvider
            .Select(static (options, _) => DefaultNamespace(options.GlobalOptions))
            .WithTrackingName(StepNames.DefaultNamespace);

        IncrementalValuesProvider<InputFile> inputs = context.AdditionalTextsProvider
            .Combine(context.AnalyzerConfigOptionsProvider)
            .Select(static (pair, cancellationToken) => ReadInput(pair.Left, pair.Right.GetOptions(pair.Left), cancellationToken))
            .Where(static input => input is not null)
            .Combine(defaultNamespace)
            .Select(static (pair, _) => pair.Left!.Namespace.Length > 0 ? pair.Left : pair.Left with { Namespace = pair.Right })
            .WithTrackingName(StepNames.InputFiles);

        // One parse per file; models and operations go their own ways from here, each cached on its own.
        IncrementalValuesProvider<ParsedFile> parsed = inputs
            .Select(static (input, cancellationToken) => DocumentParser.ParseFile(input, cancellationToken))
            .WithTrackingName(StepNames.ParsedFiles);

        IncrementalValuesProvider<DocumentSpec> documents = parsed
            .Select(static (file, _) => file.Document)
            .WithTrackingName(StepNames.ParsedDocuments);

        IncrementalValueProvider<IndexSpec> index = documents
            .Collect()
            .Select(static (all, cancellationToken) => IndexBuilder.Build(all, cancellationToken))
            .WithTrackingName(StepNames.Index);

        IncrementalValuesProvider<DocumentTypes> resolved = documents
            .Combine(index)
            .Select(static (pair, cancellationToken) => TypeBuilder.Build(pair.Left, pair.Right, cancellationToken))
            .WithTrackingName(StepNames.ResolvedDocuments);

        // A bool, never the symbol: symbols must not be cached across compilations.
        IncrementalValueProvider<bool> runtimeAvailable = context.CompilationProvider
            .Select(static (compilation, _) => compilation.GetTypeByMetadataName(ArmModelInterface) is not null)
            .WithTrackingName(StepNames.RuntimeAvailable);

        IncrementalValuesProvider<(TypeSpec Type, bool RuntimeAvailable)> types = resolved
            .SelectMany(static (document, _) => document.Types)
            .Combine(runtimeAvailable)
            .WithTrackingName(StepNames.Types);

        context.RegisterSourceOutput(types, static (spc, pair) => Emit(spc, pair.Type.HintName, pair.Type.SourcePath + pair.Type.SourcePointer, () => ModelEmitter.Emit(pair.Type, pair.RuntimeAvailable)));

        // Typed operations: only when the compilation has the runtime's ArmClient (again a bool, not the symbol).
        IncrementalValueProvider<bool> clientAvailable = context.CompilationProvider
            .Select(static (compilation, _) => compilation.GetTypeByMetadataName(ArmClientType) is not null)
            .WithTrackingName(StepNames.ClientAvailable);

        IncrementalValuesProvider<OperationDocumentSpec> operationDocuments = parsed
            .Select(static (file, _) => file.Operations)
            .WithTrackingName(StepNames.ParsedOperations);

        IncrementalValueProvider<OperationsResult> operations = operationDocuments
            .Collect()
            .Combine(index)
            .Combine(clientAvailable)
            .Select(static (pair, cancellationToken) => pair.Right
                ? OperationBuilder.Build(pair.Left.Left, pair.Left.Right, cancellationToken)
                : OperationsResult.None)
            .WithTrackingName(StepNames.Operations);

        IncrementalValuesProvider<OperationGroupSpec> operationGroups = operations
            .SelectMany(static (result, _) => result.Groups)
            .WithTrackingName(StepNames.OperationGroups);

        IncrementalValuesProvider<ClientSpec> clients = operations
            .SelectMany(static (result, _) => result.Clients)
            .WithTrackingName(StepNames.Clients);

        context.RegisterSourceOutput(operationGroups, static (spc, group) => Emit(spc, group.HintName, group.Namespace + "." + group.Name, () => OperationEmitter.EmitGroup(group)));
        context.RegisterSourceOutput(clients, static (spc, client) => Emit(spc, client.HintName, client.Namespace + "." + client.Name, () => OperationEmitter.EmitClient(client)));
        context.RegisterSourceOutput(operations.Select(static (result, _) => result.Diagnostics), static (spc, list) =>
        {
            foreach (DiagnosticInfo diagnostic in list)
            {
                spc.ReportDiagnostic(diagnostic.ToDiagnostic());
            }
        });

        IncrementalValuesProvider<EquatableArray<DiagnosticInfo>> diagnostics = resolved
            .Select(static (document, _) => document.Diagnostics)
            .WithTrackingName(StepNames.Diagnostics);

        // Diagnostics of the index that belong to no file (an internal failure); per-file ones travel with each file.
        context.RegisterSourceOutput(index.Select(static (i, _) => i.Diagnostics), static (spc, list) =>
        {
            foreach (DiagnosticInfo diagnostic in list)
            {
                if (diagnostic.Location is null)
                {
                    spc.ReportDiagnostic(diagnostic.ToDiagnostic());
                }
            }
        });

        context.RegisterSourceOutput(diagnostics, static (spc, list) =>
        {
            foreach (DiagnosticInfo diagnostic in list)
            {
                spc.ReportDiagnostic(diagnostic.ToDiagnostic());
            }
        });
    }

    /// <summary>
    /// The namespace for files without ArmNamespace: the project's RootNamespace plus ".Models"
    /// (RootNamespace is made visible by build/GeneratedArm.Generators.props), else "GeneratedArm.Models".
    /// </summary>
    internal static string DefaultNamespace(AnalyzerConfigOptions globalOptions)
        => globalOptions.TryGetValue("build_property.RootNamespace", out string? root) && !string.IsNullOrWhiteSpace(root)
            ? Naming.Namespace(root + ".Models")
            : "GeneratedArm.Models";

    private static InputFile? ReadInput(AdditionalText file, AnalyzerConfigOptions options, System.Threading.CancellationToken cancellationToken)
    {
        if (!options.TryGetValue("build_metadata.AdditionalFiles.ArmSchema", out string? flag) || !string.Equals(flag?.Trim(), "true", StringComparison.OrdinalIgnoreCase))
        {
            return null;
        }

        string ns = options.TryGetValue("build_metadata.AdditionalFiles.ArmNamespace", out string? value) && !string.IsNullOrWhiteSpace(value)
            ? Naming.Namespace(value!)
            : string.Empty;
        string text = file.GetText(cancellationToken)?.ToString() ?? string.Empty;
        return new InputFile(file.Path, text, ns);
    }

    private static void Emit(SourceProductionContext context, string hintName, string what, Func<string> emit)
    {
        string source;
        try
        {
            source = emit();
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            context.ReportDiagnostic(DiagnosticInfo.Create(DiagnosticDescriptors.InternalError, null, what, ex.GetType().Name + ": " + ex.Message).ToDiagnostic());
            return;
        }

        context.AddSource(hintName, SourceText.From(source, Encoding.UTF8));
    }
}
