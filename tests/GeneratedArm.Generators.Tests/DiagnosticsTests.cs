using GeneratedArm.Generators.Tests.Infrastructure;
using Microsoft.CodeAnalysis;

namespace GeneratedArm.Generators.Tests;

/// <summary>Every problem in an input is a diagnostic with an ID, a JSON pointer and a file/line/column; never a crash.</summary>
public sealed class DiagnosticsTests
{
    private static GeneratorRun Run(params SchemaFile[] files) => GeneratorHarness.Run(files);

    private static Diagnostic Single(GeneratorRun run, string id)
    {
        Diagnostic[] found = run.GeneratorDiagnostics.Where(d => d.Id == id).ToArray();
        Assert.That(found, Has.Length.EqualTo(1), GeneratorRun.Describe(run.GeneratorDiagnostics));
        return found[0];
    }

    private static void AssertAt(Diagnostic diagnostic, string path, int line, int column)
    {
        FileLinePositionSpan span = diagnostic.Location.GetLineSpan();
        Assert.Multiple(() =>
        {
            Assert.That(span.Path, Is.EqualTo(path));
            Assert.That(span.StartLinePosition.Line + 1, Is.EqualTo(line), "line");
            Assert.That(span.StartLinePosition.Character + 1, Is.EqualTo(column), "column");
        });
    }

    [Test]
    public void Invalid_json_is_GARM001_error_at_the_offending_line_and_column()
    {
        GeneratorRun run = Run(new SchemaFile("/s/bad.json", "{\n  \"title\": \"X\",\n  \"properties\": { \"a\": }\n}"));

        Diagnostic diagnostic = Single(run, "GARM001");
        Assert.That(diagnostic.DefaultSeverity, Is.EqualTo(DiagnosticSeverity.Error));
        Assert.That(diagnostic.GetMessage(System.Globalization.CultureInfo.InvariantCulture), Does.Contain("#/properties/a"));
        AssertAt(diagnostic, "/s/bad.json", 3, 24);
        Assert.That(run.Sources, Is.Empty);
    }

    [Test]
    public void Trailing_commas_and_comments_as_in_azure_rest_api_specs_are_GARM009_info_at_file_line_and_column_and_the_file_generates()
    {
        // Some azure-rest-api-specs files ship a trailing comma; AutoRest reads them, so must we.
        const string spec = "{\n  \"swagger\": \"2.0\",\n  \"info\": { \"title\": \"T\", \"version\": \"1\" },\n  \"paths\": {},\n  // the models\n  \"definitions\": {\n    \"Widget\": { \"properties\": { \"tags\": { \"type\": \"array\", \"items\": { \"type\": \"string\" } }, }, },\n  }\n}";
        GeneratorRun run = Run(new SchemaFile("/s/lenient.json", spec, "T"));

        Diagnostic[] lenient = run.GeneratorDiagnostics.Where(d => d.Id == "GARM009").OrderBy(d => d.Location.SourceSpan.Start).ToArray();
        Assert.That(run.GeneratorDiagnostics.Where(d => d.Id != "GARM009"), Is.Empty, GeneratorRun.Describe(run.GeneratorDiagnostics));
        Assert.That(lenient, Has.Length.EqualTo(4));
        Assert.That(lenient.Select(d => d.DefaultSeverity), Is.All.EqualTo(DiagnosticSeverity.Info));
        Assert.That(lenient[0].GetMessage(System.Globalization.CultureInfo.InvariantCulture), Is.EqualTo("'/s/lenient.json' is not strict JSON at line 5, column 3: a '//' comment; it is read as AutoRest reads it"));
        AssertAt(lenient[0], "/s/lenient.json", 5, 3);
        Assert.That(lenient[1].GetMessage(System.Globalization.CultureInfo.InvariantCulture), Does.Contain("line 7").And.Contain("a trailing comma before '}'"));
        Assert.That(lenient.Select(d => d.Location.GetLineSpan().StartLinePosition.Line + 1), Is.EqualTo(new[] { 5, 7, 7, 7 }));
        Assert.That(run.Sources["T.Widget.g.cs"], Does.Contain("public global::System.Collections.Generic.IList<string>? Tags { get; set; }"));
        Assert.That(run.CompileProblems, Is.Empty, GeneratorRun.Describe(run.CompileProblems));
    }

