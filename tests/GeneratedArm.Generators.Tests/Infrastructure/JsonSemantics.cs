using System.Globalization;
using System.Text.Json.Nodes;
using System.Xml;

namespace GeneratedArm.Generators.Tests.Infrastructure;

/// <summary>
/// Semantic JSON equality for round-trip checks: property order is ignored, numbers compare by value,
/// and strings that both read as date-times compare as instants (as do GUIDs and ISO 8601 durations by value).
/// </summary>
internal static class JsonSemantics
{
    /// <summary>Null when equal; otherwise the JSON pointer and a description of the first difference.</summary>
    public static string? FindDifference(JsonNode? expected, JsonNode? actual, string pointer = "")
    {
        switch (expected)
        {
            case null:
                return actual is null ? null : $"{pointer}: expected null, got {actual.ToJsonString()}";
            case JsonObject expectedObject:
            {
                if (actual is not JsonObject actualObject)
                {
                    return $"{pointer}: expected an object, got {Show(actual)}";
                }

                foreach ((string key, JsonNode? value) in expectedObject)
                {
                    if (!actualObject.TryGetPropertyValue(key, out JsonNode? other))
                    {
                        return $"{pointer}/{key}: missing after the round trip";
                    }

                    if (FindDifference(value, other, pointer + "/" + key) is { } difference)
                    {
                        return difference;
                    }
                }

                foreach ((string key, _) in actualObject)
                {
                    if (!expectedObject.ContainsKey(key))
                    {
                        return $"{pointer}/{key}: added by the round trip";
                    }
                }

                return null;
            }

            case JsonArray expectedArray:
            {
                if (actual is not JsonArray actualArray)
                {
                    return $"{pointer}: expected an array, got {Show(actual)}";
                }

                if (expectedArray.Count != actualArray.Count)
                {
                    return $"{pointer}: expected {expectedArray.Count} items, got {actualArray.Count}";
                }

                for (int i = 0; i < expectedArray.Count; i++)
                {
                    if (FindDifference(expectedArray[i], actualArray[i], pointer + "/" + i.ToString(CultureInfo.InvariantCulture)) is { } difference)
                    {
                        return difference;
                    }
                }

                return null;
            }

            default:
                return ValuesEqual((JsonValue)expected, actual as JsonValue) ? null : $"{pointer}: expected {expected.ToJsonString()}, got {Show(actual)}";
        }
    }

    private static string Show(JsonNode? node) => node?.ToJsonString() ?? "null";

    private static bool ValuesEqual(JsonValue expected, JsonValue? actual)
    {
        if (actual is null)
        {
            return false;
        }

        System.Text.Json.JsonValueKind kind = expected.GetValueKind();
        if (kind != actual.GetValueKind())
        {
            return false;
        }

        switch (kind)
        {
            case System.Text.Json.JsonValueKind.Number:
            {
                string a = expected.ToJsonString(), b = actual.ToJsonString();
                if (decimal.TryParse(a, NumberStyles.Float, CultureInfo.InvariantCulture, out decimal x) && decimal.TryParse(b, NumberStyles.Float, CultureInfo.InvariantCulture, out decimal y))
                {
                    return x == y || (double)x == (double)y;
                }

                return double.Parse(a, CultureInfo.InvariantCulture).Equals(double.Parse(b, CultureInfo.InvariantCulture));
            }

            case System.Text.Json.JsonValueKind.String:
            {
                string a = expected.GetValue<string>(), b = actual.GetValue<string>();
                if (a == b)
                {
                    return true;
                }

                if (LooksLikeDate(a) && DateTimeOffset.TryParse(a, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out DateTimeOffset d1)
                    && DateTimeOffset.TryParse(b, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out DateTimeOffset d2))
                {
                    return d1 == d2;
                }

                if (Guid.TryParse(a, out Guid g1) && Guid.TryParse(b, out Guid g2))
                {
                    return g1 == g2;
                }

                if (a.StartsWith('P') && b.StartsWith('P') && TryDuration(a, out TimeSpan t1) && TryDuration(b, out TimeSpan t2))
                {
                    return t1 == t2;
                }

                return false;
            }

            default:
                return expected.ToJsonString() == actual.ToJsonString();
        }
    }

    private static bool LooksLikeDate(string value) => value.Length >= 8 && char.IsDigit(value[0]) || value.Contains("GMT", StringComparison.Ordinal);

    private static bool TryDuration(string value, out TimeSpan result)
    {
        try
        {
            result = XmlConvert.ToTimeSpan(value);
            return true;
        }
        catch (FormatException)
        {
            result = default;
            return false;
        }
    }
}
