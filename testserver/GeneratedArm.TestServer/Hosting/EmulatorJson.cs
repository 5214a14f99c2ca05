using System.Text.Json;
using System.Text.Json.Serialization;
using GeneratedArm.TestServer.State;

namespace GeneratedArm.TestServer.Hosting;

/// <summary>JSON settings for the emulator's own documents (state file, state snapshots, fault rules, recorded requests): camelCase, enums as strings.</summary>
public static class EmulatorJson
{
    public static JsonSerializerOptions Options { get; } = CreateOptions();

    private static JsonSerializerOptions CreateOptions()
    {
        var options = new JsonSerializerOptions(JsonSerializerDefaults.Web)
        {
            WriteIndented = true,
            Converters = { new JsonStringEnumConverter() },
            Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
            ReadCommentHandling = JsonCommentHandling.Skip,
            AllowTrailingCommas = true,
        };
        options.MakeReadOnly(populateMissingResolver: true);
        return options;
    }

    /// <summary>Serializes a whole-state snapshot (what <c>GET /_emulator/state</c> returns and <c>PUT /_emulator/state</c> accepts).</summary>
    public static string SerializeSnapshot(EmulatorStateSnapshot snapshot) => JsonSerializer.Serialize(snapshot, Options);

    public static EmulatorStateSnapshot DeserializeSnapshot(string json) =>
        JsonSerializer.Deserialize<EmulatorStateSnapshot>(json, Options) ?? throw new JsonException("The state document is empty.");
}
