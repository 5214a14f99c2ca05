using System.Net;
using System.Text.Json;
using GeneratedArm.TestServer.Arm.ProviderSpecs;
using static GeneratedArm.TestServer.Tests.Arm.ArmTestKit;

namespace GeneratedArm.TestServer.Tests.Arm.Providers;

/// <summary>Spec problems never break the emulator, and real specs' own examples pass the emulator's validation.</summary>
public class SpecRobustnessTests
{
    [Test]
    public async Task Broken_spec_files_are_reported_and_the_emulator_still_serves_what_it_could_use()
    {
        string folder = Path.Combine(Path.GetTempPath(), "garm-bad-specs-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(folder);
        try
        {
            const string Good = "/subscriptions/{subscriptionId}/resourceGroups/{resourceGroupName}/providers/Contoso.Bad/goods/{name}";
            await File.WriteAllTextAsync(Path.Combine(folder, "not-json.json"), "{ this is not json");
            await File.WriteAllTextAsync(Path.Combine(folder, "loops.json"), $$"""
                {
                  "swagger": "2.0", "info": { "title": "t", "version": "2030-01-01" },
                  "paths": {
                    "/subscriptions/{subscriptionId}/resourceGroups/{resourceGroupName}/providers/Contoso.Bad/refLoops/{name}":
                      { "put": { "parameters": [ { "name": "b", "in": "body", "schema": { "$ref": "#/definitions/A" } } ], "responses": { "200": {} } } },
                    "/subscriptions/{subscriptionId}/resourceGroups/{resourceGroupName}/providers/Contoso.Bad/allOfLoops/{name}":
                      { "put": { "parameters": [ { "name": "b", "in": "body", "schema": { "$ref": "#/definitions/C" } } ], "responses": { "200": {} } } },
                    "/subscriptions/{subscriptionId}/resourceGroups/{resourceGroupName}/providers/Contoso.Bad/missingFiles/{name}":
                      { "put": { "parameters": [ { "name": "b", "in": "body", "schema": { "$ref": "./nowhere.json#/definitions/X" } } ], "responses": { "200": {} } } },
                    "{{Good}}":
                      { "put": { "parameters": [ { "name": "b", "in": "body", "schema": { "$ref": "#/definitions/Good" } } ], "responses": { "200": {}, "201": {} } },
                        "get": { "responses": { "200": {} } } }
                  },
                  "definitions": {
                    "A": { "$ref": "#/definitions/B" }, "B": { "$ref": "#/definitions/A" },
                    "C": { "allOf": [ { "$ref": "#/definitions/D" } ] }, "D": { "allOf": [ { "$ref": "#/definitions/C" } ] },
                    "Good": { "type": "object", "properties": { "n": { "type": "integer" } }, "required": ["n"] }
                  }
                }
                """);
            var builder = new EmulatorBuilder().AddResourceProviderSpecs(folder);
            await using var emulator = AzureEmulator.Create(b => b.AddResourceProviderSpecs(folder));
            using var client = emulator.CreateClient();
            string admin = emulator.CreateAdministratorToken();
            string rg = $"/subscriptions/{Sub}/resourceGroups/DevTest/providers/Contoso.Bad";

            using var good = await SendAsync(client, HttpMethod.Put, $"{rg}/goods/g?api-version=2030-01-01", admin, """{"n":"x"}""");
            using var loop = await SendAsync(client, HttpMethod.Put, $"{rg}/refLoops/r?api-version=2030-01-01", admin, """{"anything":1}""");

            var problems = builder.ResourceProviderSpecProblems;
            Assert.That(problems, Has.Some.Contains("not-json.json").And.Contains("not valid JSON"));
            Assert.That(problems, Has.Some.Contains("refLoops").And.Contains("does not end"));
            Assert.That(problems, Has.Some.Contains("allOfLoops").And.Contains("does not end"));
            Assert.That(problems, Has.Some.Contains("missingFiles").And.Contains("does not exist"));
            Assert.That((await ErrorAsync(good)).Code, Is.EqualTo("InvalidRequestContent"), "the usable path is validated");
            Assert.That(loop.StatusCode, Is.EqualTo(HttpStatusCode.Created), "the unusable one is a generic resource");
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    /// <summary>
    /// Every PUT example request body in the real corpus (../shared/specs: authorization, msi, resources) passes the emulator's
    /// validation of the same operation — the validator must not reject what the providers document as valid.
    /// </summary>
    [Test]
    public void Corpus_put_examples_pass_the_emulators_validation()
    {
        string msi = ManagedIdentitySpecTests.Spec("2024-11-30");
        string specification = Path.GetFullPath(Path.Combine(Path.GetDirectoryName(msi)!, "..", "..", "..", "..", ".."));
        var catalog = new ProviderCatalog();
        var folders = new[] { "authorization", "msi", "resources" }.Select(f => Path.Combine(specification, f)).Where(Directory.Exists).ToList();
        catalog.Load(folders);
        var failures = new List<string>();
        int checkedExamples = 0;
        foreach (string file in folders.SelectMany(f => Directory.EnumerateFiles(f, "*.json", SearchOption.AllDirectories))
                     .Where(f => !f.Contains($"{Path.DirectorySeparatorChar}examples{Path.DirectorySeparatorChar}", StringComparison.Ordinal)))
        {
            using var document = JsonDocument.Parse(File.ReadAllText(file), new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true });
            var root = document.RootElement;
            if (!root.TryGetProperty("paths", out var paths) || !root.TryGetProperty("info", out var info)) continue;
            string version = info.GetProperty("version").GetString()!;
            foreach (var path in paths.EnumerateObject())
            {
                if (SpecPathTemplate.Parse(path.Name) is not { Kind: SpecPathKind.Instance } shape || !path.Value.TryGetProperty("put", out var put)) continue;
                var operation = catalog.Find(shape.Namespace + "/" + string.Join('/', shape.Types))?.Versions.GetValueOrDefault(version)?.Put;
                if (operation?.Body is not { } schema || !put.TryGetProperty("x-ms-examples", out var examples)) continue;
                string? bodyName = put.GetProperty("parameters").EnumerateArray()
                    .FirstOrDefault(p => p.TryGetProperty("in", out var where) && where.GetString() == "body") is { ValueKind: JsonValueKind.Object } b ? b.GetProperty("name").GetString() : null;
                if (bodyName is null) continue;
                foreach (var example in examples.EnumerateObject())
                {
                    string exampleFile = Path.GetFullPath(Path.Combine(Path.GetDirectoryName(file)!, example.Value.GetProperty("$ref").GetString()!));
                    if (!File.Exists(exampleFile)) continue;
                    using var exampleDocument = JsonDocument.Parse(File.ReadAllText(exampleFile));
                    if (!exampleDocument.RootElement.GetProperty("parameters").TryGetProperty(bodyName, out var body) || body.ValueKind != JsonValueKind.Object) continue;
                    checkedExamples++;
                    var (_, errors) = RequestBodyBinder.Bind(body, schema);
                    failures.AddRange(errors.Select(e => $"{Path.GetFileName(exampleFile)} ({version}): {e.Target}: {e.Message}"));
                }
            }
        }

        TestContext.Out.WriteLine($"{checkedExamples} example request bodies checked, {catalog.Types.Count} resource types learned, {catalog.Problems.Count} paths reported.");
        Assert.That(checkedExamples, Is.GreaterThan(5), "the corpus has PUT examples to check");
        Assert.That(catalog.Find("Microsoft.Resources/checkZonePeers"), Is.Null, "a subscription-level POST is reported, not learned as a type");
        Assert.That(failures, Is.Empty);
    }
}