    [TestCase("{\"a\": [1,,2]}", "a value was expected")]
    [TestCase("{,}", "A property name in double quotes was expected")]
    [TestCase("{\"a\": 1 /* open", "Unterminated '/*' comment")]
    public void Json_beyond_a_trailing_comma_or_a_comment_stays_GARM001(string text, string message)
    {
        GeneratorRun run = Run(new SchemaFile("/s/bad.json", text));

        Assert.That(Single(run, "GARM001").GetMessage(System.Globalization.CultureInfo.InvariantCulture), Does.Contain(message));
    }

    [TestCase("{\"a\": \"\\x\"}", "Invalid escape sequence")]
    [TestCase("{\"a\": \"unterminated}", "Unterminated string")]
    [TestCase("{\"a\": 01}", "',' or '}' was expected")]
    [TestCase("{\"a\": tru}", "Invalid literal")]
    [TestCase("{\"a\": 1} trailing", "Unexpected content")]
    [TestCase("", "Unexpected end")]
    [TestCase("{\"a\": \"\\u12G4\"}", "Invalid \\u escape")]
    public void Malformed_json_is_reported_not_thrown(string text, string message)
    {
        GeneratorRun run = Run(new SchemaFile("/s/bad.json", text));

        Assert.That(Single(run, "GARM001").GetMessage(System.Globalization.CultureInfo.InvariantCulture), Does.Contain(message));
    }

    [Test]
    public void Nesting_deeper_than_the_limit_is_GARM001_not_a_stack_overflow()
    {
        string deep = "{\"type\":\"object\",\"default\":" + new string('[', 100_000) + new string(']', 100_000) + "}";
        GeneratorRun run = Run(new SchemaFile("/s/deep.json", deep));

        Assert.That(Single(run, "GARM001").GetMessage(System.Globalization.CultureInfo.InvariantCulture), Does.Contain("nests deeper than"));
    }

    [Test]
    public void Unresolvable_same_file_ref_is_GARM002_and_the_property_becomes_JsonElement()
    {
        const string schema = """
            {
              "title": "Widget",
              "type": "object",
              "properties": {
                "part": { "$ref": "#/$defs/Missing" }
              }
            }
            """;
        GeneratorRun run = Run(new SchemaFile("/s/widget.json", schema, "T"));

        Diagnostic diagnostic = Single(run, "GARM002");
        Assert.That(diagnostic.DefaultSeverity, Is.EqualTo(DiagnosticSeverity.Error));
        Assert.That(diagnostic.GetMessage(System.Globalization.CultureInfo.InvariantCulture), Does.Contain("#/properties/part").And.Contain("#/$defs/Missing"));
        AssertAt(diagnostic, "/s/widget.json", 5, 23);
        Assert.That(run.Sources["T.Widget.g.cs"], Does.Contain("public global::System.Text.Json.JsonElement? Part { get; set; }"));
    }

    [Test]
    public void Ref_to_a_file_that_is_not_opted_in_is_GARM002_naming_the_missing_file()
    {
        const string spec = """
            {
              "swagger": "2.0",
              "definitions": {
                "Vault": { "type": "object", "properties": { "error": { "$ref": "../common/types.json#/definitions/ErrorDetail" } } }
              }
            }
            """;
        GeneratorRun run = Run(new SchemaFile("/s/api/vault.json", spec, "T"), new SchemaFile("/s/common/types.json", "{}", OptIn: false));

        Diagnostic diagnostic = Single(run, "GARM002");
        Assert.That(diagnostic.GetMessage(System.Globalization.CultureInfo.InvariantCulture), Does.Contain("/s/common/types.json").And.Contain("#/definitions/Vault/properties/error"));
        AssertAt(diagnostic, "/s/api/vault.json", 4, 69);
        Assert.That(run.CompileProblems, Is.Empty, GeneratorRun.Describe(run.CompileProblems));
    }

    [Test]
    public void Cross_file_ref_resolves_through_another_opted_in_file()
    {
        const string spec = """
            { "swagger": "2.0", "definitions": { "Vault": { "type": "object", "properties": { "error": { "$ref": "../common/types.json#/definitions/ErrorDetail" } } } } }
            """;
        const string common = """
            { "swagger": "2.0", "definitions": { "ErrorDetail": { "type": "object", "properties": { "code": { "type": "string" } } } } }
            """;
        GeneratorRun run = Run(new SchemaFile("/s/api/vault.json", spec, "Api"), new SchemaFile("/s/common/types.json", common, "Common"));

        Assert.That(run.GeneratorDiagnostics, Is.Empty, GeneratorRun.Describe(run.GeneratorDiagnostics));
        Assert.That(run.Sources["Api.Vault.g.cs"], Does.Contain("public global::Common.ErrorDetail? Error { get; set; }"));
        Assert.That(run.CompileProblems, Is.Empty, GeneratorRun.Describe(run.CompileProblems));
    }

