using GeneratedArm.Generators.Tests.Infrastructure;
using Microsoft.CodeAnalysis;

namespace GeneratedArm.Generators.Tests;

/// <summary>Whatever the input, the generator reports instead of throwing, and what it emits compiles.</summary>
public sealed class RobustnessTests
{
    private static readonly string[] Fragments =
    {
        "{", "}", "[", "]", ",", ":", "\"", "\\", "null", "true", "1e400", "-0", "\"$ref\": \"#/definitions/Pet\"",
        "\"type\": \"array\"", "\"allOf\": [{\"$ref\": \"#\"}]", "\"discriminator\": \"name\"", "\"enum\": [\"a\", \"A\"]",
        "\"x-ms-enum\": {\"name\": \"Pet\", \"modelAsString\": false}", "\"additionalProperties\": true", "\"format\": \"byte\"",
        "\"x-ms-client-flatten\": true", "\"x-ms-client-name\": \"ReadJson\"", "\"properties\": {\"\": {}}", "\u2028", "\ud800",
    };

    [Test]
    public void Randomly_mutated_specs_never_throw_and_always_emit_compilable_code()
    {
        var random = new Random(20240229);
        int parsed = 0, invalid = 0;
        for (int i = 0, iterations = Iterations(20); i < iterations; i++)
        {
            string text = Mutate(SerializationBehaviourTests.PetsSpec, random, 1 + random.Next(4));
            GeneratorRun run = GeneratorHarness.Run(new[] { new SchemaFile("/fuzz/pets.json", text, "Fuzz") });

            Assert.That(run.GeneratorDiagnostics.Where(d => d.Id == "GARM007"), Is.Empty, "iteration " + i + ":\n" + text);
            IReadOnlyList<Diagnostic> errors = run.CompileProblems.Where(d => d.Severity == DiagnosticSeverity.Error && d.Location.SourceTree?.FilePath.Contains("GeneratedArm.Generators", StringComparison.Ordinal) == true).ToList();
            Assert.That(errors, Is.Empty, "iteration " + i + ":\n" + GeneratorRun.Describe(errors) + "\n" + text);
            if (run.GeneratorDiagnostics.Any(d => d.Id == "GARM001"))
            {
                invalid++;
            }
            else
            {
                parsed++;
            }
        }

        TestContext.Out.WriteLine($"{parsed} mutated specs were valid JSON and compiled, {invalid} were reported as invalid JSON");
    }

    private static readonly string[] Schemas =
    {
        "{}", "true", "null", "[]", "1e400", "\"x\"", "{\"$ref\": \"#/definitions/Pet\"}", "{\"$ref\": \"#/definitions/Nope\"}", "{\"$ref\": \"#\"}",
        "{\"$ref\": \"other.json#/definitions/X\"}", "{\"type\": [\"string\", \"integer\"]}", "{\"type\": \"array\", \"items\": [{}]}",
        "{\"allOf\": [{\"$ref\": \"#/definitions/Cat\"}, {\"$ref\": \"#/definitions/Dog\"}]}", "{\"discriminator\": \"kind\", \"properties\": {}}",
        "{\"type\": \"string\", \"enum\": [\"a\", \"A\", \"\", \"1\"], \"x-ms-enum\": {\"name\": \"Household\", \"modelAsString\": false}}",
        "{\"type\": \"object\", \"additionalProperties\": {\"$ref\": \"#/definitions/Pet\"}}", "{\"oneOf\": [{}, {\"type\": \"null\"}]}",
        "{\"x-ms-client-flatten\": true, \"$ref\": \"#/definitions/Household\"}", "{\"properties\": {\"readJson\": {\"type\": \"integer\", \"format\": \"unixtime\"}}}",
        "{\"x-ms-client-name\": \"Pet\", \"type\": \"object\", \"properties\": {\"pet\": {}}}", "{\"const\": 1e999}", "{\"format\": \"duration\", \"type\": \"string\"}",
    };

    private static readonly string[] Keys = { "Pet", "pet", "ReadJson", "toString", "", "1", "a/b~c", "Unknown Pet", "kind", "properties", "$ref", "allOf", "x-ms-discriminator-value" };

