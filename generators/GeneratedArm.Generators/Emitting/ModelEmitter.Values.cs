using System.Globalization;
using GeneratedArm.Generators.Model;

using static GeneratedArm.Generators.Emitting.CSharpText;

namespace GeneratedArm.Generators.Emitting;

/// <summary>C# types for schema types, and the statements that read and write one value.</summary>
internal static partial class ModelEmitter
{
    public static string TypeName(TypeRefModel type) => type.Kind switch
    {
        TypeRefKind.String => "string",
        TypeRefKind.Int32 => "int",
        TypeRefKind.Int64 => "long",
        TypeRefKind.Float => "float",
        TypeRefKind.Double => "double",
        TypeRefKind.Boolean => "bool",
        TypeRefKind.DateTime or TypeRefKind.DateTimeRfc1123 or TypeRefKind.Date or TypeRefKind.UnixTime => "global::System.DateTimeOffset",
        TypeRefKind.Duration => "global::System.TimeSpan",
        TypeRefKind.Uuid => "global::System.Guid",
        TypeRefKind.Bytes => "byte[]",
        TypeRefKind.Uri => "global::System.Uri",
        TypeRefKind.Any => Json + ".JsonElement",
        TypeRefKind.Array => $"global::System.Collections.Generic.IList<{TypeName(type.Element!)}>",
        TypeRefKind.Map => $"global::System.Collections.Generic.IDictionary<string, {TypeName(type.Element!)}>",
        _ => type.FullName!,
    };

    private static bool IsValueType(TypeRefModel type) => type.Kind switch
    {
        TypeRefKind.String or TypeRefKind.Bytes or TypeRefKind.Uri or TypeRefKind.Model or TypeRefKind.Array or TypeRefKind.Map => false,
        _ => true,
    };

    private static string ValueLiteral(TypeRefModel type, string value) => type.Kind switch
    {
        TypeRefKind.ExtensibleEnum => $"new {type.FullName}({Literal(value)})",
        TypeRefKind.FixedEnum => $"global::{type.FullName!.Substring("global::".Length)}Extensions.FromSerialString({Literal(value)})",
        _ => Literal(value),
    };

    /// <summary>Statements that read the value under the reader into <paramref name="target"/>.</summary>
    private static void EmitRead(SourceWriter w, TypeRefModel type, string target, int depth)
    {
        string d = depth.ToString(CultureInfo.InvariantCulture);
        switch (type.Kind)
        {
            case TypeRefKind.Array:
            {
                string element = TypeName(type.Element!);
                if (depth > 0)
                {
                    // At depth 0 the property's guard has checked the token already.
                    w.Line($"if (reader.TokenType != {TokenType}.StartArray)");
                    w.Open();
                    w.Line($"throw new {JsonException}(\"A JSON array was expected, not \" + reader.TokenType + \".\");");
                    w.Close();
                    w.Line();
                }

                w.Line($"var list{d} = new global::System.Collections.Generic.List<{element}>();");
                w.Open($"while (reader.Read() && reader.TokenType != {TokenType}.EndArray)");
                w.Line($"{element} item{d};");
                EmitElementRead(w, type.Element!, "item" + d, depth + 1);
                BlankAfterBlock(w, type.Element!);
                w.Line($"list{d}.Add(item{d});");
                w.Close();
                w.Line();
                w.Line($"{target} = list{d};");
                return;
            }

            case TypeRefKind.Map:
            {
                string element = TypeName(type.Element!);
                if (depth > 0)
                {
                    // At depth 0 the property's guard has checked the token already.
                    w.Line($"if (reader.TokenType != {TokenType}.StartObject)");
                    w.Open();
                    w.Line($"throw new {JsonException}(\"A JSON object was expected, not \" + reader.TokenType + \".\");");
                    w.Close();
                    w.Line();
                }

                w.Line($"var map{d} = new global::System.Collections.Generic.Dictionary<string, {element}>(global::System.StringComparer.Ordinal);");
                w.Open($"while (reader.Read() && reader.TokenType != {TokenType}.EndObject)");
                w.Line($"string key{d} = reader.GetString()!;");
                w.Line("reader.Read();");
                w.Line($"{element} value{d};");
                EmitElementRead(w, type.Element!, "value" + d, depth + 1);
                BlankAfterBlock(w, type.Element!);
                w.Line($"map{d}[key{d}] = value{d};");
                w.Close();
                w.Line();
                w.Line($"{target} = map{d};");
                return;
            }

            default:
                w.Line($"{target} = {ReadExpression(type)};");
                return;
        }
    }

