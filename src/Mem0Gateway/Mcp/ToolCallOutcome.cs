namespace Mem0Gateway.Mcp;

/// <summary>How a tools/call ended (the <c>outcome</c> label).</summary>
public enum ToolCallOutcome
{
    /// <summary>A result that is not an error.</summary>
    Result,

    /// <summary>A JSON-RPC error, or no JSON-RPC answer at all (HTTP error, upstream unreachable).</summary>
    Error,

    /// <summary>A result whose text starts with "Error" or that has <c>isError: true</c>: how OpenMemory's tools fail.</summary>
    ToolError,

    /// <summary>No result within the configured timeout.</summary>
    Timeout,

    /// <summary>The SSE stream closed before the result arrived.</summary>
    Abandoned,

    /// <summary>The result cannot be observed (session not seen by this gateway, no id, body not readable).</summary>
    Uncorrelated,
}

public static class ToolCallOutcomes
{
    private static readonly string[] Labels = ["result", "error", "tool_error", "timeout", "abandoned", "uncorrelated"];

    public static string ToLabel(this ToolCallOutcome outcome) => Labels[(int)outcome];

    /// <summary>Outcomes with a meaningful duration (the histogram); the others only count.</summary>
    public static bool HasDuration(this ToolCallOutcome outcome) => outcome <= ToolCallOutcome.Timeout;
}
