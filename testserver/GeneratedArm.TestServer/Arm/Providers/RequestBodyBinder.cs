using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace GeneratedArm.TestServer.Arm.ProviderSpecs;

/// <summary>One thing wrong with a request body: the JSON path of the property (ARM's <c>target</c>) and what is wrong.</summary>
internal sealed record BodyError(string Target, string Message);

/// <summary>
/// Checks a request body against a resource definition — types, formats, <c>required</c>, non-extensible enums, bounds, nesting,
/// discriminated subtypes — and returns what a provider would store: read-only properties the client sent are dropped (RPC:
/// read-only properties in a PUT are ignored), as are properties the definition does not know (providers deserialize into their
/// model). Paths are written as ARM's deserializer writes them: <c>properties.audiences[0]</c>.
/// </summary>
internal static class RequestBodyBinder
{
    public static (JsonObject? Stored, IReadOnlyList<BodyError> Errors) Bind(JsonElement body, SpecSchema schema)
    {
        var errors = new List<BodyError>();
        var stored = BindValue(body, schema, "", errors, depth: 0);
        return (errors.Count == 0 ? stored as JsonObject ?? new JsonObject() : null, errors);
    }

    private static JsonNode? BindValue(JsonElement value, SpecSchema schema, string path, List<BodyError> errors, int depth)
    {
        if (depth > 64)
        {
            errors.Add(new(path, "The value is nested too deeply."));
            return null;
        }
        if (value.ValueKind == JsonValueKind.Null) return null;
        if (schema.Discriminator is not null && schema.Subtypes.Count > 0 && value.ValueKind == JsonValueKind.Object)
        {
            string kindPath = Join(path, schema.Discriminator);
            if (value.TryGetProperty(schema.Discriminator, out var kind) && kind.ValueKind == JsonValueKind.String)
            {
                string k = kind.GetString()!;
                if (schema.Subtypes.TryGetValue(k, out var subtype)) return BindObject(value, subtype, path, errors, depth);
                if (k != schema.DiscriminatorValue)
                {
                    var allowed = schema.Subtypes.Keys.Order(StringComparer.Ordinal);
                    errors.Add(new(kindPath, $"The value '{k}' of '{kindPath}' is not one of the allowed values '{string.Join("', '", allowed)}'."));
                    return null;
                }
            }
            else if (value.TryGetProperty(schema.Discriminator, out var wrong) && wrong.ValueKind != JsonValueKind.Null)
            {
                errors.Add(new(kindPath, $"The property '{kindPath}' must be a string, not {Describe(wrong)}."));
                return null;
            }
        }
        if (schema.IsObject) return value.ValueKind == JsonValueKind.Object ? BindObject(value, schema, path, errors, depth) : Mismatch(value, "an object", path, errors);
        switch (schema.Type)
        {
            case "array":
                if (value.ValueKind != JsonValueKind.Array) return Mismatch(value, "an array", path, errors);
                int count = value.GetArrayLength();
                if (schema.MinItems is { } minItems && count < minItems) errors.Add(new(path, $"The array '{path}' has {count} items; at least {minItems} are required."));
                if (schema.MaxItems is { } maxItems && count > maxItems) errors.Add(new(path, $"The array '{path}' has {count} items; at most {maxItems} are allowed."));
                var array = new JsonArray();
                int i = 0;
                foreach (var item in value.EnumerateArray())
                {
                    string itemPath = path + "[" + (i++).ToString(CultureInfo.InvariantCulture) + "]";
                    array.Add(schema.Items is null ? JsonNode.Parse(item.GetRawText()) : BindValue(item, schema.Items, itemPath, errors, depth + 1));
                }
                return array;
            case "string":
                if (value.ValueKind != JsonValueKind.String) return Mismatch(value, "a string", path, errors);
                CheckString(value.GetString()!, schema, path, errors);
                return JsonValue.Create(value.GetString());
            case "integer":
                if (value.ValueKind != JsonValueKind.Number || !value.TryGetInt64(out long integer)) return Mismatch(value, "an integer", path, errors);
                if (schema.Format == "int32" && integer is < int.MinValue or > int.MaxValue) errors.Add(new(path, $"The value {integer} of '{path}' is out of range for a 32-bit integer."));
                CheckNumber(integer, schema, path, errors);
                return JsonNode.Parse(value.GetRawText());
            case "number":
                if (value.ValueKind != JsonValueKind.Number) return Mismatch(value, "a number", path, errors);
                if (value.TryGetDecimal(out decimal number)) CheckNumber(number, schema, path, errors);
                return JsonNode.Parse(value.GetRawText());
            case "boolean":
                return value.ValueKind is JsonValueKind.True or JsonValueKind.False ? JsonValue.Create(value.GetBoolean()) : Mismatch(value, "a boolean", path, errors);
            default:
                if (schema.Enum is not null && value.ValueKind == JsonValueKind.String) CheckString(value.GetString()!, schema, path, errors);
                return JsonNode.Parse(value.GetRawText());
        }
    }

