using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using Mem0Gateway.Testing;

namespace Mem0Gateway.Monitoring.Tests.Support;

/// <summary>Client traffic through a gateway, as mem0 clients, the OpenMemory UI and an MCP client send it.</summary>
public static class Traffic
{
    private static StringContent JsonBody(JsonNode body) => new(body.ToJsonString(), Encoding.UTF8, "application/json");

    private static HttpRequestMessage Request(HttpMethod method, string path, JsonNode? body = null, int? status = null, int? delayMs = null)
    {
        var request = new HttpRequestMessage(method, path) { Content = body is null ? null : JsonBody(body) };
        if (status is { } s)
        {
            request.Headers.Add(FakeMem0Upstream.StatusHeader, s.ToString());
        }

        if (delayMs is { } d)
        {
            request.Headers.Add(FakeMem0Upstream.DelayHeader, d.ToString());
        }

        return request;
    }

    /// <summary>One round of every mem0 REST operation; <paramref name="failOne"/> makes the search fail with 500.</summary>
    public static async Task Mem0RoundAsync(HttpClient mem0, int round, bool failOne = false)
    {
        var add = new JsonObject { ["messages"] = new JsonArray(new JsonObject { ["role"] = "user", ["content"] = $"I like tea #{round}" }), ["user_id"] = "alice" };
        var id = Guid.NewGuid();
        var requests = new[]
        {
            Request(HttpMethod.Post, "/memories", add, delayMs: round % 3 == 0 ? 120 : null),
            Request(HttpMethod.Post, "/search", new JsonObject { ["query"] = "tea", ["user_id"] = "alice" }, status: failOne ? 500 : null, delayMs: 20),
            Request(HttpMethod.Get, "/memories?user_id=alice"),
            Request(HttpMethod.Get, $"/memories/{id}"),
            Request(HttpMethod.Put, $"/memories/{id}", new JsonObject { ["text"] = "likes green tea" }),
            Request(HttpMethod.Get, $"/memories/{id}/history"),
            Request(HttpMethod.Delete, $"/memories/{id}"),
        };
        foreach (var r in requests)
        {
            using var response = await mem0.SendAsync(r);
        }
    }

    /// <summary>Logins (one failing), requests with an accepted and a rejected API key, and a CORS preflight.</summary>
    public static async Task AuthRoundAsync(HttpClient mem0, int round)
    {
        var login = new JsonObject { ["email"] = "admin@example.com", ["password"] = "not-logged" };
        var keyed = Request(HttpMethod.Get, "/memories?user_id=alice");
        keyed.Headers.Add("X-API-Key", "m0sk_AbCdEfG" + new string('x', 36));
        var rejected = Request(HttpMethod.Get, "/memories?user_id=alice", status: 401);
        rejected.Headers.Add("X-API-Key", $"m0sk_random{round:D2}" + new string('y', 34));
        var preflight = Request(HttpMethod.Options, "/memories");
        preflight.Headers.Add("Origin", "http://localhost:13030");
        preflight.Headers.Add("Access-Control-Request-Method", "POST");
        foreach (var r in new[] { Request(HttpMethod.Post, "/auth/login", login), Request(HttpMethod.Post, "/auth/login", login, status: 401), keyed, rejected, preflight })
        {
            using var response = await mem0.SendAsync(r);
        }
    }

    public static async Task OpenMemoryRoundAsync(HttpClient openmemory)
    {
        using var a = await openmemory.GetAsync("/api/v1/memories/?user_id=alice");
        using var b = await openmemory.GetAsync("/api/v1/apps/?page=1&page_size=1");
        using var c = await openmemory.PostAsync("/api/v1/memories/filter", JsonBody(new JsonObject { ["user_id"] = "alice" }));
    }

    /// <summary>An MCP SSE session: open the stream, call two tools through the message endpoint, close the stream.</summary>
    public static async Task McpSessionAsync(HttpClient openmemory)
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        using var stream = await openmemory.SendAsync(new HttpRequestMessage(HttpMethod.Get, "/mcp/claude/sse/alice"), HttpCompletionOption.ResponseHeadersRead, cts.Token);
        using var reader = new StreamReader(await stream.Content.ReadAsStreamAsync(cts.Token));
        string? endpoint = null;
        while (endpoint is null && await reader.ReadLineAsync(cts.Token) is { } line)
        {
            if (line.StartsWith("data: /mcp/messages/", StringComparison.Ordinal))
            {
                endpoint = line["data: ".Length..];
            }
        }

        Assert.NotNull(endpoint);
        var id = 1;
        foreach (var (method, tool) in new[] { ("initialize", (string?)null), ("tools/call", "search_memory"), ("tools/call", "add_memories") })
        {
            var message = new JsonObject { ["jsonrpc"] = "2.0", ["id"] = id++, ["method"] = method };
            message["params"] = tool is null
                ? new JsonObject { ["protocolVersion"] = "2024-11-05", ["clientInfo"] = new JsonObject { ["name"] = "claude", ["version"] = "1" } }
                : new JsonObject { ["name"] = tool, ["arguments"] = new JsonObject { ["query"] = "tea", ["text"] = "likes tea" } };
            using var posted = await openmemory.PostAsync(endpoint, JsonBody(message), cts.Token);
            // the JSON-RPC result comes back on the stream
            while (await reader.ReadLineAsync(cts.Token) is { } line && !line.StartsWith("data: {", StringComparison.Ordinal))
            {
            }
        }
    }
}
