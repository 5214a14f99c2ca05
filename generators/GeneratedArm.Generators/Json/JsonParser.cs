using System;
using System.Collections.Generic;
using System.Globalization;
using System.Text;

namespace GeneratedArm.Generators.Json;

/// <summary>Thrown inside <see cref="JsonParser"/> only; <see cref="JsonDocumentText.Parse"/> turns it into data.</summary>
internal sealed class JsonParseException : Exception
{
    public JsonParseException(string message, int offset, string pointer)
        : base(message)
    {
        Offset = offset;
        Pointer = pointer;
    }

    public int Offset { get; }

    public string Pointer { get; }
}

/// <summary>
/// A small, strict RFC 8259 parser that records the position and JSON pointer of every node.
/// <para>
/// Why not System.Text.Json: every diagnostic must name a JSON pointer and point at a file, line and
/// column, which needs the offset of every node (JsonDocument gives none); and an analyzer runs inside
/// whatever compiler host the consumer has (Visual Studio, an older SDK, OmniSharp) which may load a
/// different System.Text.Json than the one we build against, so the generator depends on nothing but
/// Roslyn and netstandard2.0. The parser is iterative over siblings and bounded in depth, so hostile
/// input (deep nesting, huge numbers, bad escapes) ends in a <see cref="JsonParseException"/>, never a
/// stack overflow.
/// </para>
/// </summary>
internal sealed class JsonParser
{
    /// <summary>Deeper documents are rejected; real specifications nest a few dozen levels at most.</summary>
    public const int MaxDepth = 256;

    private readonly string _text;
    private readonly StringBuilder _buffer = new();
    private readonly List<JsonLeniency> _leniencies = new();
    private int _pos;

    private JsonParser(string text)
    {
        _text = text;
    }

    public static JsonNode Parse(string text) => Parse(text, out _);

    /// <summary>
    /// Parses <paramref name="text"/>, accepting what AutoRest accepts beyond RFC 8259 — a trailing comma before
    /// <c>}</c> or <c>]</c>, and <c>//</c> or <c>/* */</c> comments — and listing each in <paramref name="leniencies"/>.
    /// </summary>
    public static JsonNode Parse(string text, out IReadOnlyList<JsonLeniency> leniencies)
    {
        var parser = new JsonParser(text);
        leniencies = parser._leniencies;
        if (text.Length > 0 && text[0] == '\uFEFF')
        {
            parser._pos = 1;
        }

        parser.SkipWhitespace();
        JsonNode root = parser.ParseValue("#", 0);
        parser.SkipWhitespace();
        if (parser._pos < text.Length)
        {
            throw new JsonParseException("Unexpected content after the end of the document", parser._pos, "#");
        }

        return root;
    }

    private static string Escape(string token) => token.Replace("~", "~0").Replace("/", "~1");

    private JsonNode ParseValue(string pointer, int depth)
    {
        if (depth > MaxDepth)
        {
            throw new JsonParseException($"The document nests deeper than {MaxDepth} levels", _pos, pointer);
        }

        if (_pos >= _text.Length)
        {
            throw new JsonParseException("Unexpected end of the document; a value was expected", _pos, pointer);
        }

        char c = _text[_pos];
        switch (c)
        {
            case '{':
                return ParseObject(pointer, depth);
            case '[':
                return ParseArray(pointer, depth);
            case '"':
            {
                var node = new JsonNode(JsonKind.String, _pos, pointer);
                node.Text = ParseString(pointer);
                node.End = _pos;
                return node;
            }

            case 't':
                return ParseLiteral("true", JsonKind.True, pointer);
            case 'f':
                return ParseLiteral("false", JsonKind.False, pointer);
            case 'n':
                return ParseLiteral("null", JsonKind.Null, pointer);
            default:
                if (c == '-' || (c >= '0' && c <= '9'))
                {
                    return ParseNumber(pointer);
                }

                throw new JsonParseException($"Unexpected character '{Printable(c)}'; a value was expected", _pos, pointer);
        }
    }

