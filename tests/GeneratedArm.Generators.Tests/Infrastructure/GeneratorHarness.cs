using System.Collections.Immutable;
using System.Reflection;
using System.Runtime.Loader;
using System.Text;
using GeneratedArm.Serialization;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Text;

namespace GeneratedArm.Generators.Tests.Infrastructure;

/// <summary>One AdditionalFiles item for a test run.</summary>
internal sealed record SchemaFile(string Path, string Text, string? Namespace = null, bool OptIn = true);

/// <summary>Runs the generator the way the compiler does, then compiles its output like a strict consumer.</summary>
internal static class GeneratorHarness
{
    /// <summary>A consumer's strictest settings: nullable on, latest language, documentation checked.</summary>
    public static readonly CSharpParseOptions ParseOptions = new(LanguageVersion.Latest, DocumentationMode.Diagnose);

    private static readonly Lazy<ImmutableArray<MetadataReference>> PlatformReferences = new(() =>
        ((string)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES")!)
            .Split(Path.PathSeparator)
            .Where(p => Path.GetFileName(p).StartsWith("System.", StringComparison.Ordinal) || Path.GetFileName(p) is "netstandard.dll" or "mscorlib.dll" or "Microsoft.Win32.Primitives.dll")
            .Select(p => (MetadataReference)MetadataReference.CreateFromFile(p))
            .ToImmutableArray());

    private static readonly Lazy<MetadataReference> RuntimeReference = new(() => MetadataReference.CreateFromFile(typeof(IArmModel<>).Assembly.Location));

    /// <summary>The repository root: the nearest directory upwards holding GeneratedArm.sln.</summary>
    public static string RepositoryRoot { get; } = FindRoot();

    /// <summary>The shared corpus, <c>../shared/specs</c> next to the repository, or null when absent.</summary>
    public static string? SpecsRoot
    {
        get
        {
            string path = Path.GetFullPath(Path.Combine(RepositoryRoot, "..", "shared", "specs"));
            return Directory.Exists(path) ? path : null;
        }
    }

    private static string FindRoot()
    {
        for (DirectoryInfo? dir = new(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "GeneratedArm.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("GeneratedArm.sln was not found above " + AppContext.BaseDirectory);
    }

    public static CSharpCompilation CreateCompilation(bool withRuntime = true, params string[] sources)
    {
        IEnumerable<MetadataReference> references = PlatformReferences.Value;
        if (withRuntime)
        {
            references = references.Append(RuntimeReference.Value);
        }

        return CSharpCompilation.Create(
            "Consumer",
            sources.Select((s, i) => CSharpSyntaxTree.ParseText(s, ParseOptions, path: $"User{i}.cs")),
            references,
            new CSharpCompilationOptions(
                OutputKind.DynamicallyLinkedLibrary,
                nullableContextOptions: NullableContextOptions.Enable,
                generalDiagnosticOption: ReportDiagnostic.Error,
                warningLevel: 9999,
                deterministic: true));
    }

    public static GeneratorDriver CreateDriver(IEnumerable<SchemaFile> files, string? rootNamespace = "Consumer")
        => CreateDriver(files, out _, rootNamespace);

    /// <summary>A driver over <paramref name="files"/>; <paramref name="texts"/> are its AdditionalTexts, for ReplaceAdditionalText.</summary>
    public static GeneratorDriver CreateDriver(IEnumerable<SchemaFile> files, out AdditionalText[] texts, string? rootNamespace = "Consumer")
    {
        SchemaFile[] list = files.ToArray();
        texts = list.Select(f => (AdditionalText)new InMemoryAdditionalText(f.Path, f.Text)).ToArray();
        return CSharpGeneratorDriver.Create(
            new[] { new ArmModelGenerator().AsSourceGenerator() },
            texts,
            ParseOptions,
            new TestOptionsProvider(list, rootNamespace),
            new GeneratorDriverOptions(IncrementalGeneratorOutputKind.None, trackIncrementalGeneratorSteps: true));
    }

    public static GeneratorRun Run(IEnumerable<SchemaFile> files, bool withRuntime = true, string? rootNamespace = "Consumer", params string[] sources)
    {
        CSharpCompilation compilation = CreateCompilation(withRuntime, sources.Length == 0 ? new[] { "namespace Consumer { internal static class Placeholder { } }" } : sources);
        GeneratorDriver driver = CreateDriver(files, rootNamespace);
        driver = driver.RunGeneratorsAndUpdateCompilation(compilation, out Compilation output, out ImmutableArray<Diagnostic> generatorDiagnostics);
        return new GeneratorRun(driver, output, generatorDiagnostics);
    }

    /// <summary>Path of a file in the repository, by its path relative to the root.</summary>
    public static string RepoFile(string relative) => Path.Combine(RepositoryRoot, relative);
}

/// <summary>The result of one generator run plus the compiled output.</summary>
internal sealed class GeneratorRun
{
    public GeneratorRun(GeneratorDriver driver, Compilation output, ImmutableArray<Diagnostic> generatorDiagnostics)
    {
        Driver = driver;
        Output = output;
        GeneratorDiagnostics = generatorDiagnostics;
        Result = driver.GetRunResult();
    }

    public GeneratorDriver Driver { get; }

    public Compilation Output { get; }

    public GeneratorDriverRunResult Result { get; }

    public ImmutableArray<Diagnostic> GeneratorDiagnostics { get; }

    /// <summary>Generated sources by hint name.</summary>
    public IReadOnlyDictionary<string, string> Sources => Result.Results.SelectMany(r => r.GeneratedSources).ToDictionary(s => s.HintName, s => s.SourceText.ToString(), StringComparer.Ordinal);

    /// <summary>Warnings and errors of compiling the generated code (with the consumer's strict options).</summary>
    public IReadOnlyList<Diagnostic> CompileProblems => Output.GetDiagnostics().Where(d => d.Severity >= DiagnosticSeverity.Warning || d.IsWarningAsError).ToList();

    public static string Describe(IEnumerable<Diagnostic> diagnostics) => string.Join(Environment.NewLine, diagnostics.Take(30).Select(d => d.ToString()));

    /// <summary>Emits the compilation and loads it into a collectible context.</summary>
    public Assembly LoadAssembly()
    {
        using var stream = new MemoryStream();
        Microsoft.CodeAnalysis.Emit.EmitResult result = Output.Emit(stream);
        if (!result.Success)
        {
            throw new InvalidOperationException("Emit failed:" + Environment.NewLine + Describe(result.Diagnostics.Where(d => d.Severity == DiagnosticSeverity.Error)));
        }

        stream.Position = 0;
        var context = new AssemblyLoadContext("generated-" + Guid.NewGuid().ToString("N"), isCollectible: true);
        return context.LoadFromStream(stream);
    }
}

internal sealed class InMemoryAdditionalText : AdditionalText
{
    private readonly SourceText _text;

    public InMemoryAdditionalText(string path, string text)
    {
        Path = path;
        _text = SourceText.From(text, Encoding.UTF8);
    }

    public override string Path { get; }

    public override SourceText GetText(CancellationToken cancellationToken = default) => _text;
}

internal sealed class TestOptionsProvider : AnalyzerConfigOptionsProvider
{
    private readonly Dictionary<string, DictionaryOptions> _files = new(StringComparer.Ordinal);

    public TestOptionsProvider(IEnumerable<SchemaFile> files, string? rootNamespace)
    {
        var global = new Dictionary<string, string>(StringComparer.Ordinal);
        if (rootNamespace is not null)
        {
            global["build_property.RootNamespace"] = rootNamespace;
        }

        GlobalOptions = new DictionaryOptions(global);
        foreach (SchemaFile file in files)
        {
            var values = new Dictionary<string, string>(StringComparer.Ordinal);
            if (file.OptIn)
            {
                values["build_metadata.AdditionalFiles.ArmSchema"] = "true";
            }

            if (file.Namespace is not null)
            {
                values["build_metadata.AdditionalFiles.ArmNamespace"] = file.Namespace;
            }

            _files[file.Path] = new DictionaryOptions(values);
        }
    }

    public override AnalyzerConfigOptions GlobalOptions { get; }

    public override AnalyzerConfigOptions GetOptions(SyntaxTree tree) => DictionaryOptions.Empty;

    public override AnalyzerConfigOptions GetOptions(AdditionalText textFile)
        => _files.TryGetValue(textFile.Path, out DictionaryOptions? options) ? options : DictionaryOptions.Empty;
}

internal sealed class DictionaryOptions : AnalyzerConfigOptions
{
    public static readonly DictionaryOptions Empty = new(new Dictionary<string, string>());

    private readonly Dictionary<string, string> _values;

    public DictionaryOptions(Dictionary<string, string> values)
    {
        _values = values;
    }

    public override bool TryGetValue(string key, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out string? value) => _values.TryGetValue(key, out value);
}
