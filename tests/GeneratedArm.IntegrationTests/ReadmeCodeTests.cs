using System.Text.RegularExpressions;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;

namespace GeneratedArm.IntegrationTests;

/// <summary>
/// Every <c>```csharp</c> block of the root README and of generators/README.md compiles, as written, against the
/// runtime, the emulator and the client generated from the real resources spec (warnings are errors, nullable on).
/// </summary>
public sealed partial class ReadmeCodeTests
{
    private static readonly string[] Readmes = ["README.md", "generators/README.md"];

    [TestCaseSource(nameof(Readmes))]
    public void Every_csharp_block_of_the_readme_compiles_against_the_generated_client(string readme)
    {
#if !ARM_SPECS
        Assert.Ignore("../shared/specs/azure-rest-api-specs is absent at build time, so the README's ResourceManagementClient was not generated.");
#else
        string path = Path.Combine(RepositoryRoot(), readme);
        string[] blocks = CSharpBlock().Matches(File.ReadAllText(path)).Select(m => m.Groups["code"].Value).ToArray();
        Assert.That(blocks, Is.Not.Empty, readme + " has no csharp block");

        var problems = new List<string>();
        for (int i = 0; i < blocks.Length; i++)
        {
            foreach (Diagnostic diagnostic in Compile(blocks[i], i))
            {
                problems.Add($"{readme} block {i + 1}: {diagnostic}\n{blocks[i]}");
            }
        }

        Assert.That(problems, Is.Empty, string.Join("\n\n", problems));
#endif
    }

    private static IEnumerable<Diagnostic> Compile(string block, int index)
    {
        // A block is a method body: the README's free variables are its parameters; the using directives it opens
        // with (shown so a reader can copy the block) go to the top of the file.
        var usings = new SortedSet<string>(StringComparer.Ordinal)
        {
            "using System;", "using System.Collections.Generic;", "using System.Threading;", "using System.Threading.Tasks;",
            "using GeneratedArm;", "using GeneratedArm.Identity;", "using GeneratedArm.TestServer;", "using GeneratedArm.IntegrationTests.Arm;",
        };
        var body = new List<string>();
        foreach (string line in block.Split('\n'))
        {
            if (body.Count == 0 && UsingDirective().IsMatch(line))
            {
                usings.Add(line.Trim());
            }
            else if (body.Count > 0 || line.Trim().Length > 0)
            {
                body.Add(line);
            }
        }

        string source = $$"""
            {{string.Join("\n", usings)}}

            internal static class Block{{index}}
            {
                internal static async Task RunAsync(string subscriptionId, string? continuationToken)
                {
            {{string.Join("\n", body)}}
                    await Task.CompletedTask;
                }
            }
            """;
        var compilation = CSharpCompilation.Create(
            "ReadmeBlock" + index,
            [CSharpSyntaxTree.ParseText(source, new CSharpParseOptions(LanguageVersion.Latest))],
            References(),
            new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, nullableContextOptions: NullableContextOptions.Enable, generalDiagnosticOption: ReportDiagnostic.Error)
                // As the .NET SDK does for every project: a newer Azure.Core than a package was built against is fine.
                .WithSpecificDiagnosticOptions([new("CS1701", ReportDiagnostic.Suppress), new("CS1702", ReportDiagnostic.Suppress)]));
        return compilation.GetDiagnostics().Where(d => d.Severity >= DiagnosticSeverity.Warning);
    }

    private static List<MetadataReference> References()
    {
        var paths = ((string)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES")!).Split(Path.PathSeparator).ToList();
        // Everything the test project ships with: the runtime, the emulator, the generated client, GeneratedArm.Azure
        // and the Azure SDK packages the interop block uses (a framework assembly wins over a copy of the same name).
        var names = paths.Select(p => Path.GetFileName(p)).ToHashSet(StringComparer.OrdinalIgnoreCase);
        paths.AddRange(Directory.GetFiles(AppContext.BaseDirectory, "*.dll").Where(p => names.Add(Path.GetFileName(p))));
        return paths.Select(p => (MetadataReference)MetadataReference.CreateFromFile(p)).ToList();
    }

    private static string RepositoryRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "GeneratedArm.sln")))
            {
                return directory.FullName;
            }
        }

        throw new InvalidOperationException("GeneratedArm.sln not found above " + AppContext.BaseDirectory);
    }

    [GeneratedRegex(@"^\s*using [A-Za-z0-9_.]+;\s*$")]
    private static partial Regex UsingDirective();

    [GeneratedRegex(@"^```csharp\r?\n(?<code>.*?)^```", RegexOptions.Multiline | RegexOptions.Singleline)]
    private static partial Regex CSharpBlock();
}
