using System.Collections.Generic;
using System.Text;

namespace GeneratedArm.Generators.Parsing;

/// <summary>Turns JSON names into C# identifiers, deterministically and culture-independently.</summary>
internal static class Naming
{
    /// <summary>
    /// PascalCases <paramref name="name"/>: splits on every character that cannot appear in an identifier,
    /// upper-cases the first letter of each part (ASCII only, so no culture is involved) and keeps the rest.
    /// A leading digit gets an underscore; an empty result becomes <paramref name="fallback"/>.
    /// </summary>
    public static string ToPascalCase(string name, string fallback = "Value")
    {
        var builder = new StringBuilder(name.Length);
        bool upperNext = true;
        foreach (char c in name)
        {
            if (IsIdentifierPart(c))
            {
                if (upperNext && c >= 'a' && c <= 'z')
                {
                    builder.Append((char)(c - 32));
                }
                else
                {
                    builder.Append(c);
                }

                upperNext = false;
            }
            else
            {
                upperNext = true;
            }
        }

        if (builder.Length == 0)
        {
            return fallback;
        }

        if (builder[0] >= '0' && builder[0] <= '9')
        {
            builder.Insert(0, '_');
        }

        return builder.ToString();
    }

    private static bool IsIdentifierPart(char c)
        => (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || (c > 127 && char.IsLetterOrDigit(c));

    /// <summary>The C# keywords; PascalCased names never hit them, but names taken verbatim might.</summary>
    private static readonly HashSet<string> Keywords = new(System.StringComparer.Ordinal)
    {
        "abstract", "as", "base", "bool", "break", "byte", "case", "catch", "char", "checked", "class", "const",
        "continue", "decimal", "default", "delegate", "do", "double", "else", "enum", "event", "explicit", "extern",
        "false", "finally", "fixed", "float", "for", "foreach", "goto", "if", "implicit", "in", "int", "interface",
        "internal", "is", "lock", "long", "namespace", "new", "null", "object", "operator", "out", "override",
        "params", "private", "protected", "public", "readonly", "ref", "return", "sbyte", "sealed", "short",
        "sizeof", "stackalloc", "static", "string", "struct", "switch", "this", "throw", "true", "try", "typeof",
        "uint", "ulong", "unchecked", "unsafe", "ushort", "using", "virtual", "void", "volatile", "while",
    };

    /// <summary>An identifier safe to emit: keywords get an <c>@</c>.</summary>
    public static string Identifier(string name) => Keywords.Contains(name) ? "@" + name : name;

    /// <summary>A namespace made of valid identifiers (each dotted part sanitized).</summary>
    public static string Namespace(string value)
    {
        var parts = new List<string>();
        foreach (string part in value.Split('.'))
        {
            string trimmed = part.Trim();
            if (trimmed.Length > 0)
            {
                string id = ToPascalCaseKeepCase(trimmed);
                parts.Add(Identifier(id));
            }
        }

        return parts.Count == 0 ? "GeneratedArm.Models" : string.Join(".", parts);
    }

    private static string ToPascalCaseKeepCase(string part)
    {
        var builder = new StringBuilder(part.Length);
        foreach (char c in part)
        {
            builder.Append(IsIdentifierPart(c) ? c : '_');
        }

        if (builder[0] >= '0' && builder[0] <= '9')
        {
            builder.Insert(0, '_');
        }

        return builder.ToString();
    }
}
