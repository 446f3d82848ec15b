using System.Globalization;
using System.Net;

namespace Mem0Gateway.Logging;

/// <summary>
/// The few JSON writes the log formatter needs, straight to a <see cref="TextWriter"/> without intermediate strings:
/// escaped text (quote, backslash, control characters, and the line and paragraph separators U+2028/U+2029, which are
/// valid in JSON but split lines for JavaScript and line-oriented log tools), numbers and addresses formatted into stack
/// buffers.
/// </summary>
internal static class JsonText
{
    private const string HexDigits = "0123456789abcdef";

    public static void WriteQuoted(ReadOnlySpan<char> text, TextWriter output)
    {
        output.Write('"');
        WriteEscaped(text, output);
        output.Write('"');
    }

    public static void WriteEscaped(ReadOnlySpan<char> text, TextWriter output)
    {
        var start = 0;
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (c >= ' ' && c != '"' && c != '\\' && (c & 0xFFFE) != 0x2028)
            {
                continue;
            }

            output.Write(text[start..i]);
            start = i + 1;
            switch (c)
            {
                case '"': output.Write("\\\""); break;
                case '\\': output.Write("\\\\"); break;
                case '\n': output.Write("\\n"); break;
                case '\r': output.Write("\\r"); break;
                case '\t': output.Write("\\t"); break;
                case '\f': output.Write("\\f"); break;
                case '\b': output.Write("\\b"); break;
                case '\u2028': output.Write("\\u2028"); break;
                case '\u2029': output.Write("\\u2029"); break;
                default:
                    // Only control characters (below U+0020) get here.
                    output.Write("\\u00");
                    output.Write(HexDigits[c >> 4]);
                    output.Write(HexDigits[c & 0xF]);
                    break;
            }
        }

        output.Write(text[start..]);
    }

    public static void WriteNumber(long value, TextWriter output)
    {
        Span<char> digits = stackalloc char[20];
        value.TryFormat(digits, out var length, default, CultureInfo.InvariantCulture);
        output.Write(digits[..length]);
    }

    public static void WriteQuoted(IPAddress address, TextWriter output)
    {
        Span<char> text = stackalloc char[64];
        if (address.TryFormat(text, out var length))
        {
            WriteQuoted(text[..length], output);
        }
        else
        {
            WriteQuoted(address.ToString(), output);
        }
    }
}
