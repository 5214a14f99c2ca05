using System.Text.Json;
using GeneratedArm.Serialization;

namespace GeneratedArm.Tests.Infrastructure;

/// <summary>A hand-written model standing in for the generator's output.</summary>
public sealed class TestResourceGroup : IArmModel<TestResourceGroup>
{
    public string? Id { get; set; }

    public string? Name { get; set; }

    public string? Location { get; set; }

    public string? ProvisioningState { get; set; }

    public static TestResourceGroup ReadJson(ref Utf8JsonReader reader)
    {
        if (reader.TokenType != JsonTokenType.StartObject)
        {
            throw new JsonException("Expected an object.");
        }

        var model = new TestResourceGroup();
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            if (reader.ValueTextEquals("id"u8))
            {
                reader.Read();
                model.Id = reader.GetString();
            }
            else if (reader.ValueTextEquals("name"u8))
            {
                reader.Read();
                model.Name = reader.GetString();
            }
            else if (reader.ValueTextEquals("location"u8))
            {
                reader.Read();
                model.Location = reader.GetString();
            }
            else if (reader.ValueTextEquals("properties"u8))
            {
                reader.Read();
                while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
                {
                    var isState = reader.ValueTextEquals("provisioningState"u8);
                    reader.Read();
                    if (isState)
                    {
                        model.ProvisioningState = reader.GetString();
                    }
                    else
                    {
                        reader.Skip();
                    }
                }
            }
            else
            {
                reader.Read();
                reader.Skip();
            }
        }

        return model;
    }

    public void WriteJson(Utf8JsonWriter writer)
    {
        writer.WriteStartObject();
        if (Location is not null)
        {
            writer.WriteString("location"u8, Location);
        }

        writer.WriteEndObject();
    }
}
