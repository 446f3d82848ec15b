using System.ComponentModel;
using ModelContextProtocol.Protocol;
using ModelContextProtocol.Server;

namespace Mem0Gateway.Tests.Mcp.Sdk;

/// <summary>OpenMemory's five MCP tools as an SDK server offers them, plus one that fails the way MCP tools fail (isError).</summary>
[McpServerToolType]
public sealed class OpenMemoryTools
{
    /// <summary>How long add_memories takes: long enough that its duration bucket says something.</summary>
    public static readonly TimeSpan AddDelay = TimeSpan.FromMilliseconds(300);

    [McpServerTool(Name = "add_memories"), Description("Add a memory.")]
    public static async Task<string> AddMemories(string text, CancellationToken cancellationToken)
    {
        await Task.Delay(AddDelay, cancellationToken);
        return "{\"results\":[{\"id\":\"5f0c\",\"event\":\"ADD\"}]}";
    }

    [McpServerTool(Name = "search_memory"), Description("Search memories.")]
    public static string SearchMemory(string query) => "{\"results\":[]}";

    [McpServerTool(Name = "list_memories"), Description("List memories.")]
    public static string ListMemories() => "[]";

    [McpServerTool(Name = "delete_memories"), Description("Delete memories.")]
    public static string DeleteMemories(string[] memory_ids) => "Successfully deleted " + memory_ids.Length + " memories";

    [McpServerTool(Name = "delete_all_memories"), Description("Delete all memories.")]
    public static string DeleteAllMemories() => "Successfully deleted all memories";

    [McpServerTool(Name = "fail_tool"), Description("Always fails.")]
    public static CallToolResult FailTool() => new() { IsError = true, Content = [new TextContentBlock { Text = "Memory system is currently unavailable" }] };
}
