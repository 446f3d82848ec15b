using System.Diagnostics;

namespace Mem0Gateway.Mcp;

/// <summary>
/// Starts and ends <see cref="McpCall"/>s: the span of each JSON-RPC request (a child of the HTTP request that carried
/// it, ended when its answer is seen, on whatever stream) and, for tools/call, the outcome counter and duration. The
/// clock is the <see cref="TimeProvider"/>, so tests can drive idle and timeout logic with a fake one.
/// </summary>
public sealed class McpCallTracker
{
    private static readonly ActivitySource Source = new(McpSpanAttributes.SourceName);

    private readonly McpMetrics _metrics;

    public McpCallTracker(McpMetrics metrics, TimeProvider time)
    {
        _metrics = metrics;
        Time = time;
    }

    public TimeProvider Time { get; }

    public long Now => Time.GetTimestamp();

    /// <summary>A call for a request the client sent; its span starts now under <paramref name="parent"/>.</summary>
    public McpCall Start(JsonRpcRequest message, string method, string? tool, string client, string transport,
        string protocolVersion, string? sessionToken, Activity? parent)
    {
        Activity? span = null;
        if (parent is { IsAllDataRequested: true })
        {
            // Started beside the request's work, not around it: the forwarder's own spans stay children of the request.
            var current = Activity.Current;
            span = Source.StartActivity(McpSpanAttributes.SpanName(method, tool), ActivityKind.Internal, parent.Context);
            Activity.Current = current;
        }

        if (span is not null)
        {
            span.SetTag(McpSpanAttributes.MethodName, method);
            if (tool is not null)
            {
                span.SetTag(McpSpanAttributes.ToolName, tool);
                span.SetTag(McpSpanAttributes.OperationName, McpSpanAttributes.ExecuteTool);
            }

            if (message.IdKey is { } id)
            {
                span.SetTag(McpSpanAttributes.RequestId, McpSpanAttributes.RequestIdValue(id));
            }

            if (!ReferenceEquals(protocolVersion, McpProtocolVersions.Unspecified))
            {
                span.SetTag(McpSpanAttributes.ProtocolVersion, protocolVersion);
            }

            if (sessionToken is not null)
            {
                span.SetTag(McpSpanAttributes.SessionId, sessionToken);
            }

            span.SetTag(McpSpanAttributes.Client, client);
            span.SetTag(McpSpanAttributes.Transport, transport);
        }

        return new McpCall(message.IdKey, method, tool, client, Now, span);
    }

    /// <summary>Ends a call with what its answer said (once: a second end of the same call is ignored).</summary>
    public void End(McpCall call, ToolCallOutcome outcome, string? errorCode = null) => End(call, outcome, errorCode, Now);

    public void End(McpCall call, ToolCallOutcome outcome, string? errorCode, long now)
    {
        if (!call.TryEnd())
        {
            return;
        }

        var elapsed = Time.GetElapsedTime(call.StartTimestamp, now);
        if (call.Tool is { } tool)
        {
            _metrics.ToolCallEnded(tool, call.Client, outcome, elapsed);
        }

        if (call.Span is { } span)
        {
            if (outcome != ToolCallOutcome.Result)
            {
                McpSpanAttributes.SetError(span, outcome == ToolCallOutcome.Error && errorCode is not null ? errorCode : outcome.ToLabel());
            }

            span.SetEndTime(span.StartTimeUtc + elapsed);
            span.Stop();
        }
    }
}