    [Test]
    public void Unsupported_construct_is_GARM003_warning_and_falls_back_to_JsonElement()
    {
        const string schema = """
            {
              "title": "Widget",
              "type": "object",
              "properties": {
                "either": { "oneOf": [ { "type": "string" }, { "type": "integer" } ] }
              }
            }
            """;
        GeneratorRun run = Run(new SchemaFile("/s/widget.json", schema, "T"));

        Diagnostic diagnostic = Single(run, "GARM003");
        Assert.That(diagnostic.DefaultSeverity, Is.EqualTo(DiagnosticSeverity.Warning));
        Assert.That(diagnostic.GetMessage(System.Globalization.CultureInfo.InvariantCulture), Does.Contain("oneOf").And.Contain("#/properties/either"));
        AssertAt(diagnostic, "/s/widget.json", 5, 15);
        Assert.That(run.Sources["T.Widget.g.cs"], Does.Contain("JsonElement? Either"));
        Assert.That(run.CompileProblems, Is.Empty, GeneratorRun.Describe(run.CompileProblems));
    }

    [Test]
    public void Type_name_collision_across_files_is_GARM004_info_and_resolved_deterministically()
    {
        const string a = """{ "swagger": "2.0", "definitions": { "Widget": { "type": "object", "properties": { "a": { "type": "string" } } } } }""";
        const string b = """{ "swagger": "2.0", "definitions": { "Widget": { "type": "object", "properties": { "b": { "type": "string" } } } } }""";

        // File order must not matter: the ordinally-first path keeps the name.
        GeneratorRun run = Run(new SchemaFile("/s/b.json", b, "T"), new SchemaFile("/s/a.json", a, "T"));

        Diagnostic diagnostic = Single(run, "GARM004");
        Assert.That(diagnostic.DefaultSeverity, Is.EqualTo(DiagnosticSeverity.Info));
        Assert.That(diagnostic.GetMessage(System.Globalization.CultureInfo.InvariantCulture), Does.Contain("'Widget2'").And.Contain("#/definitions/Widget"));
        AssertAt(diagnostic, "/s/b.json", 1, 48);
        Assert.That(run.Sources["T.Widget.g.cs"], Does.Contain("public string? A { get; set; }"));
        Assert.That(run.Sources["T.Widget2.g.cs"], Does.Contain("public string? B { get; set; }"));
        Assert.That(run.CompileProblems, Is.Empty, GeneratorRun.Describe(run.CompileProblems));
    }

    [Test]
    public void Property_named_like_its_type_or_a_generated_member_is_renamed_with_GARM004()
    {
        const string schema = """{ "title": "Tags", "type": "object", "properties": { "tags": { "type": "string" }, "additionalProperties": { "type": "string" }, "toString": { "type": "string" } } }""";
        GeneratorRun run = Run(new SchemaFile("/s/tags.json", schema, "T"));

        Assert.That(run.GeneratorDiagnostics.Count(d => d.Id == "GARM004"), Is.EqualTo(3), GeneratorRun.Describe(run.GeneratorDiagnostics));
        Assert.That(run.Sources["T.Tags.g.cs"], Does.Contain("Tags2 {").And.Contain("AdditionalProperties2 {").And.Contain("ToString2 {"));
        Assert.That(run.CompileProblems, Is.Empty, GeneratorRun.Describe(run.CompileProblems));
    }

    [Test]
    public void Document_of_unknown_kind_is_GARM005_warning()
    {
        GeneratorRun run = Run(new SchemaFile("/s/openapi3.json", """{ "openapi": "3.0.0", "components": {} }"""));

        Diagnostic diagnostic = Single(run, "GARM005");
        Assert.That(diagnostic.DefaultSeverity, Is.EqualTo(DiagnosticSeverity.Warning));
        AssertAt(diagnostic, "/s/openapi3.json", 1, 1);
    }

