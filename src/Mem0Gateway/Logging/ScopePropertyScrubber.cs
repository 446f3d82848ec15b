using Serilog.Core;
using Serilog.Events;

namespace Mem0Gateway.Logging;

/// <summary>
/// Drops the properties Microsoft.Extensions.Logging scopes add to every event written during a request. ASP.NET Core's
/// request scope carries the raw <c>RequestPath</c> (an MCP path holds the user id); the activity scope repeats
/// <c>trace.id</c>/<c>span.id</c>.
/// </summary>
internal sealed class ScopePropertyScrubber : ILogEventEnricher
{
    private static readonly string[] Dropped = ["RequestPath", "Scope", "TraceId", "SpanId", "ParentId", "HostingRequestStartingLog"];

    public void Enrich(LogEvent logEvent, ILogEventPropertyFactory propertyFactory)
    {
        foreach (var name in Dropped)
        {
            logEvent.RemovePropertyIfPresent(name);
        }
    }
}
