namespace Mem0Gateway.Proxy;

/// <summary>Histogram boundaries shared by everything that times an event stream.</summary>
public static class EventStreamBuckets
{
    /// <summary>Lifetime of an event stream (an MCP session): seconds to a day.</summary>
    public static readonly double[] Duration = [1, 5, 15, 30, 60, 300, 900, 1800, 3600, 7200, 14400, 43200, 86400];
}
