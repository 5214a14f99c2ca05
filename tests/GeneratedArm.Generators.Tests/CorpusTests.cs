using System.Collections.Immutable;
using System.Diagnostics;
using System.Reflection;
using System.Text.Json;
using System.Text.Json.Nodes;
using GeneratedArm.Generators.Model;
using GeneratedArm.Generators.Parsing;
using GeneratedArm.Generators.Tests.Infrastructure;
using Microsoft.CodeAnalysis;

namespace GeneratedArm.Generators.Tests;

/// <summary>
/// The acceptance corpus: every real ARM specification in ../shared/specs is generated, compiled with the
/// runtime, and every example response body is read into its operation's response type and written back.
/// </summary>
public sealed class CorpusTests
{
    private static readonly Lazy<Corpus?> Shared = new(Corpus.Load);

    private static Corpus RequireCorpus()
    {
        Corpus? corpus = Shared.Value;
        if (corpus is null)
        {
            Assert.Ignore("The spec corpus is absent: expected ../shared/specs/azure-rest-api-specs/specification next to the repository root (" + GeneratorHarness.RepositoryRoot + ").");
        }

        return corpus!;
    }

    [Test]
    public void Every_spec_in_the_corpus_generates_code_that_compiles_without_errors_or_warnings()
    {
        Corpus corpus = RequireCorpus();
        GeneratorRun run = corpus.Run;

        TestContext.Out.WriteLine($"{corpus.Files.Length} spec files → {run.Sources.Count} generated types");
        IReadOnlyList<Diagnostic> reported = run.GeneratorDiagnostics.Where(d => d.Severity >= DiagnosticSeverity.Warning).ToList();
        foreach (Diagnostic info in run.GeneratorDiagnostics.Where(d => d.Severity < DiagnosticSeverity.Warning))
        {
            TestContext.Out.WriteLine(info.ToString());
        }

        Assert.That(reported, Is.Empty, GeneratorRun.Describe(reported));
        Assert.That(run.Sources, Is.Not.Empty);
        Assert.That(run.CompileProblems, Is.Empty, GeneratorRun.Describe(run.CompileProblems));
    }

    [Test]
    public void Every_example_response_body_round_trips_through_its_operation_response_type()
    {
        Corpus corpus = RequireCorpus();
        Assembly assembly = corpus.Run.LoadAssembly();
        var failures = new List<string>();
        int exampleFiles = 0, bodies = 0, passed = 0, skipped = 0, requests = 0, requestsPassed = 0;
        var seenExamples = new HashSet<string>(StringComparer.Ordinal);

        foreach (SchemaFile spec in corpus.Files)
        {
            using JsonDocument document = JsonDocument.Parse(spec.Text);
            if (!document.RootElement.TryGetProperty("paths", out JsonElement paths))
            {
                continue;
            }

            foreach (JsonProperty path in paths.EnumerateObject())
            {
                foreach (JsonProperty operation in path.Value.EnumerateObject())
                {
                    if (operation.Value.ValueKind != JsonValueKind.Object || !operation.Value.TryGetProperty("x-ms-examples", out JsonElement examples))
                    {
                        continue;
                    }

                    string operationId = operation.Value.TryGetProperty("operationId", out JsonElement id) ? id.GetString()! : operation.Name + " " + path.Name;
                    foreach (JsonProperty example in examples.EnumerateObject())
                    {
                        string file = Path.GetFullPath(Path.Combine(Path.GetDirectoryName(spec.Path)!, example.Value.GetProperty("$ref").GetString()!));
                        if (!File.Exists(file))
                        {
                            continue;
                        }

                        if (seenExamples.Add(file + "|" + operationId))
                        {
                            exampleFiles++;
                        }

                        JsonNode exampleJson = JsonNode.Parse(File.ReadAllText(file))!;

                        // Request bodies too: each body parameter the example gives, through the parameter's type.
                        if (exampleJson["parameters"] is JsonObject parameters)
                        {
                            foreach ((string parameterName, Type requestType) in corpus.BodyParameters(assembly, spec, path.Value, operation.Value))
                            {
                                if (parameters[parameterName] is JsonObject requestBody)
                                {
                                    requests++;
                                    string input = requestBody.ToJsonString();
                                    string output = JsonSerializer.Serialize(JsonSerializer.Deserialize(input, requestType), requestType);
                                    if (JsonSemantics.FindDifference(JsonNode.Parse(input), JsonNode.Parse(output)) is { } difference)
                                    {
                                        failures.Add($"{Path.GetFileName(file)} ({operationId} request '{parameterName}') as {requestType.FullName}: {difference}");
                                    }
                                    else
                                    {
                                        requestsPassed++;
                                    }
                                }
                            }
                        }

                        if (exampleJson["responses"] is not JsonObject responses)
                        {
                            continue;
                        }

                        foreach ((string code, JsonNode? response) in responses)
                        {
                            if (response is not JsonObject responseObject || !responseObject.TryGetPropertyValue("body", out JsonNode? body))
                            {
                                continue;
                            }

                            bodies++;
                            string label = $"{Path.GetFileName(file)} ({operationId} {code})";
                            Type? type = corpus.ResponseType(assembly, spec.Path, operation.Value, code);
                            if (type is null || body is not JsonObject)
                            {
                                skipped++;
                                TestContext.Out.WriteLine($"skipped {label}: " + (type is null ? "the response has no generated object type" : "the body is not an object"));
                                continue;
                            }

                            string input = body.ToJsonString();
                            try
                            {
                                object value = JsonSerializer.Deserialize(input, type)!;
                                string output = JsonSerializer.Serialize(value, type);
                                if (JsonSemantics.FindDifference(JsonNode.Parse(input), JsonNode.Parse(output)) is { } difference)
                                {
                                    failures.Add($"{label} as {type.FullName}: {difference}");
                                }
                                else
                                {
                                    passed++;
                                }
                            }
                            catch (Exception ex) when (ex is JsonException or FormatException or InvalidOperationException or OverflowException)
                            {
                                failures.Add($"{label} as {type.FullName}: {ex.GetType().Name}: {ex.Message}");
                            }
                        }
                    }
                }
            }
        }

        TestContext.Out.WriteLine($"{exampleFiles} example files, {bodies} response bodies: {passed} round-tripped, {bodies - passed - skipped} failed, {skipped} skipped; {requests} request bodies: {requestsPassed} round-tripped");
        foreach (string failure in failures)
        {
            TestContext.Out.WriteLine("FAILED " + failure);
        }

        Assert.That(failures, Is.Empty);
        Assert.That(passed, Is.GreaterThan(0));
        Assert.That(requestsPassed, Is.GreaterThan(0));
    }

