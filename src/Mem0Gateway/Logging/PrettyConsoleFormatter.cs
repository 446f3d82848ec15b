using System.Globalization;
using Serilog.Events;

namespace Mem0Gateway.Logging;

/// <summary>
/// One readable line per event for a person at a terminal: local time, a three-letter level, the message and the
/// short name of the class that logged it; an access-log entry as "GET /memories 200 12.3 ms mem0/get_all -> mem0-1".
/// Control characters in messages are escaped, so no value can forge a line or move the cursor.
/// </summary>
internal sealed class PrettyConsoleFormatter : ILogLineFormatter
{
    private const string Reset = "\u001b[0m";
    private const string Dim = "\u001b[2m";
    private const string Bold = "\u001b[1m";
    private const string Red = "\u001b[31m";
    private const string Green = "\u001b[32m";
    private const string Yellow = "\u001b[33m";
    private const string Cyan = "\u001b[36m";

    private const string SourceContext = "SourceContext";

    [ThreadStatic]
    private static StringWriter? t_message;

    private readonly bool _colour;

    public PrettyConsoleFormatter(bool colour) => _colour = colour;

    public void Format(LogEvent logEvent, TextWriter output)
    {
        WriteTimeAndLevel(logEvent.Timestamp, logEvent.Level, output);
        var message = t_message ??= new StringWriter(CultureInfo.InvariantCulture);
        var text = message.GetStringBuilder().Clear();
        LogMessageRenderer.Render(logEvent, message);
        var emphasised = logEvent.Level >= LogEventLevel.Warning;
        Colour(emphasised ? Bold : null, output);
        foreach (var chunk in text.GetChunks())
        {
            WriteSafe(chunk.Span, output);
        }

        Colour(emphasised ? Reset : null, output);
        if (logEvent.Properties.TryGetValue(SourceContext, out var source) && source is ScalarValue { Value: string logger })
        {
            output.Write("  ");
            Colour(Dim, output);
            WriteSafe(logger.AsSpan(logger.LastIndexOf('.') + 1), output);
            Colour(Reset, output);
        }

        output.Write('\n');
        if (logEvent.Exception is { } exception)
        {
            Colour(Red, output);
            output.Write("    ");
            WriteSafe(exception.GetType().FullName ?? exception.GetType().Name, output);
            output.Write(": ");
            WriteSafe(exception.Message, output);
            Colour(Reset, output);
            output.Write('\n');
            if (exception.StackTrace is { } stackTrace)
            {
                Colour(Dim, output);
                foreach (var line in stackTrace.AsSpan().EnumerateLines())
                {
                    output.Write("    ");
                    WriteSafe(line.Trim(), output);
                    output.Write('\n');
                }

                Colour(Reset, output);
            }
        }

        if (text.Capacity > 16 * 1024)
        {
            t_message = null;
        }
    }

    public void Format(AccessLogEntry entry, TextWriter output)
    {
        WriteTimeAndLevel(entry.Timestamp, entry.Level, output);
        WriteSafe(entry.Method, output);
        output.Write(' ');
        WriteSafe(entry.Path, output);
        WriteOptional("?", entry.Query, null, output);
        output.Write(' ');
        Colour(entry.StatusCode >= 500 ? Red : entry.StatusCode >= 400 ? Yellow : Green, output);
        Span<char> number = stackalloc char[24];
        entry.StatusCode.TryFormat(number, out var length, provider: CultureInfo.InvariantCulture);
        output.Write(number[..length]);
        Colour(Reset, output);
        output.Write(' ');
        (entry.DurationNanoseconds / 1_000_000.0).TryFormat(number, out length, "0.0", CultureInfo.InvariantCulture);
        output.Write(number[..length]);
        output.Write(" ms  ");
        Colour(Dim, output);
        WriteSafe(entry.Service, output);
        output.Write('/');
        WriteSafe(entry.Operation, output);
        WriteOptional(" -> ", entry.DestinationId, null, output);
        // Why it failed and whose fault that was, as the forwarding outcome decided.
        WriteOptional(" (", entry.UpstreamError, entry.Blame is null ? ")" : ", blame " + entry.Blame + ")", output);
        if (entry.ResponseBroken)
        {
            output.Write(" [response broken]");
        }

        if (entry.IsEventStream)
        {
            output.Write(" [event stream]");
        }

        Colour(Reset, output);
        output.Write('\n');
    }

    private void WriteTimeAndLevel(DateTimeOffset timestamp, LogEventLevel level, TextWriter output)
    {
        Span<char> time = stackalloc char[16];
        timestamp.ToLocalTime().TryFormat(time, out var length, "HH:mm:ss.fff", CultureInfo.InvariantCulture);
        Colour(Dim, output);
        output.Write(time[..length]);
        Colour(Reset, output);
        output.Write(' ');
        var (name, colour) = level switch
        {
            LogEventLevel.Verbose => ("VRB", Dim),
            LogEventLevel.Debug => ("DBG", Dim),
            LogEventLevel.Information => ("INF", Cyan),
            LogEventLevel.Warning => ("WRN", Yellow),
            LogEventLevel.Error => ("ERR", Red),
            _ => ("FTL", Red),
        };
        Colour(colour, output);
        output.Write(name);
        Colour(Reset, output);
        output.Write(' ');
    }

    private static void WriteOptional(string prefix, string? value, string? suffix, TextWriter output)
    {
        if (value is null)
        {
            return;
        }

        output.Write(prefix);
        WriteSafe(value, output);
        if (suffix is not null)
        {
            WriteSafe(suffix, output);
        }
    }

    private void Colour(string? code, TextWriter output)
    {
        if (_colour && code is not null)
        {
            output.Write(code);
        }
    }

    private static void WriteSafe(ReadOnlySpan<char> text, TextWriter output)
    {
        var start = 0;
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (!char.IsControl(c))
            {
                continue;
            }

            output.Write(text[start..i]);
            output.Write(c switch
            {
                '\n' => "\\n",
                '\r' => "\\r",
                '\t' => "\\t",
                _ => "\\u" + ((int)c).ToString("x4", CultureInfo.InvariantCulture),
            });
            start = i + 1;
        }

        output.Write(text[start..]);
    }
}
