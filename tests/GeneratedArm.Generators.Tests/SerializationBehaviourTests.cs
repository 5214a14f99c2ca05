using System.Globalization;
using System.Reflection;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using GeneratedArm.Generators.Tests.Infrastructure;

namespace GeneratedArm.Generators.Tests;

/// <summary>What the generated models do at run time: polymorphism, enums, dictionaries, nothing lost.</summary>
public sealed class SerializationBehaviourTests
{
    internal const string PetsSpec = """
        {
          "swagger": "2.0",
          "info": { "title": "Pets", "version": "2024-01-01" },
          "paths": {},
          "definitions": {
            "Pet": {
              "type": "object",
              "description": "A pet.",
              "discriminator": "kind",
              "required": ["kind"],
              "properties": {
                "kind": { "type": "string" },
                "id": { "type": "string", "format": "arm-id", "readOnly": true },
                "name": { "type": "string", "x-nullable": true },
                "tags": { "type": "object", "additionalProperties": { "type": "string" } },
                "password": { "type": "string", "x-ms-secret": true },
                "color": { "$ref": "#/definitions/Color" }
              }
            },
            "Cat": {
              "x-ms-discriminator-value": "cat",
              "allOf": [{ "$ref": "#/definitions/Pet" }],
              "properties": { "meows": { "type": "boolean" }, "name": { "type": "string", "description": "Re-declared: the base property serves." } }
            },
            "Dog": {
              "allOf": [{ "$ref": "#/definitions/Pet" }],
              "properties": {
                "barkVolume": { "type": "integer", "format": "int32", "x-ms-client-name": "Loudness" },
                "size": { "type": "string", "enum": ["Small", "Large"], "x-ms-enum": { "name": "DogSize", "modelAsString": true } }
              }
            },
            "Color": { "type": "string", "enum": ["red", "green"], "x-ms-enum": { "name": "Color", "modelAsString": false } },
            "Household": {
              "type": "object",
              "properties": {
                "pets": { "type": "array", "items": { "$ref": "#/definitions/Pet" } },
                "byName": { "type": "object", "additionalProperties": { "$ref": "#/definitions/Pet" } },
                "groups": { "type": "object", "additionalProperties": { "type": "array", "items": { "type": "string" } } },
                "anything": { "type": "object" },
                "inline": { "type": "object", "properties": { "depth": { "type": "number" } } }
              }
            },
            "Formats": {
              "type": "object",
              "properties": {
                "int32": { "type": "integer", "format": "int32" },
                "int64": { "type": "integer", "format": "int64" },
                "float": { "type": "number", "format": "float" },
                "double": { "type": "number", "format": "double" },
                "dateTime": { "type": "string", "format": "date-time" },
                "rfc1123": { "type": "string", "format": "date-time-rfc1123" },
                "date": { "type": "string", "format": "date" },
                "duration": { "type": "string", "format": "duration" },
                "uuid": { "type": "string", "format": "uuid" },
                "byte": { "type": "string", "format": "byte" },
                "uri": { "type": "string", "format": "uri" },
                "armId": { "type": "string", "format": "arm-id" },
                "unixtime": { "type": "integer", "format": "unixtime" }
              }
            }
          }
        }
        """;

    private static readonly Lazy<Assembly> Generated = new(() =>
    {
        GeneratorRun run = GeneratorHarness.Run(new[] { new SchemaFile("/specs/pets.json", PetsSpec, "Pets") });
        Assert.That(run.GeneratorDiagnostics, Is.Empty, GeneratorRun.Describe(run.GeneratorDiagnostics));
        Assert.That(run.CompileProblems, Is.Empty, GeneratorRun.Describe(run.CompileProblems));
        return run.LoadAssembly();
    });

    private static Type T(string name) => Generated.Value.GetType("Pets." + name, throwOnError: true)!;

    private static object Read(string type, string json) => JsonSerializer.Deserialize(json, T(type))!;

    private static string Write(string type, object value) => JsonSerializer.Serialize(value, T(type));

    private static object? Get(object target, string property) => target.GetType().GetProperty(property)!.GetValue(target);

    private static void AssertSameJson(string expected, string actual)
        => Assert.That(JsonSemantics.FindDifference(JsonNode.Parse(expected), JsonNode.Parse(actual)), Is.Null, actual);