    private static void BlankAfterBlock(SourceWriter w, TypeRefModel element)
    {
        if (!IsValueType(element) || element.Kind is TypeRefKind.Array or TypeRefKind.Map)
        {
            w.Line();
        }
    }

    /// <summary>
    /// A condition that is true when the token under the reader can become the property's type without an
    /// exception, and (for scalars) the value it then reads (an out variable of the guard), or null to emit
    /// <see cref="EmitRead"/>.
    /// </summary>
    private static (string? Guard, string? Value) Guard(TypeRefModel type, string name)
    {
        // Switch sections share one scope, so each property's out variable needs its own name.
        string parsed = "parsed" + name;
        const string IsString = "reader.TokenType == " + TokenType + ".String";
        const string IsNumber = "reader.TokenType == " + TokenType + ".Number";
        const string Dates = "global::System.Globalization.DateTimeStyles.AssumeUniversal";
        return type.Kind switch
        {
            TypeRefKind.String => (IsString, "reader.GetString()!"),
            TypeRefKind.Int32 => (IsNumber + $" && reader.TryGetInt32(out int {parsed})", parsed),
            TypeRefKind.Int64 => (IsNumber + $" && reader.TryGetInt64(out long {parsed})", parsed),
            TypeRefKind.Float => (IsNumber + $" && reader.TryGetSingle(out float {parsed})", parsed),
            TypeRefKind.Double => (IsNumber + $" && reader.TryGetDouble(out double {parsed})", parsed),
            TypeRefKind.UnixTime => (IsNumber + $" && reader.TryGetInt64(out long {parsed}) && {parsed} >= -62135596800L && {parsed} <= 253402300799L", $"global::System.DateTimeOffset.FromUnixTimeSeconds({parsed})"),
            TypeRefKind.Boolean => ($"reader.TokenType is {TokenType}.True or {TokenType}.False", "reader.GetBoolean()"),
            TypeRefKind.DateTime or TypeRefKind.DateTimeRfc1123 or TypeRefKind.Date => (IsString + $" && global::System.DateTimeOffset.TryParse(reader.GetString(), {Invariant}, {Dates}, out global::System.DateTimeOffset {parsed})", parsed),
            TypeRefKind.Uuid => (IsString + $" && global::System.Guid.TryParse(reader.GetString(), out global::System.Guid {parsed})", parsed),
            TypeRefKind.Bytes => (IsString + $" && reader.TryGetBytesFromBase64(out byte[]? {parsed})", parsed),
            TypeRefKind.Uri => (IsString + $" && global::System.Uri.TryCreate(reader.GetString(), global::System.UriKind.RelativeOrAbsolute, out global::System.Uri? {parsed})", parsed),
            TypeRefKind.Duration => (IsString + $" && TryParseDuration(reader.GetString(), out global::System.TimeSpan {parsed})", parsed),
            TypeRefKind.ExtensibleEnum => (IsString, $"new {type.FullName}(reader.GetString()!)"),
            TypeRefKind.FixedEnum => (IsString + $" && global::{type.FullName!.Substring("global::".Length)}Extensions.TryFromSerialString(reader.GetString()!, out {type.FullName} {parsed})", parsed),
            TypeRefKind.Model or TypeRefKind.Map => ($"reader.TokenType == {TokenType}.StartObject", null),
            TypeRefKind.Array => ($"reader.TokenType == {TokenType}.StartArray", null),
            _ => (null, null),
        };
    }

    private static bool UsesDuration(TypeSpec type)
    {
        foreach (PropertyModel property in type.Properties)
        {
            if (property.Type.Kind == TypeRefKind.Duration)
            {
                return true;
            }
        }

        return false;
    }

    private static void EmitElementRead(SourceWriter w, TypeRefModel element, string target, int depth)
    {
        if (!IsValueType(element))
        {
            // A null inside a collection is kept as null (and written back as null).
            w.Line($"if (reader.TokenType == {TokenType}.Null)");
            w.Open();
            w.Line($"{target} = null!;");
            w.Close();
            w.Line("else");
            w.Open();
            EmitRead(w, element, target, depth);
            w.Close();
        }
        else
        {
            EmitRead(w, element, target, depth);
        }
    }