    [Test]
    public void Generator_time_over_the_corpus_cold_and_after_a_one_file_edit_is_reported()
    {
        Corpus corpus = RequireCorpus();
        Microsoft.CodeAnalysis.CSharp.CSharpCompilation compilation = GeneratorHarness.CreateCompilation(true, "namespace Consumer { internal static class Placeholder { } }");

        // Warm the JIT once so "cold" means a cold pipeline (nothing cached), not a cold process.
        GeneratorHarness.CreateDriver(corpus.Files).RunGenerators(compilation);

        SchemaFile edited = corpus.Files.First(f => f.Path.EndsWith("ManagedIdentity.json", StringComparison.Ordinal));
        const string Before = "\"description\": \"Describes an identity resource.\"";
        int at = edited.Text.IndexOf(Before, StringComparison.Ordinal);
        Assert.That(at, Is.GreaterThanOrEqualTo(0), "the text to edit must exist");
        string[] variants = { edited.Text, edited.Text[..at] + "\"description\": \"Describes an identity resource (edited).\"" + edited.Text[(at + Before.Length)..] };

        // Medians of several runs: the machine is shared, single runs are noisy.
        const int Runs = 5;
        var coldTimes = new List<double>();
        var editTimes = new List<double>();
        GeneratorDriver driver = null!;
        for (int i = 0; i < Runs; i++)
        {
            var cold = Stopwatch.StartNew();
            driver = GeneratorHarness.CreateDriver(corpus.Files, out AdditionalText[] texts).RunGenerators(compilation);
            cold.Stop();
            coldTimes.Add(cold.Elapsed.TotalMilliseconds);

            AdditionalText old = texts.Single(t => t.Path == edited.Path);
            var incremental = Stopwatch.StartNew();
            driver = driver.ReplaceAdditionalText(old, new InMemoryAdditionalText(edited.Path, variants[1])).RunGenerators(compilation);
            incremental.Stop();
            editTimes.Add(incremental.Elapsed.TotalMilliseconds);
        }

        TestContext.Out.WriteLine($"Generator over {corpus.Files.Length} files ({corpus.Run.Sources.Count} types), median of {Runs}: cold {Median(coldTimes):F1} ms; after editing one description in {Path.GetFileName(edited.Path)}: {Median(editTimes):F1} ms");
        GeneratorRunResult result = driver.GetRunResult().Results.Single();
        IncrementalStepRunReason[] index = result.TrackedSteps[StepNames.Index].SelectMany(s => s.Outputs).Select(o => o.Reason).ToArray();
        int reemitted = result.TrackedSteps[StepNames.Types].SelectMany(s => s.Outputs).Count(o => o.Reason is IncrementalStepRunReason.Modified or IncrementalStepRunReason.New);
        int reparsed = result.TrackedSteps[StepNames.ParsedDocuments].SelectMany(s => s.Outputs).Count(o => o.Reason != IncrementalStepRunReason.Cached);
        TestContext.Out.WriteLine($"After the edit: {reparsed} file(s) parsed again, index {string.Join(",", index)}, {reemitted} type(s) emitted again");
        Assert.That(reparsed, Is.EqualTo(1));
        Assert.That(index, Is.EqualTo(new[] { IncrementalStepRunReason.Unchanged }));
        Assert.That(reemitted, Is.EqualTo(1));
    }

    private static double Median(List<double> values)
    {
        values.Sort();
        return values[values.Count / 2];
    }

    /// <summary>The corpus files and one generator run over them, shared read-only by the tests here.</summary>
    private sealed class Corpus
    {
        private readonly Dictionary<SchemaRef, IndexEntry> _entries;