    [Test]
    public void Base_type_reads_the_subtype_its_discriminator_names()
    {
        object cat = Read("Pet", """{"kind":"cat","name":"Tom","meows":true}""");
        object dog = Read("Pet", """{"name":"Rex","kind":"Dog","barkVolume":11}""");

        Assert.Multiple(() =>
        {
            Assert.That(cat.GetType(), Is.EqualTo(T("Cat")));
            Assert.That(Get(cat, "Meows"), Is.EqualTo(true));
            Assert.That(Get(cat, "Name"), Is.EqualTo("Tom"));
            Assert.That(dog.GetType(), Is.EqualTo(T("Dog")), "a subtype without x-ms-discriminator-value is known by its definition name");
            Assert.That(Get(dog, "Loudness"), Is.EqualTo(11), "x-ms-client-name names the property");
        });
    }

    [Test]
    public void Unknown_discriminator_value_reads_as_the_unknown_subtype_and_keeps_everything()
    {
        const string json = """{"kind":"ferret","name":"Fred","whiskers":{"count":12}}""";
        object pet = Read("Pet", json);

        Assert.That(pet.GetType(), Is.EqualTo(T("UnknownPet")));
        Assert.That(pet, Is.InstanceOf(T("Pet")));
        AssertSameJson(json, Write("Pet", pet));
    }

    [Test]
    public void Subtype_constructor_sets_the_discriminator_and_subtypes_round_trip_in_collections()
    {
        object cat = Activator.CreateInstance(T("Cat"))!;
        Assert.That(Get(cat, "Kind"), Is.EqualTo("cat"));

        const string json = """{"pets":[{"kind":"cat","meows":false},{"kind":"Dog","size":"Large"},{"kind":"bird"}],"byName":{"a":{"kind":"cat"}}}""";
        object household = Read("Household", json);
        var pets = (System.Collections.IList)Get(household, "Pets")!;

        Assert.That(pets.Cast<object>().Select(p => p.GetType().Name), Is.EqualTo(new[] { "Cat", "Dog", "UnknownPet" }));
        AssertSameJson(json, Write("Household", household));
    }

    [Test]
    public void Extensible_enum_keeps_values_it_does_not_know_and_compares_ignoring_case()
    {
        object dog = Read("Dog", """{"kind":"Dog","size":"Gigantic"}""");
        object size = Get(dog, "Size")!;
        object large = T("DogSize").GetProperty("Large")!.GetValue(null)!;
        object parsed = Activator.CreateInstance(T("DogSize"), "LARGE")!;

        Assert.Multiple(() =>
        {
            Assert.That(size.ToString(), Is.EqualTo("Gigantic"));
            Assert.That(parsed, Is.EqualTo(large));
            Assert.That(parsed.ToString(), Is.EqualTo("LARGE"), "the value is kept as written");
            Assert.That(T("DogSize").IsValueType, Is.True);
        });
        AssertSameJson("""{"kind":"Dog","size":"Gigantic"}""", Write("Dog", dog));
    }

    [Test]
    public void Fixed_enum_is_a_CSharp_enum_that_reads_its_values_and_rejects_others()
    {
        object pet = Read("Pet", """{"kind":"x","color":"green"}""");

        Assert.That(T("Color").IsEnum, Is.True);
        Assert.That(Get(pet, "Color")!.ToString(), Is.EqualTo("Green"));
        Assert.That(Write("Pet", pet), Does.Contain("\"color\":\"green\""));

        // A value the enum does not list cannot be a C# enum value; it is kept, not thrown away.
        object purple = Read("Pet", """{"kind":"x","color":"purple"}""");
        Assert.That(Get(purple, "Color"), Is.Null);
        Assert.That(Write("Pet", purple), Is.EqualTo("""{"kind":"x","color":"purple"}"""));
        Assert.Throws<JsonException>(() => JsonSerializer.Deserialize("\"purple\"", T("Color")));
    }

    [Test]
    public void Values_that_do_not_match_the_schema_are_kept_as_undeclared_properties()
    {
        // Services return strings for numbers, odd dates, objects where strings were promised...
        const string json = """{"int32":"5","int64":1.5,"dateTime":"yesterday","uuid":"not-a-guid","byte":"@@","duration":"soon","unixtime":1e300,"double":"NaN"}""";
        object formats = Read("Formats", json);

        Assert.That(Get(formats, "Int32"), Is.Null);
        Assert.That(Get(formats, "DateTime"), Is.Null);
        Assert.That(((System.Collections.ICollection)Get(formats, "AdditionalProperties")!).Count, Is.EqualTo(8));
        AssertSameJson(json, Write("Formats", formats));

        object pet = Read("Pet", """{"kind":"x","tags":["not","a","map"],"name":{"first":"T"}}""");
        AssertSameJson("""{"kind":"x","tags":["not","a","map"],"name":{"first":"T"}}""", Write("Pet", pet));

        // A misfit deep inside a collection or nested object keeps the whole property as read.
        const string household = """{"pets":[{"kind":"cat"},5],"groups":{"a":["x",{"y":1}]},"byName":{"tom":{"kind":"cat","meows":true}}}""";
        object value = Read("Household", household);
        Assert.That(Get(value, "Pets"), Is.Null);
        Assert.That(Get(value, "Groups"), Is.Null);
        Assert.That(Get(value, "ByName"), Is.Not.Null);
        AssertSameJson(household, Write("Household", value));
    }