    private static JsonObject BindObject(JsonElement value, SpecSchema schema, string path, List<BodyError> errors, int depth)
    {
        // A free-form object ({"type":"object"} without properties) keeps whatever it is given.
        if (schema.Properties.Count == 0 && schema.AdditionalProperties is null) return JsonNode.Parse(value.GetRawText())!.AsObject();
        var result = new JsonObject();
        foreach (string required in schema.Required.Order(StringComparer.Ordinal))
        {
            var property = schema.Property(required);
            if (property is { ReadOnly: true }) continue;
            if (!value.TryGetProperty(required, out var present) || present.ValueKind == JsonValueKind.Null)
                errors.Add(new(Join(path, required), $"The property '{Join(path, required)}' is required."));
        }
        foreach (var p in value.EnumerateObject())
        {
            var property = schema.Property(p.Name);
            if (property is null)
            {
                // A map (additionalProperties) keeps every entry; a model keeps only what it defines.
                if (schema.AdditionalProperties is { } values) result[p.Name] = BindValue(p.Value, values, Join(path, p.Name), errors, depth + 1);
                continue;
            }
            if (property.ReadOnly) continue;
            if (p.Value.ValueKind == JsonValueKind.Null && !property.Nullable) continue;
            result[p.Name] = BindValue(p.Value, property, Join(path, p.Name), errors, depth + 1);
        }
        return result;
    }

    private static void CheckString(string text, SpecSchema schema, string path, List<BodyError> errors)
    {
        if (schema.Enum is { } allowed && !schema.EnumExtensible && !allowed.Contains(text, StringComparer.OrdinalIgnoreCase))
            errors.Add(new(path, $"The value '{text}' of '{path}' is not one of the allowed values '{string.Join("', '", allowed)}'."));
        if (schema.MinLength is { } min && text.Length < min) errors.Add(new(path, $"The value of '{path}' is {text.Length} characters long; at least {min} are required."));
        if (schema.MaxLength is { } max && text.Length > max) errors.Add(new(path, $"The value of '{path}' is {text.Length} characters long; at most {max} are allowed."));
        if (schema.Pattern is { } pattern && !MatchesPattern(text, pattern)) errors.Add(new(path, $"The value '{text}' of '{path}' does not match the pattern '{pattern}'."));
        string? formatError = schema.Format switch
        {
            "uuid" when !Guid.TryParseExact(text, "D", out _) => "a UUID such as 00000000-0000-0000-0000-000000000000",
            "date-time" when !DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind, out _) => "an ISO 8601 date-time",
            "date" when !DateOnly.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out DateOnly _) => "a date (yyyy-MM-dd)",
            "uri" when !Uri.TryCreate(text, UriKind.Absolute, out _) => "an absolute URI",
            "duration" when !IsDuration(text) => "an ISO 8601 duration such as PT1H",
            "arm-id" when !text.StartsWith('/') => "an ARM resource id starting with '/'",
            _ => null,
        };
        if (formatError is not null) errors.Add(new(path, $"The value '{text}' of '{path}' is not {formatError}."));
    }

    private static void CheckNumber(decimal number, SpecSchema schema, string path, List<BodyError> errors)
    {
        if (schema.Minimum is { } min && number < min) errors.Add(new(path, $"The value {number.ToString(CultureInfo.InvariantCulture)} of '{path}' is less than the minimum {min.ToString(CultureInfo.InvariantCulture)}."));
        if (schema.Maximum is { } max && number > max) errors.Add(new(path, $"The value {number.ToString(CultureInfo.InvariantCulture)} of '{path}' is greater than the maximum {max.ToString(CultureInfo.InvariantCulture)}."));
    }

    /// <summary>Spec patterns are ECMA-262; .NET's ECMAScript-compatible mode covers what ARM specs use. A pattern .NET cannot read is not enforced.</summary>
    private static bool MatchesPattern(string text, string pattern)
    {
        try { return Regex.IsMatch(text, pattern, RegexOptions.CultureInvariant, TimeSpan.FromMilliseconds(200)); }
        catch (ArgumentException) { return true; }
        catch (RegexMatchTimeoutException) { return true; }
    }

    private static bool IsDuration(string text)
    {
        try
        {
            System.Xml.XmlConvert.ToTimeSpan(text);
            return true;
        }
        catch (FormatException) { return false; }
        catch (OverflowException) { return true; }
    }

    private static JsonNode? Mismatch(JsonElement value, string expected, string path, List<BodyError> errors)
    {
        string shown = path.Length == 0 ? "the request body" : $"'{path}'";
        errors.Add(new(path, $"The value of {shown} must be {expected}, not {Describe(value)}."));
        return null;
    }

    private static string Describe(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.String => "a string",
        JsonValueKind.Number => "a number",
        JsonValueKind.True or JsonValueKind.False => "a boolean",
        JsonValueKind.Array => "an array",
        JsonValueKind.Object => "an object",
        _ => "null",
    };

    private static string Join(string path, string name) => path.Length == 0 ? name : path + "." + name;
}