    private static string Printable(char c) => c < ' ' ? "\\u" + ((int)c).ToString("X4", CultureInfo.InvariantCulture) : c.ToString();

    private JsonNode ParseObject(string pointer, int depth)
    {
        var node = new JsonNode(JsonKind.Object, _pos, pointer) { Members = new List<JsonMember>() };
        _pos++;
        SkipWhitespace();
        if (Peek() == '}')
        {
            _pos++;
            node.End = _pos;
            return node;
        }

        while (true)
        {
            SkipWhitespace();
            if (Peek() != '"')
            {
                throw new JsonParseException("A property name in double quotes was expected", _pos, pointer);
            }

            int nameStart = _pos;
            string name = ParseString(pointer);
            SkipWhitespace();
            if (Peek() != ':')
            {
                throw new JsonParseException($"':' was expected after property name \"{name}\"", _pos, pointer);
            }

            _pos++;
            SkipWhitespace();
            JsonNode value = ParseValue(pointer + "/" + Escape(name), depth + 1);
            node.Members!.Add(new JsonMember(name, nameStart, value));
            SkipWhitespace();
            char next = Peek();
            if (next == ',')
            {
                _pos++;
                if (TrailingComma('}'))
                {
                    node.End = _pos;
                    return node;
                }

                continue;
            }

            if (next == '}')
            {
                _pos++;
                node.End = _pos;
                return node;
            }

            throw new JsonParseException("',' or '}' was expected", _pos, pointer);
        }
    }

    private JsonNode ParseArray(string pointer, int depth)
    {
        var node = new JsonNode(JsonKind.Array, _pos, pointer) { Items = new List<JsonNode>() };
        _pos++;
        SkipWhitespace();
        if (Peek() == ']')
        {
            _pos++;
            node.End = _pos;
            return node;
        }

        while (true)
        {
            SkipWhitespace();
            JsonNode item = ParseValue(pointer + "/" + node.Items!.Count.ToString(CultureInfo.InvariantCulture), depth + 1);
            node.Items.Add(item);
            SkipWhitespace();
            char next = Peek();
            if (next == ',')
            {
                _pos++;
                if (TrailingComma(']'))
                {
                    node.End = _pos;
                    return node;
                }

                continue;
            }

            if (next == ']')
            {
                _pos++;
                node.End = _pos;
                return node;
            }

            throw new JsonParseException("',' or ']' was expected", _pos, pointer);
        }
    }

    private JsonNode ParseLiteral(string literal, JsonKind kind, string pointer)
    {
        if (string.CompareOrdinal(_text, _pos, literal, 0, literal.Length) != 0)
        {
            throw new JsonParseException($"Invalid literal; '{literal}' was expected", _pos, pointer);
        }

        var node = new JsonNode(kind, _pos, pointer);
        _pos += literal.Length;
        node.End = _pos;
        return node;
    }

    private JsonNode ParseNumber(string pointer)
    {
        int start = _pos;
        if (Peek() == '-')
        {
            _pos++;
        }

        if (Peek() == '0')
        {
            _pos++;
        }
        else if (IsDigit(Peek()))
        {
            while (IsDigit(Peek()))
            {
                _pos++;
            }
        }
        else
        {
            throw new JsonParseException("Invalid number; a digit was expected", _pos, pointer);
        }

        if (Peek() == '.')
        {
            _pos++;
            if (!IsDigit(Peek()))
            {
                throw new JsonParseException("Invalid number; a digit was expected after '.'", _pos, pointer);
            }

            while (IsDigit(Peek()))
            {
                _pos++;
            }
        }

        if (Peek() is 'e' or 'E')
        {
            _pos++;
            if (Peek() is '+' or '-')
            {
                _pos++;
            }

            if (!IsDigit(Peek()))
            {
                throw new JsonParseException("Invalid number; a digit was expected in the exponent", _pos, pointer);
            }

            while (IsDigit(Peek()))
            {
                _pos++;
            }
        }

        // The text is kept as written: huge numbers are never converted here, so they cannot overflow.
        return new JsonNode(JsonKind.Number, start, pointer) { Text = _text.Substring(start, _pos - start), End = _pos };
    }

