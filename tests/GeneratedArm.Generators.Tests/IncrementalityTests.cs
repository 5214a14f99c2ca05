using GeneratedArm.Generators.Tests.Infrastructure;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;

namespace GeneratedArm.Generators.Tests;

/// <summary>The pipeline caches like the Roslyn cookbook says it should, proven with step tracking.</summary>
public sealed class IncrementalityTests
{
    private const string Common = """
        {
          "swagger": "2.0",
          "info": { "title": "Common", "version": "1" },
          "paths": {},
          "definitions": {
            "Resource": { "type": "object", "properties": { "id": { "type": "string", "readOnly": true }, "name": { "type": "string" } } },
            "Kind": { "type": "string", "enum": ["a", "b"], "x-ms-enum": { "name": "Kind", "modelAsString": true } }
          }
        }
        """;

    private const string Dependent = """
        {
          "swagger": "2.0",
          "info": { "title": "Dependent", "version": "1" },
          "paths": {},
          "definitions": {
            "Vault": { "allOf": [{ "$ref": "common.json#/definitions/Resource" }], "properties": { "kind": { "$ref": "common.json#/definitions/Kind" } } }
          }
        }
        """;

    private const string Independent = """
        {
          "$schema": "https://json-schema.org/draft/2020-12/schema",
          "title": "Widget",
          "type": "object",
          "properties": { "size": { "type": "integer", "description": "How big." } }
        }
        """;

    private static readonly SchemaFile[] Files =
    {
        new("/specs/common.json", Common, "Test.Common"),
        new("/specs/dependent.json", Dependent, "Test.Dependent"),
        new("/specs/widget.json", Independent, "Test.Widgets"),
    };

    private static readonly string[] StepNamesToCheck =
    {
        StepNames.InputFiles, StepNames.ParsedFiles, StepNames.ParsedDocuments, StepNames.ParsedOperations, StepNames.Index, StepNames.ResolvedDocuments, StepNames.Types, StepNames.Diagnostics,
    };

    [Test]
    public void Editing_an_unrelated_cs_file_reruns_nothing()
    {
        CSharpCompilation compilation = GeneratorHarness.CreateCompilation(true, "namespace Consumer { internal static class A { } }");
        GeneratorDriver driver = GeneratorHarness.CreateDriver(Files).RunGenerators(compilation);

        SyntaxTree old = compilation.SyntaxTrees.Single();
        CSharpCompilation edited = compilation.ReplaceSyntaxTree(old, CSharpSyntaxTree.ParseText("namespace Consumer { internal static class A { internal const int X = 1; } }", GeneratorHarness.ParseOptions, old.FilePath));
        GeneratorRunResult result = driver.RunGenerators(edited).GetRunResult().Results.Single();

        var reasons = AllReasons(result).ToList();
        Assert.That(reasons, Is.Not.Empty);
        Assert.That(reasons.Where(r => r.Reason is not (IncrementalStepRunReason.Cached or IncrementalStepRunReason.Unchanged)), Is.Empty, string.Join("\n", reasons));
    }

    [Test]
    public void Editing_one_schema_reemits_only_the_types_that_depend_on_it()
    {
        CSharpCompilation compilation = GeneratorHarness.CreateCompilation(true, "namespace Consumer { internal static class A { } }");
        GeneratorDriver driver = GeneratorHarness.CreateDriver(Files, out AdditionalText[] texts).RunGenerators(compilation);

        string edited = Independent.Replace("How big.", "How big, in metres.", StringComparison.Ordinal);
        driver = driver.ReplaceAdditionalText(texts[2], new InMemoryAdditionalText("/specs/widget.json", edited));
        GeneratorRunResult result = driver.RunGenerators(compilation).GetRunResult().Results.Single();

        // Only the edited file is parsed again; the index (names, bases) does not change.
        Assert.That(Reasons(result, StepNames.ParsedDocuments), Is.EqualTo(new[] { IncrementalStepRunReason.Cached, IncrementalStepRunReason.Cached, IncrementalStepRunReason.Modified }));
        Assert.That(Reasons(result, StepNames.Index), Is.EqualTo(new[] { IncrementalStepRunReason.Unchanged }));

        // Only the Widget type is emitted again.
        var types = result.TrackedSteps[StepNames.Types].SelectMany(s => s.Outputs).Select(o => (Type: (((Model.TypeSpec, bool))o.Value).Item1.Name, o.Reason)).ToList();
        Assert.That(types.Where(t => t.Reason is IncrementalStepRunReason.Modified or IncrementalStepRunReason.New).Select(t => t.Type), Is.EqualTo(new[] { "Widget" }), string.Join("\n", types));
        Assert.That(result.GeneratedSources.Single(s => s.HintName == "Test.Widgets.Widget.g.cs").SourceText.ToString(), Does.Contain("How big, in metres."));
    }

