using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;

namespace Mem0Gateway.Tests.Mcp;

/// <summary>An MCP client of the legacy SSE transport, as Claude or Cursor would be: one stream, message POSTs, results read off the stream.</summary>
internal sealed class McpSseClient : IAsyncDisposable
{
    private readonly HttpClient _client;
    private readonly HttpResponseMessage _response;
    private readonly StreamReader _reader;
    private readonly CancellationTokenSource _stop = new();
    private readonly ConcurrentDictionary<string, JsonNode> _results = new();
    private readonly SemaphoreSlim _arrived = new(0);
    private Task _readLoop = Task.CompletedTask;

    private McpSseClient(HttpClient client, HttpResponseMessage response, StreamReader reader)
    {
        _client = client;
        _response = response;
        _reader = reader;
    }

    /// <summary>The POST path the server announced in its endpoint event, session id included.</summary>
    public string MessagesPath { get; private set; } = "";

    public string SessionId => MessagesPath[(MessagesPath.IndexOf("session_id=", StringComparison.Ordinal) + "session_id=".Length)..];

    public static async Task<McpSseClient> OpenAsync(HttpClient client, string path)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.Accept.ParseAdd("text/event-stream");
        var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var reader = new StreamReader(await response.Content.ReadAsStreamAsync(), Encoding.UTF8);
        var session = new McpSseClient(client, response, reader);
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
        Assert.Equal("event: endpoint", await reader.ReadLineAsync(timeout.Token));
        var data = await reader.ReadLineAsync(timeout.Token);
        Assert.StartsWith("data: /mcp/messages/?session_id=", data);
        session.MessagesPath = data!["data: ".Length..];
        session._readLoop = Task.Run(session.ReadEventsAsync);
        return session;
    }

    /// <summary>
    /// POSTs one JSON-RPC message with a Content-Length, as the MCP SDKs do (Python's httpx, Node's fetch with a string
    /// body); OpenMemory answers 200 {"status":"ok"} whatever it is.
    /// </summary>
    public async Task SendAsync(JsonObject message, string? path = null)
    {
        using var response = await _client.PostAsync(path ?? MessagesPath, new StringContent(message.ToJsonString(), Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("ok", (await response.Content.ReadFromJsonAsync<JsonObject>())?["status"]?.GetValue<string>());
    }

    public Task CallToolAsync(int id, string tool, JsonObject? arguments = null, string? path = null) => SendAsync(new JsonObject
    {
        ["jsonrpc"] = "2.0", ["id"] = id, ["method"] = "tools/call",
        ["params"] = new JsonObject { ["name"] = tool, ["arguments"] = arguments ?? new JsonObject() },
    }, path);

    public Task RequestAsync(int id, string method, JsonObject? parameters = null)
        => SendAsync(new JsonObject { ["jsonrpc"] = "2.0", ["id"] = id, ["method"] = method, ["params"] = parameters ?? new JsonObject() });

    public Task NotifyAsync(string method) => SendAsync(new JsonObject { ["jsonrpc"] = "2.0", ["method"] = method });

    /// <summary>Waits until the stream has delivered the responses to all of <paramref name="ids"/>.</summary>
    public async Task<IReadOnlyDictionary<int, JsonNode>> WaitForResultsAsync(TimeSpan timeout, params int[] ids)
    {
        using var cts = new CancellationTokenSource(timeout);
        while (!ids.All(id => _results.ContainsKey(id.ToString())))
        {
            await _arrived.WaitAsync(cts.Token);
        }

        return ids.ToDictionary(id => id, id => _results[id.ToString()]);
    }

    public async ValueTask DisposeAsync()
    {
        _stop.Cancel();
        _response.Dispose();
        try
        {
            await _readLoop;
        }
        catch (Exception)
        {
            // The read loop ends with whatever the aborted stream throws.
        }

        _reader.Dispose();
    }

    private async Task ReadEventsAsync()
    {
        string? eventName = null;
        var data = new StringBuilder();
        while (await _reader.ReadLineAsync(_stop.Token) is { } line)
        {
            if (line.Length == 0)
            {
                if (eventName is null or "message" && data.Length > 0 && JsonNode.Parse(data.ToString()) is JsonObject message
                    && message["id"] is { } id)
                {
                    _results[id.ToString()] = message;
                    _arrived.Release();
                }

                eventName = null;
                data.Clear();
            }
            else if (line.StartsWith("event: ", StringComparison.Ordinal))
            {
                eventName = line["event: ".Length..];
            }
            else if (line.StartsWith("data: ", StringComparison.Ordinal))
            {
                data.Append(line["data: ".Length..]);
            }
        }
    }
}
