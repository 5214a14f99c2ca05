using System.Globalization;
using GeneratedArm.Generators.Model;

using static GeneratedArm.Generators.Emitting.CSharpText;

namespace GeneratedArm.Generators.Emitting;

/// <summary>Extensible enums (readonly structs) and fixed enums (C# enums plus conversions).</summary>
internal static partial class ModelEmitter
{
    private static void EmitExtensibleEnum(SourceWriter w, TypeSpec type, bool implementArmModel)
    {
        string self = type.FullName;
        Summary(w, (type.Description ?? $"The {type.Name} values.") + " An extensible enum: values this version does not list are kept as they are.");
        w.Line(GeneratedCode);
        w.Line($"[{Json}.Serialization.JsonConverter(typeof({self}.GeneratedJsonConverter))]");
        w.Line($"public readonly partial struct {type.Name} : global::System.IEquatable<{self}>{(implementArmModel ? $", global::GeneratedArm.Serialization.IArmModel<{self}>" : string.Empty)}");
        w.Open();
        w.Line("private readonly string? _value;");
        w.Line();
        w.Line($"/// <summary>Creates a {type.Name} from its JSON value (any string, listed or not).</summary>");
        w.Open($"public {type.Name}(string value)");
        w.Line("_value = value ?? throw new global::System.ArgumentNullException(nameof(value));");
        w.Close();
        w.Line();
        foreach (EnumValueSpec value in EnumMembers(type))
        {
            Summary(w, value.Description ?? ("The value " + Literal(value.Value) + "."));
            w.Line($"public static {self} {value.Name} {{ get; }} = new {self}({Literal(value.Value)});");
            w.Line();
        }

        w.Line("/// <summary>Compares two values ignoring case, as the service does.</summary>");
        w.Line($"public static bool operator ==({self} left, {self} right) => left.Equals(right);");
        w.Line();
        w.Line("/// <summary>Compares two values ignoring case, as the service does.</summary>");
        w.Line($"public static bool operator !=({self} left, {self} right) => !left.Equals(right);");
        w.Line();
        w.Line("/// <summary>Converts a string to a value.</summary>");
        w.Line($"public static implicit operator {self}(string value) => new {self}(value);");
        w.Line();
        w.Line("/// <inheritdoc/>");
        w.Line($"public bool Equals({self} other) => string.Equals(_value, other._value, global::System.StringComparison.OrdinalIgnoreCase);");
        w.Line();
        w.Line("/// <inheritdoc/>");
        w.Line($"public override bool Equals(object? obj) => obj is {self} other && Equals(other);");
        w.Line();
        w.Line("/// <inheritdoc/>");
        w.Line("public override int GetHashCode() => _value is null ? 0 : global::System.StringComparer.OrdinalIgnoreCase.GetHashCode(_value);");
        w.Line();
        w.Line("/// <summary>The JSON value, exactly as read or created.</summary>");
        w.Line("public override string ToString() => _value ?? string.Empty;");
        w.Line();
        w.Line("/// <summary>Reads the value from a JSON string.</summary>");
        w.Open($"public static {self} ReadJson(ref {Reader} reader)");
        w.Line($"if (reader.TokenType != {TokenType}.String)");
        w.Open();
        w.Line($"throw new {JsonException}(\"A JSON string was expected for {type.Name}, not \" + reader.TokenType + \".\");");
        w.Close();
        w.Line();
        w.Line($"return new {self}(reader.GetString()!);");
        w.Close();
        w.Line();
        w.Line("/// <summary>Writes the value as a JSON string.</summary>");
        w.Line($"public void WriteJson({Writer} writer) => writer.WriteStringValue(_value ?? string.Empty);");
        w.Line();
        EmitConverter(w, $"Lets <see cref=\"{Json}.JsonSerializer\"/> use the generated reader and writer.", self, string.Empty, $"{self}.ReadJson(ref reader)", "value.WriteJson(writer)");
        w.Close();
    }