    private static string ReadExpression(TypeRefModel type) => type.Kind switch
    {
        TypeRefKind.String => "reader.GetString()!",
        TypeRefKind.Int32 => "reader.GetInt32()",
        TypeRefKind.Int64 => "reader.GetInt64()",
        TypeRefKind.Float => "reader.GetSingle()",
        TypeRefKind.Double => "reader.GetDouble()",
        TypeRefKind.Boolean => "reader.GetBoolean()",
        TypeRefKind.DateTime or TypeRefKind.DateTimeRfc1123 or TypeRefKind.Date => $"global::System.DateTimeOffset.Parse(reader.GetString()!, {Invariant}, global::System.Globalization.DateTimeStyles.AssumeUniversal)",
        TypeRefKind.Duration => "global::System.Xml.XmlConvert.ToTimeSpan(reader.GetString()!)",
        TypeRefKind.Uuid => "global::System.Guid.Parse(reader.GetString()!)",
        TypeRefKind.Bytes => "reader.GetBytesFromBase64()",
        TypeRefKind.Uri => "new global::System.Uri(reader.GetString()!, global::System.UriKind.RelativeOrAbsolute)",
        TypeRefKind.UnixTime => "global::System.DateTimeOffset.FromUnixTimeSeconds(reader.GetInt64())",
        TypeRefKind.Any => Json + ".JsonElement.ParseValue(ref reader)",
        TypeRefKind.Model => $"{type.FullName}.ReadJson(ref reader)",
        TypeRefKind.ExtensibleEnum => $"{type.FullName}.ReadJson(ref reader)",
        TypeRefKind.FixedEnum => $"global::{type.FullName!.Substring("global::".Length)}Extensions.FromSerialString(reader.GetString()!)",
        _ => Json + ".JsonElement.ParseValue(ref reader)",
    };

    /// <summary>Statements that write <paramref name="value"/> (not null) as one JSON value.</summary>
    /// <param name="encodedName">
    /// A precomputed <c>JsonEncodedText</c> property name the value's start is written with in one call
    /// (its name already written when null).
    /// </param>
    private static void EmitWrite(SourceWriter w, TypeRefModel type, string value, int depth, string? encodedName = null)
    {
        string d = depth.ToString(CultureInfo.InvariantCulture);
        switch (type.Kind)
        {
            case TypeRefKind.Model when encodedName is not null:
                w.Line($"{value}.WriteJsonObject(writer, {encodedName}, mode);");
                return;
            case TypeRefKind.Array:
            {
                w.Line(encodedName is null ? "writer.WriteStartArray();" : $"writer.WriteStartArray({encodedName});");
                if (IsCollection(type.Element!))
                {
                    w.Open($"foreach (var item{d} in {value})");
                    EmitElementWrite(w, type.Element!, "item" + d, depth + 1);
                    w.Close();
                }
                else
                {
                    // The concrete list reading creates is enumerated without boxing its enumerator; any other list as before.
                    w.Line($"if ({value} is global::System.Collections.Generic.List<{TypeName(type.Element!)}> list{d})");
                    w.Open();
                    w.Open($"foreach (var item{d} in list{d})");
                    EmitElementWrite(w, type.Element!, "item" + d, depth + 1);
                    w.Close();
                    w.Close();
                    w.Line("else");
                    w.Open();
                    w.Open($"foreach (var item{d} in {value})");
                    EmitElementWrite(w, type.Element!, "item" + d, depth + 1);
                    w.Close();
                    w.Close();
                }

                w.Line();
                w.Line("writer.WriteEndArray();");
                return;
            }

            case TypeRefKind.Map:
            {
                w.Line(encodedName is null ? "writer.WriteStartObject();" : $"writer.WriteStartObject({encodedName});");
                if (IsCollection(type.Element!))
                {
                    w.Open($"foreach (var pair{d} in {value})");
                    w.Line($"writer.WritePropertyName(pair{d}.Key);");
                    EmitElementWrite(w, type.Element!, $"pair{d}.Value", depth + 1);
                    w.Close();
                }
                else
                {
                    // The concrete dictionary reading creates is enumerated without boxing its enumerator; any other map as before.
                    w.Line($"if ({value} is global::System.Collections.Generic.Dictionary<string, {TypeName(type.Element!)}> map{d})");
                    w.Open();
                    w.Open($"foreach (var pair{d} in map{d})");
                    EmitEntryWrite(w, type.Element!, $"pair{d}", depth + 1);
                    w.Close();
                    w.Close();
                    w.Line("else");
                    w.Open();
                    w.Open($"foreach (var pair{d} in {value})");
                    EmitEntryWrite(w, type.Element!, $"pair{d}", depth + 1);
                    w.Close();
                    w.Close();
                }

                w.Line();
                w.Line("writer.WriteEndObject();");
                return;
            }

            default:
                if (encodedName is not null)
                {
                    w.Line($"writer.WritePropertyName({encodedName});");
                }

                w.Line(WriteStatement(type, value));
                return;
        }
    }