    [Test]
    public void Editing_a_referenced_schema_reemits_its_dependents_but_not_unrelated_files()
    {
        CSharpCompilation compilation = GeneratorHarness.CreateCompilation(true, "namespace Consumer { internal static class A { } }");
        GeneratorDriver driver = GeneratorHarness.CreateDriver(Files, out AdditionalText[] texts).RunGenerators(compilation);

        // Renaming a type in common.json changes the index, so the file that references it is resolved again.
        string edited = Common.Replace("\"Kind\": {", "\"ResourceKind\": {", StringComparison.Ordinal).Replace("\"name\": \"Kind\"", "\"name\": \"ResourceKind\"", StringComparison.Ordinal);
        driver = driver.ReplaceAdditionalText(texts[0], new InMemoryAdditionalText("/specs/common.json", edited.Replace("#/definitions/Kind", "#/definitions/ResourceKind", StringComparison.Ordinal)));
        GeneratorRunResult result = driver.RunGenerators(compilation).GetRunResult().Results.Single();

        var types = result.TrackedSteps[StepNames.Types].SelectMany(s => s.Outputs).Select(o => (Type: (((Model.TypeSpec, bool))o.Value).Item1.Name, o.Reason)).ToList();
        string[] reemitted = types.Where(t => t.Reason is IncrementalStepRunReason.Modified or IncrementalStepRunReason.New).Select(t => t.Type).Order(StringComparer.Ordinal).ToArray();
        Assert.That(reemitted, Does.Contain("ResourceKind"));
        Assert.That(reemitted, Does.Not.Contain("Widget"), string.Join("\n", types));
    }

    [Test]
    public void Editing_an_additional_file_that_is_not_opted_in_reruns_nothing_downstream()
    {
        SchemaFile[] files = Files.Append(new SchemaFile("/other/notes.json", "{}", OptIn: false)).ToArray();
        CSharpCompilation compilation = GeneratorHarness.CreateCompilation(true, "namespace Consumer { internal static class A { } }");
        GeneratorDriver driver = GeneratorHarness.CreateDriver(files, out AdditionalText[] texts).RunGenerators(compilation);

        driver = driver.ReplaceAdditionalText(texts[3], new InMemoryAdditionalText("/other/notes.json", "{\"changed\": true}"));
        GeneratorRunResult result = driver.RunGenerators(compilation).GetRunResult().Results.Single();

        Assert.That(Reasons(result, StepNames.ParsedDocuments), Is.All.EqualTo(IncrementalStepRunReason.Cached));
        Assert.That(Reasons(result, StepNames.Index), Is.All.EqualTo(IncrementalStepRunReason.Cached));
        Assert.That(Reasons(result, StepNames.Types), Is.All.EqualTo(IncrementalStepRunReason.Cached).Or.All.EqualTo(IncrementalStepRunReason.Unchanged));
    }

    private static IEnumerable<IncrementalStepRunReason> Reasons(GeneratorRunResult result, string step)
        => result.TrackedSteps[step].SelectMany(s => s.Outputs).Select(o => o.Reason);

    private static IEnumerable<(string Step, IncrementalStepRunReason Reason)> AllReasons(GeneratorRunResult result)
    {
        foreach (string step in StepNamesToCheck)
        {
            Assert.That(result.TrackedSteps.ContainsKey(step), Is.True, "step " + step + " was not tracked");
            foreach (IncrementalGeneratorRunStep run in result.TrackedSteps[step])
            {
                foreach ((object _, IncrementalStepRunReason reason) in run.Outputs)
                {
                    yield return (step, reason);
                }
            }
        }

        foreach (KeyValuePair<string, System.Collections.Immutable.ImmutableArray<IncrementalGeneratorRunStep>> output in result.TrackedOutputSteps)
        {
            foreach (IncrementalGeneratorRunStep run in output.Value)
            {
                foreach ((object _, IncrementalStepRunReason reason) in run.Outputs)
                {
                    yield return (output.Key, reason);
                }
            }
        }
    }
}
