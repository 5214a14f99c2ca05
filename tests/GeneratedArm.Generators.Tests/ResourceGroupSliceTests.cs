using System.Reflection;
using System.Text.Json;
using System.Text.Json.Nodes;
using GeneratedArm.Generators.Tests.Infrastructure;

namespace GeneratedArm.Generators.Tests;

/// <summary>The first slice: the CLI's resource group JSON Schema becomes a typed, round-tripping ResourceGroup.</summary>
public sealed class ResourceGroupSliceTests
{
    private const string TutorialJson = """{"id":"/subscriptions/98f51385-2edc-4b79-bed9-7718de4cb861/resourceGroups/DevTest","name":"DevTest","location":"westus","properties":{"provisioningState":"Succeeded"}}""";

    private static GeneratorRun RunOnSchema(params string[] consumerSources)
    {
        string path = GeneratorHarness.RepoFile("src/GeneratedArm.Cli/Schemas/resource-group.schema.json");
        return GeneratorHarness.Run(new[] { new SchemaFile(path, File.ReadAllText(path), "GeneratedArm.Cli.Models") }, sources: consumerSources);
    }

    [Test]
    public void Resource_group_schema_generates_code_that_compiles_without_warnings()
    {
        GeneratorRun run = RunOnSchema();

        Assert.That(run.GeneratorDiagnostics, Is.Empty, GeneratorRun.Describe(run.GeneratorDiagnostics));
        Assert.That(run.Sources.Keys, Is.EquivalentTo(new[] { "GeneratedArm.Cli.Models.ResourceGroup.g.cs", "GeneratedArm.Cli.Models.ResourceGroupProperties.g.cs" }));
        Assert.That(run.CompileProblems, Is.Empty, GeneratorRun.Describe(run.CompileProblems));
    }

    [Test]
    public void Resource_group_has_the_tutorial_properties_with_nullable_types()
    {
        Assembly assembly = RunOnSchema().LoadAssembly();
        Type rg = assembly.GetType("GeneratedArm.Cli.Models.ResourceGroup", throwOnError: true)!;
        Type props = assembly.GetType("GeneratedArm.Cli.Models.ResourceGroupProperties", throwOnError: true)!;

        Assert.Multiple(() =>
        {
            Assert.That(rg.IsSealed && rg.IsPublic, Is.True);
            foreach (string name in new[] { "Id", "Name", "Type", "Location", "ManagedBy" })
            {
                Assert.That(rg.GetProperty(name)?.PropertyType, Is.EqualTo(typeof(string)), name);
            }

            Assert.That(rg.GetProperty("Tags")?.PropertyType, Is.EqualTo(typeof(IDictionary<string, string>)));
            Assert.That(rg.GetProperty("Properties")?.PropertyType, Is.EqualTo(props));
            Assert.That(props.GetProperty("ProvisioningState")?.PropertyType, Is.EqualTo(typeof(string)));
            Assert.That(rg.GetInterfaces().Select(i => i.GetGenericTypeDefinition()), Does.Contain(typeof(GeneratedArm.Serialization.IArmModel<>)));
        });
    }

    [Test]
    public void Tutorial_json_round_trips_through_JsonSerializer_with_default_options()
    {
        Type rg = RunOnSchema().LoadAssembly().GetType("GeneratedArm.Cli.Models.ResourceGroup", throwOnError: true)!;
        string input = TutorialJson.Replace("\"location\"", "\"type\":\"Microsoft.Resources/resourceGroups\",\"futureField\":{\"a\":[1,2.50,null]},\"location\"", StringComparison.Ordinal);

        object value = JsonSerializer.Deserialize(input, rg)!;
        string output = JsonSerializer.Serialize(value, rg);

        Assert.Multiple(() =>
        {
            Assert.That(rg.GetProperty("Name")!.GetValue(value), Is.EqualTo("DevTest"));
            Assert.That(rg.GetProperty("Location")!.GetValue(value), Is.EqualTo("westus"));
            object properties = rg.GetProperty("Properties")!.GetValue(value)!;
            Assert.That(properties.GetType().GetProperty("ProvisioningState")!.GetValue(properties), Is.EqualTo("Succeeded"));
            Assert.That(JsonNode.DeepEquals(JsonNode.Parse(input), JsonNode.Parse(output)), Is.True, output);
        });
    }

    [Test]
    public void Consumer_code_reads_and_writes_through_the_IArmModel_contract()
    {
        const string consumer = """
            using System.Text;
            using System.Text.Json;
            using GeneratedArm.Serialization;

            namespace Consumer;

            /// <summary>A consumer.</summary>
            public static class Program
            {
                /// <summary>Reads any model.</summary>
                public static T Read<T>(string json) where T : IArmModel<T>
                {
                    var reader = new Utf8JsonReader(Encoding.UTF8.GetBytes(json));
                    reader.Read();
                    return T.ReadJson(ref reader);
                }

                /// <summary>Reads and writes a resource group.</summary>
                public static string RoundTrip(string json)
                {
                    GeneratedArm.Cli.Models.ResourceGroup rg = Read<GeneratedArm.Cli.Models.ResourceGroup>(json);
                    using var stream = new System.IO.MemoryStream();
                    using (var writer = new Utf8JsonWriter(stream))
                    {
                        rg.WriteJson(writer);
                    }

                    return rg.Name + "|" + Encoding.UTF8.GetString(stream.ToArray());
                }
            }
            """;
        GeneratorRun run = RunOnSchema(consumer);
        Assert.That(run.CompileProblems, Is.Empty, GeneratorRun.Describe(run.CompileProblems));

        MethodInfo roundTrip = run.LoadAssembly().GetType("Consumer.Program", throwOnError: true)!.GetMethod("RoundTrip")!;
        string result = (string)roundTrip.Invoke(null, new object[] { TutorialJson })!;

        Assert.That(result.Split('|')[0], Is.EqualTo("DevTest"));
        Assert.That(JsonNode.DeepEquals(JsonNode.Parse(TutorialJson), JsonNode.Parse(result.Split('|')[1])), Is.True, result);
    }
}
