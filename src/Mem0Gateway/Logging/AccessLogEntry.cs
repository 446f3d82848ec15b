using System.Diagnostics;
using System.Net;
using Serilog.Events;

namespace Mem0Gateway.Logging;

/// <summary>
/// One access-log line, captured on the request thread as plain values (already redacted) and queued as it is:
/// <see cref="EcsJsonFormatter"/> writes it as top-level ECS members on the log writer thread. A request costs this
/// one object, not a Serilog event with a property (and a dictionary slot) per field, and the client address is
/// formatted off the request thread.
/// </summary>
internal sealed class AccessLogEntry
{
    public required DateTimeOffset Timestamp { get; init; }

    public required LogEventLevel Level { get; init; }

    public ActivityTraceId TraceId { get; init; }

    public ActivitySpanId SpanId { get; init; }

    public required string Method { get; init; }

    public required string Path { get; init; }

    public required int StatusCode { get; init; }

    public required long DurationNanoseconds { get; init; }

    public required long RequestBodyBytes { get; init; }

    public required long ResponseBodyBytes { get; init; }

    public required string RouteId { get; init; }

    public required string Operation { get; init; }

    public required string Service { get; init; }

    public string? Query { get; init; }

    public string? DestinationId { get; init; }

    public string? DestinationAddress { get; init; }

    public string? UpstreamError { get; init; }

    /// <summary>Who failed (the <c>blame</c> label), when something did.</summary>
    public string? Blame { get; init; }

    /// <summary>The response failed after its headers were sent.</summary>
    public bool ResponseBroken { get; init; }

    public bool IsEventStream { get; init; }

    public IPAddress? ClientIp { get; init; }

    public string? UserAgent { get; init; }

    /// <summary>"ui_server" for a UI's server-side call; null for everything else.</summary>
    public string? Caller { get; init; }

    /// <summary>The line's message, JSON-escaped: "GET /memories responded 200".</summary>
    public void WriteMessage(TextWriter output)
    {
        JsonText.WriteEscaped(Method, output);
        output.Write(' ');
        JsonText.WriteEscaped(Path, output);
        output.Write(" responded ");
        JsonText.WriteNumber(StatusCode, output);
    }

    /// <summary>Writes the entry's fields as JSON members, each preceded by a comma.</summary>
    public void WriteMembers(TextWriter output)
    {
        Number(AccessLogFields.EventDuration, DurationNanoseconds, output);
        Text(AccessLogFields.HttpRequestMethod, Method, output);
        Text(AccessLogFields.UrlPath, Path, output);
        Number(AccessLogFields.HttpResponseStatusCode, StatusCode, output);
        Number(AccessLogFields.HttpRequestBodyBytes, RequestBodyBytes, output);
        Number(AccessLogFields.HttpResponseBodyBytes, ResponseBodyBytes, output);
        Text(AccessLogFields.Route, RouteId, output);
        Text(AccessLogFields.Operation, Operation, output);
        Text(AccessLogFields.Service, Service, output);
        Text(AccessLogFields.UrlQuery, Query, output);
        Text(AccessLogFields.DestinationId, DestinationId, output);
        Text(AccessLogFields.DestinationAddress, DestinationAddress, output);
        Text(AccessLogFields.UpstreamError, UpstreamError, output);
        Text(AccessLogFields.Blame, Blame, output);
        if (ResponseBroken)
        {
            Name(AccessLogFields.ResponseBroken, output);
            output.Write("true");
        }

        if (IsEventStream)
        {
            Name(AccessLogFields.EventStream, output);
            output.Write("true");
        }

        if (ClientIp is not null)
        {
            Name(AccessLogFields.ClientIp, output);
            JsonText.WriteQuoted(ClientIp, output);
        }

        Text(AccessLogFields.UserAgent, UserAgent, output);
        Text(AccessLogFields.Caller, Caller, output);
    }

    // Field names are constants without characters that need escaping.
    private static void Name(string name, TextWriter output)
    {
        output.Write(",\"");
        output.Write(name);
        output.Write("\":");
    }

    private static void Text(string name, string? value, TextWriter output)
    {
        if (value is null)
        {
            return;
        }

        Name(name, output);
        JsonText.WriteQuoted(value, output);
    }

    private static void Number(string name, long value, TextWriter output)
    {
        Name(name, output);
        JsonText.WriteNumber(value, output);
    }
}