    private string ParseString(string pointer)
    {
        int start = _pos;
        _pos++;
        _buffer.Clear();
        while (true)
        {
            if (_pos >= _text.Length)
            {
                throw new JsonParseException("Unterminated string", start, pointer);
            }

            char c = _text[_pos];
            if (c == '"')
            {
                _pos++;
                return _buffer.ToString();
            }

            if (c < ' ')
            {
                throw new JsonParseException($"Control character '{Printable(c)}' must be escaped inside a string", _pos, pointer);
            }

            if (c != '\\')
            {
                _buffer.Append(c);
                _pos++;
                continue;
            }

            _pos++;
            char e = Peek();
            _pos++;
            switch (e)
            {
                case '"': _buffer.Append('"'); break;
                case '\\': _buffer.Append('\\'); break;
                case '/': _buffer.Append('/'); break;
                case 'b': _buffer.Append('\b'); break;
                case 'f': _buffer.Append('\f'); break;
                case 'n': _buffer.Append('\n'); break;
                case 'r': _buffer.Append('\r'); break;
                case 't': _buffer.Append('\t'); break;
                case 'u':
                    if (_pos + 4 > _text.Length || !int.TryParse(_text.Substring(_pos, 4), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out int code))
                    {
                        throw new JsonParseException("Invalid \\u escape; four hexadecimal digits were expected", _pos - 2, pointer);
                    }

                    // Lone surrogates are kept as they are: they are legal JSON text, and C# strings hold them.
                    _buffer.Append((char)code);
                    _pos += 4;
                    break;
                default:
                    throw new JsonParseException(e == '\0' ? "Unterminated escape sequence" : $"Invalid escape sequence '\\{Printable(e)}'", _pos - 2, pointer);
            }
        }
    }

    private static bool IsDigit(char c) => c >= '0' && c <= '9';

    private char Peek() => _pos < _text.Length ? _text[_pos] : '\0';

    /// <summary>After a ',': if <paramref name="close"/> follows, records the trailing comma and consumes the close.</summary>
    private bool TrailingComma(char close)
    {
        int comma = _pos - 1;
        SkipWhitespace();
        if (Peek() != close)
        {
            return false;
        }

        _leniencies.Add(new JsonLeniency(comma, "a trailing comma before '" + close + "'"));
        _pos++;
        return true;
    }

    private void SkipWhitespace()
    {
        while (_pos < _text.Length)
        {
            char c = _text[_pos];
            if (c is ' ' or '\t' or '\n' or '\r')
            {
                _pos++;
            }
            else if (c == '/' && _pos + 1 < _text.Length && _text[_pos + 1] is '/' or '*')
            {
                SkipComment();
            }
            else
            {
                return;
            }
        }
    }

    private void SkipComment()
    {
        int start = _pos;
        if (_text[_pos + 1] == '/')
        {
            int end = _text.IndexOf('\n', _pos);
            _pos = end < 0 ? _text.Length : end;
            _leniencies.Add(new JsonLeniency(start, "a '//' comment"));
            return;
        }

        int close = _text.IndexOf("*/", _pos + 2, StringComparison.Ordinal);
        if (close < 0)
        {
            throw new JsonParseException("Unterminated '/*' comment", start, "#");
        }

        _pos = close + 2;
        _leniencies.Add(new JsonLeniency(start, "a '/* */' comment"));
    }
}

/// <summary>Something the parser accepted that strict JSON does not allow, and where.</summary>
internal readonly struct JsonLeniency
{
    public JsonLeniency(int offset, string what)
    {
        Offset = offset;
        What = what;
    }

    public int Offset { get; }

    public string What { get; }
}
