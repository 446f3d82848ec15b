using System.Globalization;
using System.Net;

namespace Mem0Gateway.Logging;

/// <summary>
/// The few JSON writes the log formatter needs, straight to a <see cref="TextWriter"/> without intermediate strings:
/// escaped text (the same escapes as Serilog's JSON formatter: quote, backslash, control characters), numbers and
/// addresses formatted into stack buffers.
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
            if (c >= ' ' && c != '"' && c != '\\')
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