        private Corpus(SchemaFile[] files, GeneratorRun run, Dictionary<SchemaRef, IndexEntry> entries)
        {
            Files = files;
            Run = run;
            _entries = entries;
        }

        public SchemaFile[] Files { get; }

        public GeneratorRun Run { get; }

        public static Corpus? Load()
        {
            string? specs = GeneratorHarness.SpecsRoot;
            string root = specs is null ? string.Empty : Path.Combine(specs, "azure-rest-api-specs", "specification");
            if (!Directory.Exists(root))
            {
                return null;
            }

            SchemaFile[] files = Directory.EnumerateFiles(root, "*.json", SearchOption.AllDirectories)
                .Where(p => !p.Replace('\\', '/').Contains("/examples/", StringComparison.Ordinal))
                .OrderBy(p => p, StringComparer.Ordinal)
                .Select(p => new SchemaFile(p, File.ReadAllText(p), NamespaceFor(Path.GetRelativePath(root, p))))
                .ToArray();
            GeneratorRun run = GeneratorHarness.Run(files);

            // The generator's own index maps each (file, pointer) to its generated type.
            ImmutableArray<DocumentSpec> documents = files.Select(f => DocumentParser.Parse(new InputFile(f.Path, f.Text, f.Namespace!))).ToImmutableArray();
            IndexSpec index = IndexBuilder.Build(documents);
            var entries = index.Entries.ToDictionary(e => new SchemaRef(e.Path, e.Pointer));
            return new Corpus(files, run, entries);
        }

        /// <summary>One namespace per file, from its path: specs of different versions reuse definition names.</summary>
        private static string NamespaceFor(string relative)
        {
            string[] parts = relative.Replace('\\', '/').Split('/')
                .Where(p => p is not ("resource-manager" or "stable"))
                .Select(p => Naming.ToPascalCase(p.EndsWith(".json", StringComparison.Ordinal) ? p[..^5] : p))
                .ToArray();
            return "Corpus." + string.Join("_", parts);
        }

        /// <summary>The operation's body parameters (its own and its path's, following $refs) with their generated types.</summary>
        public IEnumerable<(string Name, Type Type)> BodyParameters(Assembly assembly, SchemaFile spec, JsonElement pathItem, JsonElement operation)
        {
            var all = new List<JsonElement>();
            foreach (JsonElement owner in new[] { pathItem, operation })
            {
                if (owner.TryGetProperty("parameters", out JsonElement list) && list.ValueKind == JsonValueKind.Array)
                {
                    all.AddRange(list.EnumerateArray());
                }
            }

            foreach (JsonElement parameter in all)
            {
                string file = spec.Path;
                JsonElement resolved = parameter;
                if (parameter.TryGetProperty("$ref", out JsonElement reference))
                {
                    (string refPath, string pointer) = PathUtil.SplitReference(PathUtil.Normalize(spec.Path), reference.GetString()!);
                    SchemaFile? target = Files.FirstOrDefault(f => PathUtil.Normalize(f.Path) == refPath);
                    if (target is null || !pointer.StartsWith("#/parameters/", StringComparison.Ordinal))
                    {
                        continue;
                    }

                    JsonNode? node = JsonNode.Parse(target.Text)?["parameters"]?[pointer["#/parameters/".Length..]];
                    if (node is null)
                    {
                        continue;
                    }

                    resolved = JsonDocument.Parse(node.ToJsonString()).RootElement;
                    file = target.Path;
                }

                if (resolved.TryGetProperty("in", out JsonElement where) && where.GetString() == "body"
                    && resolved.TryGetProperty("schema", out JsonElement schema) && schema.TryGetProperty("$ref", out JsonElement schemaRef))
                {
                    (string path, string pointer) = PathUtil.SplitReference(PathUtil.Normalize(file), schemaRef.GetString()!);
                    if (_entries.TryGetValue(new SchemaRef(path, pointer), out IndexEntry? entry) && entry.Kind == DeclKind.Object)
                    {
                        yield return (resolved.GetProperty("name").GetString()!, assembly.GetType(entry.Namespace + "." + entry.Name, throwOnError: true)!);
                    }
                }
            }
        }

        public Type? ResponseType(Assembly assembly, string specPath, JsonElement operation, string code)
        {
            if (!operation.TryGetProperty("responses", out JsonElement responses))
            {
                return null;
            }

            if (!responses.TryGetProperty(code, out JsonElement response) && !responses.TryGetProperty("default", out response))
            {
                return null;
            }

            if (!response.TryGetProperty("schema", out JsonElement schema) || !schema.TryGetProperty("$ref", out JsonElement reference))
            {
                return null;
            }

            (string path, string pointer) = PathUtil.SplitReference(PathUtil.Normalize(specPath), reference.GetString()!);
            if (!_entries.TryGetValue(new SchemaRef(path, pointer), out IndexEntry? entry) || entry.Kind != DeclKind.Object)
            {
                return null;
            }

            return assembly.GetType(entry.Namespace + "." + entry.Name, throwOnError: true);
        }
    }
}
