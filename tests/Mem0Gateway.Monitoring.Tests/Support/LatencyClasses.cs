namespace Mem0Gateway.Monitoring.Tests.Support;

/// <summary>The latency SLI's operation classes as recording.yml lists them (tests check every window uses these).</summary>
public static class LatencyClasses
{
    /// <summary>LLM-backed and bulk operations: 30 s objective.</summary>
    public const string Long = "add|llm_other|configure|config_put|config_reset|reset|delete_all|import|export";

    /// <summary>HTTP requests carrying MCP traffic: judged per tool call by the tool-call histogram instead.</summary>
    public const string Mcp = "mcp_stream|mcp_message|mcp_http";
}
