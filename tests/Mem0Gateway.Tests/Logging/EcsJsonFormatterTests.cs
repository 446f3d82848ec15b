using System.Diagnostics;
using System.Net;
using System.Text.Json.Nodes;
using Mem0Gateway.Logging;
using Serilog.Events;
using Serilog.Parsing;

namespace Mem0Gateway.Tests.Logging;

/// <summary>Whatever a request or an exception carries, every event stays one valid JSON line with its ECS members.</summary>
public sealed class EcsJsonFormatterTests
{
    private static readonly EcsJsonFormatter Formatter = new("mem0-gateway \"edge\"");

    [Fact]
    public void An_access_entry_with_quotes_backslashes_and_control_characters_in_its_path_is_one_valid_json_line()
    {
        var traceId = ActivityTraceId.CreateRandom();
        var spanId = ActivitySpanId.CreateRandom();
        var entry = new AccessLogEntry
        {
            Timestamp = DateTimeOffset.UnixEpoch,
            Level = LogEventLevel.Information,
            TraceId = traceId,
            SpanId = spanId,
            Method = "GET",
            Path = "/memories/\"quoted\"\\back\nline\u0001",
            StatusCode = 404,
            DurationNanoseconds = 1_234_567,
            RequestBodyBytes = 0,
            ResponseBodyBytes = 57,
            RouteId = "mem0-get",
            Operation = "get",
            Service = "mem0",
            ClientIp = IPAddress.Parse("::1"),
            UserAgent = "agent \"x\"",
            IsEventStream = true,
        };
        var line = Parse(output => Formatter.Format(entry, output));

        Assert.Equal("1970-01-01T00:00:00.0000000Z", (string?)line["@timestamp"]);
        Assert.Equal("mem0_gateway.access", (string?)line["event.dataset"]);
        Assert.Equal("mem0-gateway \"edge\"", (string?)line["service.name"]);
        Assert.Equal($"GET {entry.Path} responded 404", (string?)line["message"]);
        Assert.Equal(entry.Path, (string?)line["url.path"]);
        Assert.Equal(404, (int)line["http.response.status_code"]!);
        Assert.Equal(1_234_567, (long)line["event.duration"]!);
        Assert.Equal("::1", (string?)line["client.ip"]);
        Assert.Equal("agent \"x\"", (string?)line["user_agent.original"]);
        Assert.True((bool)line["mem0.event_stream"]!);
        Assert.Equal(traceId.ToHexString(), (string?)line["trace.id"]);
        Assert.Equal(spanId.ToHexString(), (string?)line["span.id"]);
        Assert.Null(line["url.query"]);
    }

    [Fact]
    public void An_app_event_keeps_its_properties_its_exception_and_never_repeats_an_ecs_key()
    {
        Exception exception;
        try
        {
            throw new InvalidOperationException("upstream said \"no\"");
        }
        catch (InvalidOperationException e)
        {
            exception = e;
        }

        var template = new MessageTemplateParser().Parse("Proxy to {Destination} failed: {message} after {Elapsed:0.0} ms");
        var line = Parse(output => Formatter.Format(new LogEvent(DateTimeOffset.UnixEpoch, LogEventLevel.Error, exception, template,
        [
            new LogEventProperty("SourceContext", new ScalarValue("Yarp.ReverseProxy.Forwarder")),
            new LogEventProperty("Destination", new ScalarValue("mem0-1")),
            new LogEventProperty("message", new ScalarValue("line\nbreak")),
            new LogEventProperty("Elapsed", new ScalarValue(12.345)),
            new LogEventProperty("EventId", new StructureValue([new LogEventProperty("Id", new ScalarValue(48))])),
        ], default, default), output));

        Assert.Equal("error", (string?)line["log.level"]);
        Assert.Equal("Yarp.ReverseProxy.Forwarder", (string?)line["log.logger"]);
        Assert.Equal("Proxy to mem0-1 failed: line\nbreak after 12.3 ms", (string?)line["message"]);
        Assert.Equal("mem0_gateway.app", (string?)line["event.dataset"]);
        Assert.Equal("System.InvalidOperationException", (string?)line["error.type"]);
        Assert.Equal("upstream said \"no\"", (string?)line["error.message"]);
        Assert.Contains(nameof(An_app_event_keeps_its_properties_its_exception_and_never_repeats_an_ecs_key), (string?)line["error.stack_trace"]);
        Assert.Equal("mem0-1", (string?)line["Destination"]);
        Assert.Equal(48, (int)line["EventId"]!["Id"]!);
        Assert.Null(line["trace.id"]);
    }

    [Fact]
    public void Line_and_paragraph_separators_are_escaped_so_no_tool_can_split_a_line_on_them()
    {
        const string separated = "a\u2028b\u2029c";
        var entry = new AccessLogEntry
        {
            Timestamp = DateTimeOffset.UnixEpoch,
            Level = LogEventLevel.Information,
            Method = "GET",
            Path = "/memories/" + separated,
            StatusCode = 200,
            DurationNanoseconds = 1,
            RequestBodyBytes = 0,
            ResponseBodyBytes = 0,
            RouteId = "mem0-get",
            Operation = "get",
            Service = "mem0",
            UserAgent = "agent " + separated,
        };
        var access = Format(output => Formatter.Format(entry, output));

        var template = new MessageTemplateParser().Parse("Upstream said {Reason}");
        var app = Format(output => Formatter.Format(new LogEvent(DateTimeOffset.UnixEpoch, LogEventLevel.Warning,
            new InvalidOperationException("boom " + separated), template,
            [
                new LogEventProperty("Reason", new ScalarValue(separated)),
                new LogEventProperty("Nested", new StructureValue([new LogEventProperty("Text", new ScalarValue(separated))])),
                new LogEventProperty("List", new SequenceValue([new ScalarValue(separated)])),
            ], default, default), output));

        foreach (var text in new[] { access, app })
        {
            Assert.DoesNotContain('\u2028', text);
            Assert.DoesNotContain('\u2029', text);
            Assert.Contains("\\u2028", text);
        }

        var accessLine = JsonNode.Parse(access)!.AsObject();
        Assert.Equal("/memories/" + separated, (string?)accessLine["url.path"]);
        Assert.Equal("agent " + separated, (string?)accessLine["user_agent.original"]);
        var appLine = JsonNode.Parse(app)!.AsObject();
        Assert.Equal("Upstream said " + separated, (string?)appLine["message"]);
        Assert.Equal(separated, (string?)appLine["Reason"]);
        Assert.Equal(separated, (string?)appLine["Nested"]!["Text"]);
        Assert.Equal(separated, (string?)appLine["List"]![0]);
        Assert.Equal("boom " + separated, (string?)appLine["error.message"]);
    }

    private static string Format(Action<TextWriter> format)
    {
        var output = new StringWriter();
        format(output);
        return output.ToString();
    }

    private static JsonObject Parse(Action<TextWriter> format)
    {
        var output = new StringWriter();
        format(output);
        var text = output.ToString();
        Assert.EndsWith("}\n", text);
        Assert.Equal(1, text.Count(c => c == '\n'));
        // JsonNode.Parse rejects duplicate keys when the object is read, so this also proves no key repeats.
        var line = JsonNode.Parse(text)!.AsObject();
        _ = line.Count;
        return line;
    }
}