    [Test]
    public void Dictionaries_read_and_write_values_of_every_shape()
    {
        const string json = """{"byName":{"tom":{"kind":"cat","tags":{"a":"1"}}},"groups":{"x":["a","b"],"y":[]},"anything":{"free":[1,{"form":true}]},"inline":{"depth":1.5}}""";
        object household = Read("Household", json);

        var groups = (System.Collections.IDictionary)Get(household, "Groups")!;
        Assert.That(groups.Count, Is.EqualTo(2));
        Assert.That(Get(household, "Inline")!.GetType().Name, Is.EqualTo("HouseholdInline"));
        AssertSameJson(json, Write("Household", household));
    }

    [Test]
    public void Read_modify_write_keeps_properties_the_schema_does_not_declare()
    {
        const string json = """{"kind":"cat","name":"Tom","tags":{"env":"dev"},"addedLater":{"nested":[1,2,3]},"meows":true,"systemData":{"createdBy":"me"}}""";
        object cat = Read("Pet", json);
        var tags = (IDictionary<string, string>)Get(cat, "Tags")!;
        tags["owner"] = "ann";

        string written = Write("Pet", cat);

        AssertSameJson(json.Replace("{\"env\":\"dev\"}", "{\"env\":\"dev\",\"owner\":\"ann\"}", StringComparison.Ordinal), written);
    }

    [Test]
    public void Explicit_null_and_absent_stay_distinguishable()
    {
        object withNull = Read("Pet", """{"kind":"x","name":null}""");
        object absent = Read("Pet", """{"kind":"x"}""");

        Assert.That(Write("Pet", withNull), Is.EqualTo("""{"kind":"x","name":null}"""));
        Assert.That(Write("Pet", absent), Is.EqualTo("""{"kind":"x"}"""));

        // A PATCH body that clears a value.
        ((ISet<string>)Get(absent, "JsonNullProperties")!).Add("tags");
        Assert.That(Write("Pet", absent), Is.EqualTo("""{"kind":"x","tags":null}"""));

        // Assigning a value wins over a recorded null.
        withNull.GetType().GetProperty("Name")!.SetValue(withNull, "Tom");
        Assert.That(Write("Pet", withNull), Is.EqualTo("""{"kind":"x","name":"Tom"}"""));
    }

    [Test]
    public void Request_json_omits_read_only_properties_and_ToString_hides_secrets()
    {
        object pet = Read("Pet", """{"kind":"cat","id":"/subscriptions/1/x","password":"hunter2","name":"Tom"}""");

        using var stream = new MemoryStream();
        using (var writer = new Utf8JsonWriter(stream))
        {
            pet.GetType().GetMethod("WriteRequestJson")!.Invoke(pet, new object[] { writer });
        }

        string request = Encoding.UTF8.GetString(stream.ToArray());
        Assert.Multiple(() =>
        {
            Assert.That(request, Does.Not.Contain("\"id\""));
            Assert.That(request, Does.Contain("hunter2"), "secrets are sent; they are only hidden from ToString");
            Assert.That(Write("Pet", pet), Does.Contain("\"id\":\"/subscriptions/1/x\""), "WriteJson keeps read-only values for a lossless round trip");
            Assert.That(pet.ToString(), Does.Not.Contain("hunter2").And.Contains("\"name\":\"Tom\""));
        });
    }