    private static System.Collections.Generic.IEnumerable<EnumValueSpec> EnumMembers(TypeSpec type)
    {
        // Member names must not clash with the type's own name or its generated members.
        var used = new System.Collections.Generic.HashSet<string>(System.StringComparer.Ordinal)
        {
            type.Name, "Equals", "GetHashCode", "ToString", "GetType", "ReadJson", "WriteJson", "GeneratedJsonConverter", "MemberwiseClone", "Finalize",
        };
        foreach (EnumValueSpec value in type.EnumValues)
        {
            string name = value.Name;
            for (int i = 2; !used.Add(name); i++)
            {
                name = value.Name + "Value" + (i == 2 ? string.Empty : i.ToString(CultureInfo.InvariantCulture));
            }

            yield return value with { Name = name };
        }
    }

    private static void EmitFixedEnum(SourceWriter w, TypeSpec type)
    {
        string self = type.FullName;
        string extensions = "global::" + type.Namespace + "." + type.Name + "Extensions";
        Summary(w, type.Description ?? $"The {type.Name} values.");
        w.Line(GeneratedCode);
        w.Line($"[{Json}.Serialization.JsonConverter(typeof({extensions}.GeneratedJsonConverter))]");
        w.Line($"public enum {type.Name}");
        w.Open();
        foreach (EnumValueSpec value in EnumMembers(type))
        {
            Summary(w, value.Description ?? ("The value " + Literal(value.Value) + "."));
            w.Line(value.Name + ",");
        }

        w.Close();
        w.Line();
        w.Line($"/// <summary>Converts <see cref=\"{type.Name}\"/> to and from its JSON values.</summary>");
        w.Line(GeneratedCode);
        w.Line($"public static partial class {type.Name}Extensions");
        w.Open();
        w.Line("/// <summary>The JSON value of <paramref name=\"value\"/>.</summary>");
        w.Open($"public static string ToSerialString(this {self} value) => value switch");
        foreach (EnumValueSpec value in EnumMembers(type))
        {
            w.Line($"{self}.{value.Name} => {Literal(value.Value)},");
        }

        w.Line($"_ => throw new global::System.ArgumentOutOfRangeException(nameof(value), value, \"Not a {type.Name} value.\"),");
        w.Close(";");
        w.Line();
        w.Line($"/// <summary>The {type.Name} whose JSON value is <paramref name=\"value\"/> (ignoring case).</summary>");
        w.Open($"public static {self} FromSerialString(string value)");
        foreach (EnumValueSpec value in EnumMembers(type))
        {
            w.Line($"if (string.Equals(value, {Literal(value.Value)}, global::System.StringComparison.OrdinalIgnoreCase))");
            w.Open();
            w.Line($"return {self}.{value.Name};");
            w.Close();
            w.Line();
        }

        w.Line($"throw new {JsonException}(\"'\" + value + \"' is not a {type.Name} value.\");");
        w.Close();
        w.Line();
        w.Line($"/// <summary>Finds the {type.Name} whose JSON value is <paramref name=\"value\"/> (ignoring case); false when there is none.</summary>");
        w.Open($"public static bool TryFromSerialString(string value, out {self} result)");
        foreach (EnumValueSpec value in EnumMembers(type))
        {
            w.Line($"if (string.Equals(value, {Literal(value.Value)}, global::System.StringComparison.OrdinalIgnoreCase))");
            w.Open();
            w.Line($"result = {self}.{value.Name};");
            w.Line("return true;");
            w.Close();
            w.Line();
        }

        w.Line("result = default;");
        w.Line("return false;");
        w.Close();
        w.Line();
        EmitConverter(
            w,
            $"Lets <see cref=\"{Json}.JsonSerializer\"/> read and write <see cref=\"{type.Name}\"/> by its JSON values.",
            self,
            string.Empty,
            $"FromSerialString(reader.GetString() ?? throw new {JsonException}(\"A JSON string was expected for {type.Name}.\"))",
            "writer.WriteStringValue(value.ToSerialString())");
        w.Close();
    }
}
