using System.Text.Json;
using System.Text.Json.Nodes;
using GeneratedArm.Generators.Tests.Infrastructure;

namespace GeneratedArm.Generators.Tests;

/// <summary>JSON Schema documents of every supported draft, and references between them.</summary>
public sealed class JsonSchemaTests
{
    [TestCase("http://json-schema.org/draft-04/schema#", "definitions")]
    [TestCase("http://json-schema.org/draft-06/schema#", "definitions")]
    [TestCase("http://json-schema.org/draft-07/schema#", "definitions")]
    [TestCase("https://json-schema.org/draft/2019-09/schema", "$defs")]
    [TestCase("https://json-schema.org/draft/2020-12/schema", "$defs")]
    public void Each_draft_generates_a_root_type_and_its_definitions(string draft, string section)
    {
        string schema = $$"""
            {
              "$schema": "{{draft}}",
              "title": "deployment info",
              "type": "object",
              "properties": {
                "mode": { "$ref": "#/{{section}}/mode" },
                "count": { "type": ["integer", "null"] },
                "parent": { "anyOf": [ { "$ref": "#" }, { "type": "null" } ] },
                "labels": { "type": "array", "items": { "type": "string" } },
                "extra": { "allOf": [ { "$ref": "#/{{section}}/base" } ], "description": "A single-item allOf is a reference." }
              },
              "{{section}}": {
                "mode": { "type": "string", "enum": ["Incremental", "Complete"] },
                "base": { "type": "object", "properties": { "id": { "type": "string" } } }
              }
            }
            """;
        GeneratorRun run = GeneratorHarness.Run(new[] { new SchemaFile("/s/deployment.json", schema, "D") });

        Assert.That(run.GeneratorDiagnostics, Is.Empty, GeneratorRun.Describe(run.GeneratorDiagnostics));
        Assert.That(run.Sources.Keys, Is.EquivalentTo(new[] { "D.DeploymentInfo.g.cs", "D.Mode.g.cs", "D.Base.g.cs" }));
        string root = run.Sources["D.DeploymentInfo.g.cs"];
        Assert.That(root, Does.Contain("public global::D.Mode? Mode").And.Contain("public long? Count").And.Contain("public global::D.DeploymentInfo? Parent").And.Contain("public global::D.Base? Extra"));
        Assert.That(run.CompileProblems, Is.Empty, GeneratorRun.Describe(run.CompileProblems));

        Type type = run.LoadAssembly().GetType("D.DeploymentInfo", throwOnError: true)!;
        const string json = """{"mode":"Incremental","count":null,"parent":{"mode":"Whatever","labels":["a"]},"extra":{"id":"x","more":true}}""";
        string written = JsonSerializer.Serialize(JsonSerializer.Deserialize(json, type), type);
        Assert.That(JsonNode.DeepEquals(JsonNode.Parse(json), JsonNode.Parse(written)), Is.True, written);
    }

    [Test]
    public void Relative_file_refs_and_id_uri_refs_resolve_across_opted_in_schemas()
    {
        const string common = """
            {
              "$schema": "https://json-schema.org/draft/2020-12/schema",
              "$id": "https://example.com/schemas/common.json",
              "$defs": { "tag": { "type": "object", "properties": { "key": { "type": "string" } } } }
            }
            """;
        const string main = """
            {
              "$schema": "https://json-schema.org/draft/2020-12/schema",
              "title": "Thing",
              "type": "object",
              "properties": {
                "byPath": { "$ref": "../shared/common.json#/$defs/tag" },
                "byId": { "$ref": "https://example.com/schemas/common.json#/$defs/tag" },
                "wholeFile": { "$ref": "./part.json" }
              }
            }
            """;
        const string part = """{ "title": "Part", "type": "object", "properties": { "n": { "type": "number" } } }""";

        GeneratorRun run = GeneratorHarness.Run(new[]
        {
            new SchemaFile("/repo/main/thing.json", main, "M"),
            new SchemaFile("/repo/shared/common.json", common, "C"),
            new SchemaFile("/repo/main/part.json", part, "M"),
        });

        Assert.That(run.GeneratorDiagnostics, Is.Empty, GeneratorRun.Describe(run.GeneratorDiagnostics));
        Assert.That(run.Sources["M.Thing.g.cs"], Does.Contain("public global::C.Tag? ByPath").And.Contain("public global::C.Tag? ById").And.Contain("public global::M.Part? WholeFile"));
        Assert.That(run.CompileProblems, Is.Empty, GeneratorRun.Describe(run.CompileProblems));
    }

    [Test]
    public void Root_type_is_named_after_the_file_when_there_is_no_title_and_the_namespace_defaults_to_RootNamespace_Models()
    {
        const string schema = """{ "type": "object", "properties": { "a": { "type": "boolean" } } }""";
        GeneratorRun run = GeneratorHarness.Run(new[] { new SchemaFile("/s/virtual-network.schema.json", schema) }, rootNamespace: "My.App");

        Assert.That(run.Sources.Keys, Is.EqualTo(new[] { "My.App.Models.VirtualNetwork.g.cs" }));
        Assert.That(GeneratorHarness.Run(new[] { new SchemaFile("/s/x.json", schema) }, rootNamespace: null).Sources.Keys, Is.EqualTo(new[] { "GeneratedArm.Models.X.g.cs" }));
    }

    [Test]
    public void Defaults_are_documented_but_not_applied_so_absent_stays_absent()
    {
        const string schema = """{ "title": "Options", "type": "object", "properties": { "retries": { "type": "integer", "default": 3 }, "mode": { "type": "string", "default": "<fast> & \u2028 \"safe\"" } } }""";
        GeneratorRun run = GeneratorHarness.Run(new[] { new SchemaFile("/s/options.json", schema, "O") });

        Assert.That(run.Sources["O.Options.g.cs"], Does.Contain("Default (applied by the service when absent): 3."));
        Assert.That(run.CompileProblems, Is.Empty, GeneratorRun.Describe(run.CompileProblems));
        Type type = run.LoadAssembly().GetType("O.Options", throwOnError: true)!;
        Assert.That(JsonSerializer.Serialize(JsonSerializer.Deserialize("{}", type), type), Is.EqualTo("{}"));
    }

    [Test]
    public void Inline_enums_in_JSON_Schema_become_extensible_enums_named_after_their_property()
    {
        const string schema = """{ "title": "Disk", "type": "object", "properties": { "tier": { "type": "string", "enum": ["Hot", "Cool"] }, "sizes": { "type": "array", "items": { "enum": ["S", "M"] } } } }""";
        GeneratorRun run = GeneratorHarness.Run(new[] { new SchemaFile("/s/disk.json", schema, "D") });

        Assert.That(run.Sources.Keys, Is.EquivalentTo(new[] { "D.Disk.g.cs", "D.DiskTier.g.cs", "D.DiskSizesItem.g.cs" }));
        Assert.That(run.Sources["D.Disk.g.cs"], Does.Contain("public global::D.DiskTier? Tier").And.Contain("IList<global::D.DiskSizesItem>? Sizes"));
        Assert.That(run.CompileProblems, Is.Empty, GeneratorRun.Describe(run.CompileProblems));
    }
}
