using System.Text.Json;

namespace GeneratedArm;

/// <summary>
/// ARM's error object: <c>{"error":{"code","message","target","details":[…],"additionalInfo":[{"type","info"}]}}</c>
/// (the Resource Manager RPC "Error Response Content").
/// </summary>
public sealed class ArmError
{
    private static readonly IReadOnlyList<ArmError> NoDetails = [];
    private static readonly IReadOnlyList<ArmErrorAdditionalInfo> NoAdditionalInfo = [];

    /// <summary>Creates an error.</summary>
    /// <param name="code">The unlocalized error code, e.g. <c>AuthorizationFailed</c>.</param>
    /// <param name="message">The human-readable message.</param>
    /// <param name="target">What the error is about, if the service said.</param>
    /// <param name="details">Nested errors.</param>
    /// <param name="additionalInfo">Typed extra information.</param>
    public ArmError(string? code, string? message, string? target = null, IReadOnlyList<ArmError>? details = null, IReadOnlyList<ArmErrorAdditionalInfo>? additionalInfo = null)
    {
        Code = code;
        Message = message;
        Target = target;
        Details = details ?? NoDetails;
        AdditionalInfo = additionalInfo ?? NoAdditionalInfo;
    }

    /// <summary>The unlocalized error code, e.g. <c>ResourceGroupNotFound</c>.</summary>
    public string? Code { get; }

    /// <summary>The human-readable message.</summary>
    public string? Message { get; }

    /// <summary>What the error is about, if the service said.</summary>
    public string? Target { get; }

    /// <summary>Nested errors (same shape).</summary>
    public IReadOnlyList<ArmError> Details { get; }

    /// <summary>Typed extra information, e.g. a <c>PolicyViolation</c>.</summary>
    public IReadOnlyList<ArmErrorAdditionalInfo> AdditionalInfo { get; }

    /// <inheritdoc />
    public override string ToString() => Target is null ? $"{Code}: {Message}" : $"{Code}: {Message} (target '{Target}')";

    /// <summary>
    /// Reads ARM's envelope (<c>{"error":{…}}</c>), or a bare error object (<c>{"code":…,"message":…}</c>, which
    /// some resource providers send). Returns <see langword="null"/> for anything else.
    /// </summary>
    internal static ArmError? TryParseEnvelope(ReadOnlySpan<byte> body)
    {
        if (body.IsEmpty)
        {
            return null;
        }

        try
        {
            var reader = new Utf8JsonReader(body);
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            {
                return null;
            }

            // Look for "error" first; otherwise the top-level object itself might be the error.
            var probe = reader;
            while (probe.Read() && probe.TokenType == JsonTokenType.PropertyName)
            {
                if (probe.ValueTextEquals("error"u8) || probe.ValueTextEquals("Error"u8))
                {
                    probe.Read();
                    return probe.TokenType == JsonTokenType.StartObject ? ReadError(ref probe) : null;
                }

                probe.Read();
                probe.Skip();
            }

            var bare = ReadError(ref reader);
            return bare.Code is null ? null : bare;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    /// <summary>Reads one error object; the reader is on its <c>{</c> and is left on its <c>}</c>.</summary>
    private static ArmError ReadError(ref Utf8JsonReader reader)
    {
        string? code = null, message = null, target = null;
        List<ArmError>? details = null;
        List<ArmErrorAdditionalInfo>? additionalInfo = null;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            if (reader.ValueTextEquals("code"u8))
            {
                reader.Read();
                code = ReadText(ref reader);
            }
            else if (reader.ValueTextEquals("message"u8))
            {
                reader.Read();
                message = ReadText(ref reader);
            }
            else if (reader.ValueTextEquals("target"u8))
            {
                reader.Read();
                target = ReadText(ref reader);
            }
            else if (reader.ValueTextEquals("details"u8))
            {
                reader.Read();
                if (reader.TokenType == JsonTokenType.StartArray)
                {
                    details = [];
                    while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
                    {
                        if (reader.TokenType == JsonTokenType.StartObject)
                        {
                            details.Add(ReadError(ref reader));
                        }
                        else
                        {
                            reader.Skip();
                        }
                    }
                }
                else
                {
                    reader.Skip();
                }
            }
            else if (reader.ValueTextEquals("additionalInfo"u8))
            {
                reader.Read();
                if (reader.TokenType == JsonTokenType.StartArray)
                {
                    additionalInfo = [];
                    while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
                    {
                        if (reader.TokenType == JsonTokenType.StartObject)
                        {
                            additionalInfo.Add(ArmErrorAdditionalInfo.Read(ref reader));
                        }
                        else
                        {
                            reader.Skip();
                        }
                    }
                }
                else
                {
                    reader.Skip();
                }
            }
            else
            {
                reader.Read();
                reader.Skip();
            }
        }

        return new ArmError(code, message, target, details, additionalInfo);
    }

    private static string? ReadText(ref Utf8JsonReader reader)
    {
        switch (reader.TokenType)
        {
            case JsonTokenType.String:
                return reader.GetString();
            case JsonTokenType.Null:
                return null;
            case JsonTokenType.StartObject:
            case JsonTokenType.StartArray:
                using (var document = JsonDocument.ParseValue(ref reader))
                {
                    return document.RootElement.GetRawText();
                }

            default:
                return System.Text.Encoding.UTF8.GetString(reader.HasValueSequence ? System.Buffers.BuffersExtensions.ToArray(reader.ValueSequence) : reader.ValueSpan);
        }
    }
}

/// <summary>One <c>additionalInfo</c> entry of an ARM error: a <c>type</c> and a free-form <c>info</c> object.</summary>
public sealed class ArmErrorAdditionalInfo
{
    /// <summary>Creates an entry.</summary>
    /// <param name="type">The kind of information, e.g. <c>PolicyViolation</c>.</param>
    /// <param name="info">The information, as JSON.</param>
    public ArmErrorAdditionalInfo(string? type, JsonElement info)
    {
        Type = type;
        Info = info;
    }

    /// <summary>The kind of information, e.g. <c>PolicyViolation</c>.</summary>
    public string? Type { get; }

    /// <summary>The information, as a JSON value that outlives the response (undefined when absent).</summary>
    public JsonElement Info { get; }

    /// <inheritdoc />
    public override string ToString() => Info.ValueKind == JsonValueKind.Undefined ? $"{Type}" : $"{Type}: {Info.GetRawText()}";

    internal static ArmErrorAdditionalInfo Read(ref Utf8JsonReader reader)
    {
        string? type = null;
        JsonElement info = default;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            if (reader.ValueTextEquals("type"u8))
            {
                reader.Read();
                type = reader.TokenType == JsonTokenType.String ? reader.GetString() : null;
                if (reader.TokenType is JsonTokenType.StartObject or JsonTokenType.StartArray)
                {
                    reader.Skip();
                }
            }
            else if (reader.ValueTextEquals("info"u8))
            {
                reader.Read();
                info = JsonElement.ParseValue(ref reader);
            }
            else
            {
                reader.Read();
                reader.Skip();
            }
        }

        return new ArmErrorAdditionalInfo(type, info);
    }
}