    [Test]
    public void Ref_cycle_is_GARM006_and_never_loops()
    {
        const string schema = """
            {
              "swagger": "2.0",
              "definitions": {
                "Holder": { "type": "object", "properties": { "loop": { "$ref": "#/definitions/A" } } },
                "A": { "$ref": "#/definitions/B" },
                "B": { "$ref": "#/definitions/A" }
              }
            }
            """;
        GeneratorRun run = Run(new SchemaFile("/s/cycle.json", schema, "T"));

        Diagnostic[] cycles = run.GeneratorDiagnostics.Where(d => d.Id == "GARM006").ToArray();
        Assert.That(cycles.Select(d => d.GetMessage(System.Globalization.CultureInfo.InvariantCulture)), Has.Some.Contains("#/definitions/Holder/properties/loop"), GeneratorRun.Describe(run.GeneratorDiagnostics));
        Assert.That(cycles.Select(d => d.Location.GetLineSpan().StartLinePosition.Line + 1), Has.Member(4));
        Assert.That(run.Sources["T.Holder.g.cs"], Does.Contain("JsonElement? Loop"));
        Assert.That(run.CompileProblems, Is.Empty, GeneratorRun.Describe(run.CompileProblems));
    }

    [Test]
    public void Inheritance_cycle_is_GARM006_and_both_types_still_compile()
    {
        const string schema = """
            {
              "swagger": "2.0",
              "definitions": {
                "A": { "allOf": [ { "$ref": "#/definitions/B" } ], "properties": { "a": { "type": "string" } } },
                "B": { "allOf": [ { "$ref": "#/definitions/A" } ], "properties": { "b": { "type": "string" } } },
                "C": { "allOf": [ { "$ref": "#/definitions/C" } ] }
              }
            }
            """;
        GeneratorRun run = Run(new SchemaFile("/s/cycle.json", schema, "T"));

        Assert.That(run.GeneratorDiagnostics.Count(d => d.Id == "GARM006"), Is.GreaterThanOrEqualTo(2), GeneratorRun.Describe(run.GeneratorDiagnostics));
        Assert.That(run.CompileProblems, Is.Empty, GeneratorRun.Describe(run.CompileProblems));
    }

    [Test]
    public void Hostile_values_generate_compiling_code_without_throwing()
    {
        const string schema = """
            {
              "swagger": "2.0",
              "definitions": {
                "Weird": {
                  "type": "object",
                  "description": "Ends with a backslash \\ and has */ and <xml> & \"quotes\"\n and\u2028line separators",
                  "properties": {
                    "huge": { "type": "integer", "default": 123456789012345678901234567890123456789e999999 },
                    "class": { "type": "string", "enum": ["", "1", "class", "a\"b", "\ud800", "Value", "value"], "x-ms-enum": { "name": "class", "modelAsString": true } },
                    "fixed": { "type": "string", "enum": ["", "1", "ToString"], "x-ms-enum": { "name": "fixed", "modelAsString": false } },
                    "": { "type": "string" },
                    "123": { "type": "boolean" },
                    "a-b": { "type": "string" },
                    "a_b": { "type": "string" },
                    "format": { "type": "string", "format": "no-such-format" }
                  }
                },
                "": { "type": "object" },
                "123": { "type": "object", "properties": { "x": { "type": "array" } } }
              }
            }
            """;
        GeneratorRun run = Run(new SchemaFile("/s/weird.json", schema, "T"));

        Assert.That(run.GeneratorDiagnostics.Where(d => d.DefaultSeverity == DiagnosticSeverity.Error), Is.Empty, GeneratorRun.Describe(run.GeneratorDiagnostics));
        Assert.That(run.Sources, Is.Not.Empty);
        Assert.That(run.CompileProblems, Is.Empty, GeneratorRun.Describe(run.CompileProblems));
    }

    [Test]
    public void Files_not_opted_in_are_ignored()
    {
        GeneratorRun run = Run(new SchemaFile("/s/other.json", "not json at all", OptIn: false));

        Assert.That(run.GeneratorDiagnostics, Is.Empty);
        Assert.That(run.Sources, Is.Empty);
    }

