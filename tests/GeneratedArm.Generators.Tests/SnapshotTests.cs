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

        ApprovedFiles.Verify(ApprovedFiles.Directory(name), run.Sources);
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
}
