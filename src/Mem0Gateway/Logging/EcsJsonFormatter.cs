using System.Diagnostics;
using System.Globalization;
using Serilog.Events;
using Serilog.Formatting;
using Serilog.Formatting.Json;

namespace Mem0Gateway.Logging;

/// <summary>
/// One JSON object per line with Elastic Common Schema names, written member by member (no expression evaluation,
/// no intermediate property structures). Application events carry their properties under their own (PascalCase, so
/// never clashing with ECS) names; an <see cref="AccessLogEntry"/> becomes top-level ECS members.
/// </summary>
public sealed class EcsJsonFormatter : ITextFormatter, ILogLineFormatter
{
    public const string EcsVersion = "8.11.0";

    /// <summary><c>event.dataset</c> of application (non access-log) lines.</summary>
    public const string AppDataset = "mem0_gateway.app";

    private const string SourceContext = "SourceContext";

    /// <summary>Members the formatter writes itself; an event property of the same name (say <c>{message}</c> in a
    /// template) is already in the message and must not repeat a JSON key.</summary>
    private static readonly HashSet<string> OwnMembers =
    [
        "@timestamp", "log.level", "log.logger", "message", "ecs.version", "service.name", AccessLogFields.EventDataset,
        "trace.id", "span.id", "error.type", "error.message", "error.stack_trace",
    ];

    private static readonly EcsJsonValueFormatter ValueFormatter = new();

    [ThreadStatic]
    private static StringWriter? t_message;

    /// <summary>The members every line has after its message: ECS version and service name.</summary>
    private readonly string _serviceMembers;

    public EcsJsonFormatter(string serviceName)
    {
        var members = new StringWriter(CultureInfo.InvariantCulture);
        members.Write(",\"ecs.version\":\"" + EcsVersion + "\",\"service.name\":");
        JsonText.WriteQuoted(serviceName, members);
        _serviceMembers = members.ToString();
    }

    /// <summary>An application event: its exception as ECS <c>error.*</c>, its properties after the ECS members.</summary>
    public void Format(LogEvent logEvent, TextWriter output)
    {
        var properties = logEvent.Properties;
        var logger = properties.TryGetValue(SourceContext, out var source) && source is ScalarValue { Value: string name } ? name : null;
        WriteTimestampAndLevel(logEvent.Timestamp, logEvent.Level, output);
        if (logger is not null)
        {
            output.Write(",\"log.logger\":");
            JsonText.WriteQuoted(logger, output);
        }

        output.Write(",\"message\":\"");
        WriteMessage(logEvent, output);
        output.Write('"');
        WriteServiceAndTrace(AppDataset, logEvent.TraceId ?? default, logEvent.SpanId ?? default, output);

        if (logEvent.Exception is { } exception)
        {
            output.Write(",\"error.type\":");
            JsonText.WriteQuoted(exception.GetType().FullName ?? exception.GetType().Name, output);
            output.Write(",\"error.message\":");
            JsonText.WriteQuoted(exception.Message, output);
            if (exception.StackTrace is { } stackTrace)
            {
                output.Write(",\"error.stack_trace\":");
                JsonText.WriteQuoted(stackTrace, output);
            }
        }

        foreach (var (propertyName, property) in properties)
        {
            if (propertyName == SourceContext || OwnMembers.Contains(propertyName))
            {
                continue;
            }

            output.Write(',');
            JsonText.WriteQuoted(propertyName, output);
            output.Write(':');
            ValueFormatter.Format(property, output);
        }

        output.Write("}\n");
    }

    void ILogLineFormatter.Format(AccessLogEntry entry, TextWriter output) => Format(entry, output);

    /// <summary>An access-log line: "GET /memories responded 200" and the entry's fields as ECS members.</summary>
    internal void Format(AccessLogEntry entry, TextWriter output)
    {
        WriteTimestampAndLevel(entry.Timestamp, entry.Level, output);
        output.Write(",\"message\":\"");
        entry.WriteMessage(output);
        output.Write('"');
        WriteServiceAndTrace(AccessLogFields.Dataset, entry.TraceId, entry.SpanId, output);
        entry.WriteMembers(output);
        output.Write("}\n");
    }

    private static void WriteTimestampAndLevel(DateTimeOffset timestamp, LogEventLevel level, TextWriter output)
    {
        Span<char> buffer = stackalloc char[40];
        output.Write("{\"@timestamp\":\"");
        timestamp.UtcDateTime.TryFormat(buffer, out var length, "O", CultureInfo.InvariantCulture);
        output.Write(buffer[..length]);
        output.Write("\",\"log.level\":\"");
        output.Write(LevelName(level));
        output.Write('"');
    }

    private void WriteServiceAndTrace(string dataset, ActivityTraceId traceId, ActivitySpanId spanId, TextWriter output)
    {
        output.Write(_serviceMembers);
        output.Write(",\"event.dataset\":\"");
        output.Write(dataset);
        output.Write('"');
        if (traceId == default)
        {
            return;
        }

        // The ids keep the hex text they were made from: writing it is a copy, where CopyTo would parse it back to bytes.
        output.Write(",\"trace.id\":\"");
        output.Write(traceId.ToHexString());
        output.Write("\",\"span.id\":\"");
        output.Write(spanId.ToHexString());
        output.Write('"');
    }

    /// <summary>The message with its values embedded, strings unquoted (as people read it), escaped for JSON.</summary>
    private static void WriteMessage(LogEvent logEvent, TextWriter output)
    {
        var message = t_message ??= new StringWriter(CultureInfo.InvariantCulture);
        var text = message.GetStringBuilder().Clear();
        LogMessageRenderer.Render(logEvent, message);
        foreach (var chunk in text.GetChunks())
        {
            JsonText.WriteEscaped(chunk.Span, output);
        }

        if (text.Capacity > 16 * 1024)
        {
            // One huge message must not pin its buffer for the life of the logging thread.
            t_message = null;
        }
    }

    private static string LevelName(LogEventLevel level) => level switch
    {
        LogEventLevel.Verbose => "verbose",
        LogEventLevel.Debug => "debug",
        LogEventLevel.Information => "information",
        LogEventLevel.Warning => "warning",
        LogEventLevel.Error => "error",
        _ => "fatal",
    };
}