    [Test]
    public void Locations_use_the_path_as_given_while_refs_resolve_on_the_normalized_path()
    {
        const string spec = """{ "swagger": "2.0", "definitions": { "A": { "type": "object", "properties": { "b": { "$ref": "../common/types.json#/definitions/Missing" } } } } }""";
        const string common = """{ "swagger": "2.0", "definitions": { "Present": { "type": "object" } } }""";
        GeneratorRun run = Run(new SchemaFile(@"/s/api/./v1/../spec.json", spec, "T"), new SchemaFile("/s/common/types.json", common, "T"));

        Diagnostic diagnostic = Single(run, "GARM002");
        Assert.That(diagnostic.Location.GetLineSpan().Path, Is.EqualTo("/s/api/./v1/../spec.json"));
        Assert.That(diagnostic.GetMessage(System.Globalization.CultureInfo.InvariantCulture), Does.Contain("has no schema at '#/definitions/Missing'"));
    }

    [Test]
    public void The_same_enum_declared_in_two_files_of_one_namespace_is_one_type()
    {
        const string a = """{ "swagger": "2.0", "definitions": { "A": { "type": "object", "properties": { "by": { "type": "string", "enum": ["User", "App"], "x-ms-enum": { "name": "createdByType", "modelAsString": true } } } } } }""";
        const string b = """{ "swagger": "2.0", "definitions": { "B": { "type": "object", "properties": { "by": { "type": "string", "enum": ["User", "App"], "x-ms-enum": { "name": "createdByType", "modelAsString": true } }, "other": { "type": "string", "enum": ["X"], "x-ms-enum": { "name": "createdByType2" } } } } } }""";
        const string c = """{ "swagger": "2.0", "definitions": { "C": { "type": "object", "properties": { "by": { "type": "string", "enum": ["Someone"], "x-ms-enum": { "name": "createdByType", "modelAsString": true } } } } } }""";
        GeneratorRun run = Run(new SchemaFile("/s/a.json", a, "T"), new SchemaFile("/s/b.json", b, "T"), new SchemaFile("/s/c.json", c, "T"));

        Assert.That(run.Sources.Keys.Where(k => k.Contains("CreatedByType", StringComparison.Ordinal)), Is.EquivalentTo(new[] { "T.CreatedByType.g.cs", "T.CreatedByType2.g.cs", "T.CreatedByType3.g.cs" }));
        Assert.That(run.Sources["T.B.g.cs"], Does.Contain("public global::T.CreatedByType? By"));
        Assert.That(run.Sources["T.C.g.cs"], Does.Contain("public global::T.CreatedByType3? By"), "different values are a different type");
        Assert.That(run.CompileProblems, Is.Empty, GeneratorRun.Describe(run.CompileProblems));
    }

    [Test]
    public void AllOf_diamonds_many_levels_deep_are_merged_once_not_exponentially()
    {
        // D0 allOf [Base, D1, D1'] ... each level refers twice to the next: 2^25 walks if merged naively.
        var definitions = new List<string> { "\"Base\": { \"type\": \"object\", \"properties\": { \"id\": { \"type\": \"string\" } } }" };
        for (int i = 0; i < 25; i++)
        {
            definitions.Add($"\"D{i}\": {{ \"allOf\": [ {{ \"$ref\": \"#/definitions/Base\" }}, {{ \"$ref\": \"#/definitions/D{i + 1}\" }}, {{ \"allOf\": [ {{ \"$ref\": \"#/definitions/D{i + 1}\" }} ] }} ], \"properties\": {{ \"p{i}\": {{ \"type\": \"string\" }} }} }}");
        }

        definitions.Add("\"D25\": { \"type\": \"object\", \"properties\": { \"last\": { \"type\": \"string\" } } }");
        string spec = "{ \"swagger\": \"2.0\", \"definitions\": { " + string.Join(", ", definitions) + " } }";

        var stopwatch = System.Diagnostics.Stopwatch.StartNew();
        GeneratorRun run = Run(new SchemaFile("/s/diamond.json", spec, "T"));
        stopwatch.Stop();

        TestContext.Out.WriteLine($"generated and compiled in {stopwatch.Elapsed.TotalMilliseconds:F0} ms");
        Assert.That(stopwatch.Elapsed, Is.LessThan(TimeSpan.FromSeconds(10)));
        Assert.That(run.Sources["T.D0.g.cs"], Does.Contain("public string? P24 { get; set; }").And.Contain("public string? Last { get; set; }"));
        Assert.That(run.CompileProblems, Is.Empty, GeneratorRun.Describe(run.CompileProblems));
    }
}