    [Test]
    public void Structurally_mutated_specs_never_throw_and_always_emit_compilable_code()
    {
        var random = new Random(int.TryParse(Environment.GetEnvironmentVariable("GARM_FUZZ_SEED"), out int seed) ? seed : 7);
        var reasons = new Dictionary<string, int>(StringComparer.Ordinal);
        int iterations = Iterations(15);
        for (int i = 0; i < iterations; i++)
        {
            var root = System.Text.Json.Nodes.JsonNode.Parse(SerializationBehaviourTests.PetsSpec)!;
            for (int n = 0, count = 1 + random.Next(5); n < count; n++)
            {
                MutateTree(root, random);
            }

            string text = root.ToJsonString();
            GeneratorRun run = GeneratorHarness.Run(new[] { new SchemaFile("/fuzz/pets.json", text, "Fuzz") });

            Assert.That(run.GeneratorDiagnostics.Where(d => d.Id is "GARM001" or "GARM007"), Is.Empty, "iteration " + i + ":\n" + GeneratorRun.Describe(run.GeneratorDiagnostics) + "\n" + text);
            IReadOnlyList<Diagnostic> errors = run.CompileProblems.Where(d => d.Severity == DiagnosticSeverity.Error).ToList();
            Assert.That(errors, Is.Empty, "iteration " + i + ":\n" + GeneratorRun.Describe(errors) + "\n" + text);
            foreach (Diagnostic diagnostic in run.GeneratorDiagnostics)
            {
                reasons[diagnostic.Id] = reasons.GetValueOrDefault(diagnostic.Id) + 1;
            }
        }

        TestContext.Out.WriteLine(iterations + " mutated specs compiled; diagnostics: " + string.Join(", ", reasons.OrderBy(r => r.Key, StringComparer.Ordinal).Select(r => r.Key + "×" + r.Value)));
    }

    private static void MutateTree(System.Text.Json.Nodes.JsonNode root, Random random)
    {
        var objects = new List<System.Text.Json.Nodes.JsonObject>();
        Collect(root, objects);
        System.Text.Json.Nodes.JsonObject target = objects[random.Next(objects.Count)];
        string[] keys = target.Select(p => p.Key).ToArray();
        switch (random.Next(4))
        {
            case 0 when keys.Length > 0:
                target[keys[random.Next(keys.Length)]] = System.Text.Json.Nodes.JsonNode.Parse(Schemas[random.Next(Schemas.Length)]);
                break;
            case 1 when keys.Length > 0:
            {
                string key = keys[random.Next(keys.Length)];
                System.Text.Json.Nodes.JsonNode? value = target[key];
                target.Remove(key);
                target[Keys[random.Next(Keys.Length)]] = value;
                break;
            }

            case 2:
            {
                System.Text.Json.Nodes.JsonObject source = objects[random.Next(objects.Count)];
                target[Keys[random.Next(Keys.Length)]] = source.DeepClone();
                break;
            }

            default:
                target[Keys[random.Next(Keys.Length)]] = System.Text.Json.Nodes.JsonNode.Parse(Schemas[random.Next(Schemas.Length)]);
                break;
        }
    }

    private static void Collect(System.Text.Json.Nodes.JsonNode? node, List<System.Text.Json.Nodes.JsonObject> into)
    {
        if (node is System.Text.Json.Nodes.JsonObject obj)
        {
            into.Add(obj);
            foreach ((string _, System.Text.Json.Nodes.JsonNode? child) in obj)
            {
                Collect(child, into);
            }
        }
        else if (node is System.Text.Json.Nodes.JsonArray array)
        {
            foreach (System.Text.Json.Nodes.JsonNode? child in array)
            {
                Collect(child, into);
            }
        }
    }

    /// <summary>GARM_FUZZ_ITERATIONS runs longer campaigns locally; the default keeps the suite fast.</summary>
    private static int Iterations(int fallback) => int.TryParse(Environment.GetEnvironmentVariable("GARM_FUZZ_ITERATIONS"), out int n) ? n : fallback;

    private static string Mutate(string text, Random random, int count)
    {
        for (int n = 0; n < count; n++)
        {
            int at = random.Next(text.Length);
            switch (random.Next(4))
            {
                case 0:
                    text = text.Remove(at, Math.Min(text.Length - at, 1 + random.Next(20)));
                    break;
                case 1:
                    text = text.Insert(at, Fragments[random.Next(Fragments.Length)]);
                    break;
                case 2:
                {
                    // Replace a string token's content, which keeps the JSON valid more often.
                    int quote = text.IndexOf('"', at);
                    int end = quote < 0 ? -1 : text.IndexOf('"', quote + 1);
                    if (end > quote)
                    {
                        text = text[..(quote + 1)] + Fragments[random.Next(Fragments.Length)].Replace("\"", "'", StringComparison.Ordinal).Replace("\\", "/", StringComparison.Ordinal) + text[end..];
                    }

                    break;
                }

                default:
                {
                    // Duplicate a slice somewhere else: repeated names, nested copies.
                    int length = Math.Min(text.Length - at, 1 + random.Next(200));
                    text = text.Insert(random.Next(text.Length), text.Substring(at, length));
                    break;
                }
            }
        }

        return text;
    }
}
