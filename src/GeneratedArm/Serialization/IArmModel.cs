using System.Text.Json;

namespace GeneratedArm.Serialization;

/// <summary>
/// The contract between the GeneratedArm source generator and the runtime: every generated model
/// reads and writes itself with <see cref="Utf8JsonReader"/>/<see cref="Utf8JsonWriter"/>, so the
/// ARM client (de)serializes with no reflection and no <see cref="JsonSerializerOptions"/> lookup.
/// The generator implements this interface only when the consuming compilation references this
/// assembly; it never references the runtime itself.
/// </summary>
/// <typeparam name="TSelf">The generated model type.</typeparam>
public interface IArmModel<TSelf> where TSelf : IArmModel<TSelf>
{
    /// <summary>Reads one instance from <paramref name="reader"/>, positioned on the value's first token.</summary>
    static abstract TSelf ReadJson(ref Utf8JsonReader reader);

    /// <summary>Writes this instance as one JSON value.</summary>
    void WriteJson(Utf8JsonWriter writer);
}
