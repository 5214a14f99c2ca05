using GeneratedArm.Generators.Tests.Infrastructure;

namespace GeneratedArm.Generators.Tests;

/// <summary>
/// Approved-file snapshots of the emitted code for small, representative schemas. The approved files live in
/// Snapshots/&lt;case&gt;/&lt;hint name&gt;.approved.txt and are compared exactly; a mismatch writes
/// &lt;hint name&gt;.received.txt beside them (git-ignored). To accept a change, review the diff and copy the
/// received file over the approved one (or run once with GARM_APPROVE=1).
/// </summary>
public sealed class SnapshotTests
{
    private const string DraftSevenSchema = """
        {
          "$schema": "http://json-schema.org/draft-07/schema#",
          "title": "storage account",
          "description": "A JSON Schema draft-07 document.",
          "type": "object",
          "required": ["name"],
          "properties": {
            "name": { "type": "string", "description": "Account name." },
            "sku": { "$ref": "#/definitions/sku" },
            "capacity": { "type": ["integer", "null"], "format": "int32" },
            "apiVersion": { "const": "2024-01-01" },
            "endpoints": { "type": "array", "items": { "type": "string", "format": "uri" } },
            "created": { "type": "string", "format": "date-time", "readOnly": true }
          },
          "definitions": {
            "sku": {
              "type": "object",
              "properties": {
                "tier": { "type": "string", "enum": ["Standard", "Premium"] }
              }
            },
            "tier": { "type": "string", "enum": ["Hot", "Cool", "Archive"] }
          }
        }
        """;

    private static string SnapshotDirectory(string name) => Path.Combine(GeneratorHarness.RepositoryRoot, "tests", "GeneratedArm.Generators.Tests", "Snapshots", name);

    private static IEnumerable<TestCaseData> Cases()
    {
        yield return new TestCaseData("resource-group", "resource-group.schema.json", null, "GeneratedArm.Cli.Models").SetName("Snapshot_of_the_resource_group_schema_is_unchanged");
        yield return new TestCaseData("pets-openapi", "pets.json", SerializationBehaviourTests.PetsSpec, "Pets").SetName("Snapshot_of_an_OpenAPI_spec_with_polymorphism_and_enums_is_unchanged");
        yield return new TestCaseData("draft7-json-schema", "storage.json", DraftSevenSchema, null).SetName("Snapshot_of_a_draft_07_JSON_Schema_with_the_default_namespace_is_unchanged");
    }

    [TestCaseSource(nameof(Cases))]
    public void Emitted_code_matches_the_approved_snapshot(string name, string fileName, string? text, string? ns)
    {
        text ??= File.ReadAllText(GeneratorHarness.RepoFile("src/GeneratedArm.Cli/Schemas/" + fileName));
        GeneratorRun run = GeneratorHarness.Run(new[] { new SchemaFile("/schemas/" + fileName, text, ns) });
        Assert.That(run.CompileProblems, Is.Empty, GeneratorRun.Describe(run.CompileProblems));

        string directory = SnapshotDirectory(name);
        Directory.CreateDirectory(directory);
        bool approve = Environment.GetEnvironmentVariable("GARM_APPROVE") == "1";
        var mismatches = new List<string>();
        foreach ((string hintName, string source) in run.Sources.OrderBy(s => s.Key, StringComparer.Ordinal))
        {
            string approvedPath = Path.Combine(directory, hintName + ".approved.txt");
            string receivedPath = Path.Combine(directory, hintName + ".received.txt");
            if (approve)
            {
                File.WriteAllText(approvedPath, source);
            }

            string? approved = File.Exists(approvedPath) ? File.ReadAllText(approvedPath).Replace("\r\n", "\n", StringComparison.Ordinal) : null;
            if (approved == source)
            {
                File.Delete(receivedPath);
                continue;
            }

            File.WriteAllText(receivedPath, source);
            mismatches.Add(approved is null ? $"{hintName}: no approved file; wrote {receivedPath}" : $"{hintName}: differs from the approved file at line {FirstDifferentLine(approved, source)}; wrote {receivedPath}");
        }

        string[] orphans = Directory.GetFiles(directory, "*.approved.txt")
            .Select(p => Path.GetFileName(p)[..^".approved.txt".Length])
            .Where(hint => !run.Sources.ContainsKey(hint))
            .ToArray();

        Assert.That(mismatches, Is.Empty);
        Assert.That(orphans, Is.Empty, "approved files for types that are no longer generated");
    }

    [Test]
    public void Output_is_identical_whatever_the_order_of_the_input_files()
    {
        SchemaFile[] files =
        {
            new("/s/a.json", SerializationBehaviourTests.PetsSpec, "Same"),
            new("/s/b.json", DraftSevenSchema, "Same"),
        };

        IReadOnlyDictionary<string, string> forward = GeneratorHarness.Run(files).Sources;
        IReadOnlyDictionary<string, string> backward = GeneratorHarness.Run(files.Reverse()).Sources;

        Assert.That(backward, Is.EquivalentTo(forward));
    }

    private static int FirstDifferentLine(string approved, string received)
    {
        string[] a = approved.Split('\n'), b = received.Split('\n');
        for (int i = 0; i < Math.Min(a.Length, b.Length); i++)
        {
            if (a[i] != b[i])
            {
                return i + 1;
            }
        }

        return Math.Min(a.Length, b.Length) + 1;
    }
}