    private static void EmitElementWrite(SourceWriter w, TypeRefModel element, string value, int depth)
    {
        if (element.Kind == TypeRefKind.String)
        {
            // The writer writes a null string as JSON null itself.
            w.Line($"writer.WriteStringValue({value});");
            return;
        }

        if (!IsValueType(element))
        {
            w.Line($"if ({value} is null)");
            w.Open();
            w.Line("writer.WriteNullValue();");
            w.Close();
            w.Line("else");
            w.Open();
            EmitWrite(w, element, value, depth);
            w.Close();
        }
        else
        {
            EmitWrite(w, element, value, depth);
        }
    }

    /// <summary>Statements that write one map entry: its key as the name, then its value.</summary>
    private static void EmitEntryWrite(SourceWriter w, TypeRefModel element, string pair, int depth)
    {
        if (element.Kind == TypeRefKind.String)
        {
            // Name and value in one call; the writer writes a null string as JSON null itself.
            w.Line($"writer.WriteString({pair}.Key, {pair}.Value);");
            return;
        }

        w.Line($"writer.WritePropertyName({pair}.Key);");
        EmitElementWrite(w, element, $"{pair}.Value", depth);
    }

    private static bool IsCollection(TypeRefModel type) => type.Kind is TypeRefKind.Array or TypeRefKind.Map;

    /// <summary>
    /// One statement that writes a property's name and its (not null) value together, as the writer's combined
    /// methods do (one validation, one flush check), or null when the value needs its own statements.
    /// </summary>
    private static string? WriteWithNameStatement(TypeRefModel type, string name, string value) => type.Kind switch
    {
        TypeRefKind.String or TypeRefKind.Uuid => $"writer.WriteString({name}, {value});",
        TypeRefKind.DateTime => $"if ({value}.Offset == global::System.TimeSpan.Zero) {{ writer.WriteString({name}, {value}.UtcDateTime); }} else {{ writer.WriteString({name}, {value}); }}",
        TypeRefKind.Int32 or TypeRefKind.Int64 or TypeRefKind.Float or TypeRefKind.Double => $"writer.WriteNumber({name}, {value});",
        TypeRefKind.Boolean => $"writer.WriteBoolean({name}, {value});",
        _ => null,
    };

    private static string WriteStatement(TypeRefModel type, string value) => type.Kind switch
    {
        TypeRefKind.String or TypeRefKind.Uuid => $"writer.WriteStringValue({value});",

        // UTC is written with 'Z' (as ARM writes it and as it was read), not '+00:00': a read-write round trip keeps the spelling.
        TypeRefKind.DateTime => $"if ({value}.Offset == global::System.TimeSpan.Zero) {{ writer.WriteStringValue({value}.UtcDateTime); }} else {{ writer.WriteStringValue({value}); }}",
        TypeRefKind.Int32 or TypeRefKind.Int64 or TypeRefKind.Float or TypeRefKind.Double => $"writer.WriteNumberValue({value});",
        TypeRefKind.Boolean => $"writer.WriteBooleanValue({value});",
        TypeRefKind.DateTimeRfc1123 => $"writer.WriteStringValue({value}.ToString(\"R\", {Invariant}));",
        TypeRefKind.Date => $"writer.WriteStringValue({value}.ToString(\"yyyy-MM-dd\", {Invariant}));",
        TypeRefKind.Duration => $"writer.WriteStringValue(global::System.Xml.XmlConvert.ToString({value}));",
        TypeRefKind.Bytes => $"writer.WriteBase64StringValue({value});",
        TypeRefKind.Uri => $"writer.WriteStringValue({value}.OriginalString);",
        TypeRefKind.UnixTime => $"writer.WriteNumberValue({value}.ToUnixTimeSeconds());",
        TypeRefKind.Any => $"{value}.WriteTo(writer);",
        TypeRefKind.Model => $"{value}.WriteJsonObject(writer, mode);",
        TypeRefKind.ExtensibleEnum => $"writer.WriteStringValue({value}.ToString());",
        TypeRefKind.FixedEnum => $"writer.WriteStringValue(global::{type.FullName!.Substring("global::".Length)}Extensions.ToSerialString({value}));",
        _ => $"{value}.WriteTo(writer);",
    };
}
