using System.Globalization;
using System.Text;

namespace GeneratedArm.Generators.Emitting;

/// <summary>Text from a schema made safe to put in C#: doc comments, line comments and string literals. Shared by every emitter.</summary>
internal static class CSharpText
{
    // Everything C# treats as a line break, so text from a schema can never end a comment early.
    public static readonly string[] LineBreaks = { "\r\n", "\r", "\n", "\u2028", "\u2029", "\u0085" };

    /// <summary>Text safe inside an XML doc comment: escaped markup, no control characters, no lone surrogates.</summary>
    public static string Xml(string text)
    {
        var builder = new StringBuilder(text.Length);
        for (int i = 0; i < text.Length; i++)
        {
            char c = text[i];
            if (char.IsHighSurrogate(c) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
            {
                builder.Append(c).Append(text[++i]);
            }
            else if (char.IsSurrogate(c) || (c < ' ' && c != '\t') || c == '\uFFFE' || c == '\uFFFF' || c == '\u2028' || c == '\u2029' || c == '\u0085')
            {
                builder.Append('?');
            }
            else
            {
                builder.Append(c switch { '&' => "&amp;", '<' => "&lt;", '>' => "&gt;", _ => c.ToString() });
            }
        }

        return builder.ToString();
    }

    /// <summary>Text safe in a single-line comment.</summary>
    public static string OneLine(string text)
    {
        var builder = new StringBuilder(text.Length);
        foreach (char c in text)
        {
            builder.Append(c < ' ' || c == '\u2028' || c == '\u2029' || c == '\u0085' || char.IsSurrogate(c) ? '?' : c);
        }

        return builder.ToString();
    }

    /// <summary>A C# string literal; non-ASCII and control characters are escaped so files are pure ASCII.</summary>
    public static string Literal(string value)
    {
        var builder = new StringBuilder(value.Length + 2);
        builder.Append('"');
        foreach (char c in value)
        {
            switch (c)
            {
                case '"': builder.Append("\\\""); break;
                case '\\': builder.Append("\\\\"); break;
                case '\n': builder.Append("\\n"); break;
                case '\r': builder.Append("\\r"); break;
                case '\t': builder.Append("\\t"); break;
                default:
                    if (c < ' ' || c > '~')
                    {
                        builder.Append("\\u").Append(((int)c).ToString("x4", CultureInfo.InvariantCulture));
                    }
                    else
                    {
                        builder.Append(c);
                    }

                    break;
            }
        }

        return builder.Append('"').ToString();
    }

    /// <summary>The file name of a path as the compiler gave it (either separator).</summary>
    public static string FileName(string path)
    {
        int slash = System.Math.Max(path.LastIndexOf('/'), path.LastIndexOf('\\'));
        return slash < 0 ? path : path.Substring(slash + 1);
    }
}