    [Test]
    public void Every_format_round_trips_by_value()
    {
        const string json = """
            {"int32":-5,"int64":9007199254740993,"float":1.5,"double":0.1,"dateTime":"2024-02-29T13:14:15.1234567Z",
             "rfc1123":"Thu, 29 Feb 2024 13:14:15 GMT","date":"2024-02-29","duration":"P1DT2H","uuid":"6a3c4d2e-0000-4000-8000-00000000abcd",
             "byte":"AQID","uri":"https://example.com/a%20b?x=1","armId":"/subscriptions/x","unixtime":1709212455}
            """;
        object formats = Read("Formats", json);

        Assert.Multiple(() =>
        {
            Assert.That(Get(formats, "Int64"), Is.EqualTo(9007199254740993L));
            Assert.That(Get(formats, "DateTime"), Is.EqualTo(new DateTimeOffset(2024, 2, 29, 13, 14, 15, TimeSpan.Zero).AddTicks(1234567)));
            Assert.That(Get(formats, "Rfc1123"), Is.EqualTo(new DateTimeOffset(2024, 2, 29, 13, 14, 15, TimeSpan.Zero)));
            Assert.That(Get(formats, "Duration"), Is.EqualTo(TimeSpan.FromHours(26)));
            Assert.That(Get(formats, "Uuid"), Is.EqualTo(Guid.Parse("6a3c4d2e-0000-4000-8000-00000000abcd")));
            Assert.That(Get(formats, "Byte"), Is.EqualTo(new byte[] { 1, 2, 3 }));
            Assert.That(Get(formats, "Unixtime"), Is.EqualTo(DateTimeOffset.FromUnixTimeSeconds(1709212455)));
        });
        AssertSameJson(json, Write("Formats", formats));
    }

    [Test]
    public void Serialization_does_not_depend_on_the_current_culture()
    {
        CultureInfo original = CultureInfo.CurrentCulture;
        try
        {
            CultureInfo.CurrentCulture = new CultureInfo("de-DE");
            object formats = Read("Formats", """{"double":1.5,"float":2.25,"date":"2024-02-29","rfc1123":"Thu, 29 Feb 2024 13:14:15 GMT"}""");
            Assert.That(Write("Formats", formats), Is.EqualTo("""{"float":2.25,"double":1.5,"rfc1123":"Thu, 29 Feb 2024 13:14:15 GMT","date":"2024-02-29"}"""));
        }
        finally
        {
            CultureInfo.CurrentCulture = original;
        }
    }

    [TestCase("2024-02-29T13:14:15Z")]
    [TestCase("2024-02-29T13:14:15.1234567Z")]
    [TestCase("2024-02-29T13:14:15+02:00")]
    [TestCase("2024-02-29T13:14:15.5-07:30")]
    public void A_date_time_is_written_back_with_the_spelling_ARM_used_Z_for_UTC(string value)
    {
        object formats = Read("Formats", "{\"dateTime\":\"" + value + "\"}");

        Assert.That(Write("Formats", formats), Is.EqualTo("{\"dateTime\":\"" + value + "\"}"));
    }

    [Test]
    public void Without_the_runtime_the_models_compile_and_do_not_implement_IArmModel()
    {
        GeneratorRun run = GeneratorHarness.Run(new[] { new SchemaFile("/specs/pets.json", PetsSpec, "Pets") }, withRuntime: false);

        Assert.That(run.CompileProblems, Is.Empty, GeneratorRun.Describe(run.CompileProblems));
        Assert.That(run.Sources.Values, Has.None.Contains("IArmModel"));
    }

    [Test]
    public void Client_flatten_adds_shortcut_properties_and_keeps_the_wire_shape_nested()
    {
        const string spec = """
            {
              "swagger": "2.0",
              "definitions": {
                "Vault": {
                  "type": "object",
                  "properties": {
                    "name": { "type": "string" },
                    "properties": { "x-ms-client-flatten": true, "$ref": "#/definitions/VaultProperties" }
                  }
                },
                "VaultProperties": {
                  "type": "object",
                  "properties": { "tenantId": { "type": "string", "format": "uuid" }, "name": { "type": "string" }, "sku": { "type": "string" } }
                }
              }
            }
            """;
        GeneratorRun run = GeneratorHarness.Run(new[] { new SchemaFile("/s/vault.json", spec, "V") });
        Assert.That(run.CompileProblems, Is.Empty, GeneratorRun.Describe(run.CompileProblems));
        Assert.That(run.GeneratorDiagnostics.Single(d => d.Id == "GARM004").GetMessage(CultureInfo.InvariantCulture), Does.Contain("'Properties.Name' is used instead"));
        Type vault = run.LoadAssembly().GetType("V.Vault", throwOnError: true)!;

        object value = Activator.CreateInstance(vault)!;
        Assert.That(vault.GetProperty("Sku")!.GetValue(value), Is.Null);
        Assert.That(vault.GetProperty("Properties")!.GetValue(value), Is.Null, "reading a shortcut creates nothing");
        vault.GetProperty("Sku")!.SetValue(value, "premium");
        vault.GetProperty("TenantId")!.SetValue(value, Guid.Empty);

        Assert.That(JsonSerializer.Serialize(value, vault), Is.EqualTo("""{"properties":{"tenantId":"00000000-0000-0000-0000-000000000000","sku":"premium"}}"""));
    }
}
