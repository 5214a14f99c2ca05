using System.Globalization;
using System.Text;
using GeneratedArm.Generators.Model;

using static GeneratedArm.Generators.Emitting.CSharpText;

namespace GeneratedArm.Generators.Emitting;

/// <summary>
/// Precomputed property names: UTF-8 bytes to recognise a name without allocating a string when reading, and
/// <c>JsonEncodedText</c> to write a name without escaping and transcoding it on every call.
/// </summary>
internal static partial class ModelEmitter
{
    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    /// <summary>The UTF-8 bytes of a JSON name, or null when it has none that round-trip (lone surrogates).</summary>
    private static byte[]? Utf8Name(string jsonName)
    {
        try
        {
            return StrictUtf8.GetBytes(jsonName);
        }
        catch (EncoderFallbackException)
        {
            return null;
        }
    }

    /// <summary>
    /// True when a name is written the same by every encoder a writer can have, so it can be escaped once, up front:
    /// ASCII letters, digits and a few punctuation characters no encoder escapes.
    /// </summary>
    private static bool IsPlainName(string jsonName)
    {
        if (jsonName.Length == 0)
        {
            return false;
        }

        foreach (char c in jsonName)
        {
            bool plain = c is (>= 'a' and <= 'z') or (>= 'A' and <= 'Z') or (>= '0' and <= '9') or '_' or '-' or '.' or '$' or '@' or ':';
            if (!plain)
            {
                return false;
            }
        }

        return true;
    }

    private static string Utf8NameMember(int index) => "__utf8Name" + index.ToString(CultureInfo.InvariantCulture);

    private static string EncodedNameMember(int index) => "__jsonName" + index.ToString(CultureInfo.InvariantCulture);

    /// <summary>What writes the name of property <paramref name="index"/>: its precomputed encoding, or its literal.</summary>
    private static string NameArgument(PropertyModel property, int index) =>
        IsPlainName(property.JsonName) ? EncodedNameMember(index) : Literal(property.JsonName);

    /// <summary>The static members that hold the precomputed names of the type's own properties.</summary>
    private static void EmitNameMembers(SourceWriter w, TypeSpec type)
    {
        for (int i = 0; i < type.Properties.Count; i++)
        {
            PropertyModel property = type.Properties[i];
            byte[]? utf8 = Utf8Name(property.JsonName);
            if (utf8 is not null && utf8.Length > 0)
            {
                var bytes = new StringBuilder();
                foreach (byte b in utf8)
                {
                    bytes.Append(bytes.Length > 0 ? ", " : string.Empty).Append(b.ToString(CultureInfo.InvariantCulture));
                }

                // A span over constant bytes compiles to a view of the assembly's data: no allocation, any C# version.
                w.Line($"private static global::System.ReadOnlySpan<byte> {Utf8NameMember(i)} => new byte[] {{ {bytes} }}; // {OneLine(Literal(property.JsonName))}");
            }

            if (IsPlainName(property.JsonName))
            {
                w.Line($"private static readonly {Json}.JsonEncodedText {EncodedNameMember(i)} = {Json}.JsonEncodedText.Encode({Literal(property.JsonName)});");
            }
        }

        if (type.Properties.Count > 0)
        {
            w.Line();
        }
    }

    /// <summary>
    /// Maps the UTF-8 bytes of an unescaped property name to the declared JSON name (the same string constant the
    /// string path uses), or null when the type declares no such property: reading then needs no string per name.
    /// </summary>
    private static void EmitDeclaredJsonName(SourceWriter w, TypeSpec type, string virtualness)
    {
        w.Open($"internal {virtualness}string? DeclaredJsonName(global::System.ReadOnlySpan<byte> name)");
        var byLength = new System.Collections.Generic.SortedDictionary<int, System.Collections.Generic.List<int>>();
        for (int i = 0; i < type.Properties.Count; i++)
        {
            byte[]? utf8 = Utf8Name(type.Properties[i].JsonName);
            if (utf8 is not null && utf8.Length > 0)
            {
                if (!byLength.TryGetValue(utf8.Length, out var indexes))
                {
                    byLength[utf8.Length] = indexes = new System.Collections.Generic.List<int>();
                }

                indexes.Add(i);
            }
        }

        if (byLength.Count > 0)
        {
            w.Line("switch (name.Length)");
            w.Open();
            foreach (var pair in byLength)
            {
                w.Line($"case {pair.Key.ToString(CultureInfo.InvariantCulture)}:");
                w.Indent();
                foreach (int i in pair.Value)
                {
                    w.Line($"if (global::System.MemoryExtensions.SequenceEqual(name, {Utf8NameMember(i)}))");
                    w.Open();
                    w.Line($"return {Literal(type.Properties[i].JsonName)};");
                    w.Close();
                    w.Line();
                }

                w.Line("break;");
                w.Unindent();
            }

            w.Close();
            w.Line();
        }

        w.Line(type.BaseType is null ? "return null;" : "return base.DeclaredJsonName(name);");
        w.Close();
        w.Line();
    }
}
