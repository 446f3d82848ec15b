using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Mem0Gateway.Testing;

/// <summary>
/// A real HTTP server on 127.0.0.1 that answers like the mem0 REST API and the OpenMemory API (their documented
/// response shapes), records every request it receives, and plays OpenMemory's MCP SSE transport.
/// Test hooks travel as request headers, so paths stay exactly what a mem0 client sends:
/// <c>x-test-delay-ms</c> (answer late), <c>x-test-status</c> (answer with that status),
/// <c>x-test-response-bytes</c> (stream a body of that size). Benchmarks pace it with <see cref="Delay"/>,
/// <see cref="SlowEvery"/> and <see cref="FailEvery"/>, and turn recording off so a long soak does not grow its memory.
/// </summary>
public sealed class FakeMem0Upstream : IAsyncDisposable
{
    public const string DelayHeader = "x-test-delay-ms";
    public const string StatusHeader = "x-test-status";
    public const string ResponseBytesHeader = "x-test-response-bytes";

    /// <summary>Bodies larger than this are hashed, not kept.</summary>
    private const int MaxKeptBody = 1 << 20;

    private readonly ConcurrentQueue<RecordedRequest> _requests = new();
    private long _requestCount;
    private long _pacedCount;
    private int _healthProbes;
    private readonly ConcurrentDictionary<string, FakeMcpSession> _sessions = new();
    private WebApplication? _app;

    private FakeMem0Upstream(int port) => Port = port;

    public int Port { get; }

    public Uri BaseAddress => new($"http://127.0.0.1:{Port}/");

    /// <summary>Requests from clients; the gateway's active health probes are counted apart, in <see cref="HealthProbes"/>.</summary>
    public IReadOnlyCollection<RecordedRequest> Requests => _requests;

    /// <summary>How many active health probes (User-Agent "... Active Health Check Monitor") arrived.</summary>
    public int HealthProbes => Volatile.Read(ref _healthProbes);

    public IReadOnlyDictionary<string, FakeMcpSession> McpSessions => _sessions;

    /// <summary>Interval of the SSE keep-alive comments (sse-starlette sends one every 15 s).</summary>
    public TimeSpan PingInterval { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>Delay before a JSON-RPC result is written to the SSE stream, per tool name ("*" for any method).</summary>
    public ConcurrentDictionary<string, TimeSpan> McpResultDelays { get; } = new();

    public bool IsRunning => _app is not null;

    /// <summary>Keep every client request in <see cref="Requests"/> (on by default; off for long benchmark runs).</summary>
    public bool RecordRequests { get; set; } = true;

    /// <summary>How many client requests arrived (recorded or not; health probes apart).</summary>
    public long RequestCount => Interlocked.Read(ref _requestCount);

    /// <summary>Delay before every mem0 REST answer (/memories..., /search) and, unless <see cref="McpResultDelays"/> says otherwise, every MCP result.</summary>
    public TimeSpan Delay { get; set; }

    /// <summary>If &gt; 0, every Nth mem0 REST request waits <see cref="SlowDelay"/> instead of <see cref="Delay"/>.</summary>
    public int SlowEvery { get; set; }

    public TimeSpan SlowDelay { get; set; }

    /// <summary>If &gt; 0, every Nth mem0 REST request answers 500.</summary>
    public int FailEvery { get; set; }

    /// <summary>Every mem0 user id seen: in a query string, a request body or an MCP path.</summary>
    public ConcurrentDictionary<string, byte> SeenUsers { get; } = new();

    public static async Task<FakeMem0Upstream> StartAsync(int? port = null)
    {
        for (var attempt = 1; ; attempt++)
        {
            var upstream = new FakeMem0Upstream(port ?? FreePorts.Allocate());
            try
            {
                await upstream.StartAsync();
                return upstream;
            }
            catch (IOException) when (port is null && attempt < 3)
            {
                // The free port was taken before we bound it: take another.
            }
        }
    }

    /// <summary>Starts (again) on the same port: a restarted backend.</summary>
    public async Task StartAsync()
    {
        if (_app is not null)
        {
            return;
        }

        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(k =>
        {
            k.Listen(IPAddress.Loopback, Port);
            k.Limits.MaxRequestBodySize = null;
        });
        var app = builder.Build();
        app.Use(RecordAndApplyHooksAsync);
        MapMem0(app);
        MapOpenMemory(app);
        app.MapFallback(ctx => Json(ctx, new JsonObject { ["detail"] = "Not Found" }, 404));
        try
        {
            await app.StartAsync();
        }
        catch
        {
            await app.DisposeAsync();
            throw;
        }

        _app = app;
    }

    /// <summary>Stops listening: the next connection is refused.</summary>
    public async Task StopAsync()
    {
        var app = Interlocked.Exchange(ref _app, null);
        if (app is null)
        {
            return;
        }

        foreach (var session in _sessions.Values)
        {
            session.Close();
        }

        await app.StopAsync(TimeSpan.FromSeconds(2));
        await app.DisposeAsync();
    }

    public ValueTask DisposeAsync() => new(StopAsync());

    /// <summary>
    /// Serves until <paramref name="cancel"/> fires, Ctrl-C or SIGTERM: the benchmarks' upstream. Nothing is recorded, so a
    /// long soak keeps a flat memory; a non-zero <paramref name="mcpPort"/> adds a second listener for the OpenMemory side.
    /// </summary>
    public static async Task ServeAsync(int port, int mcpPort, TimeSpan delay, TextWriter stdout, CancellationToken cancel)
    {
        await using var mem0 = await StartAsync(port);
        await using var openMemory = mcpPort != 0 ? await StartAsync(mcpPort) : null;
        foreach (var upstream in new[] { mem0, openMemory }.OfType<FakeMem0Upstream>())
        {
            upstream.RecordRequests = false;
            upstream.ClearRequests();
            upstream.Delay = delay;
        }

        stdout.WriteLine($"fake mem0 on http://127.0.0.1:{mem0.Port}"
            + (openMemory is null ? "" : $", fake OpenMemory MCP on http://127.0.0.1:{openMemory.Port}") + "; Ctrl-C to stop");
        var done = new TaskCompletionSource();
        using var cancelled = cancel.Register(() => done.TrySetResult());
        // The host's console lifetime turns Ctrl-C and SIGTERM into a stop of the application.
        using var mem0Stopping = mem0._app!.Lifetime.ApplicationStopping.Register(() => done.TrySetResult());
        using var openMemoryStopping = openMemory?._app!.Lifetime.ApplicationStopping.Register(() => done.TrySetResult());
        await done.Task;
    }

    public IEnumerable<RecordedRequest> RequestsTo(string method, string path)
        => _requests.Where(r => r.Method == method && r.Path == path);

    public void ClearRequests() => _requests.Clear();

    private async Task RecordAndApplyHooksAsync(HttpContext ctx, Func<Task> next)
    {
        var record = RecordRequests;
        var (body, length, sha) = await ReadBodyAsync(ctx.Request, record);
        ctx.Items["body"] = body;
        if (ctx.Request.Headers.UserAgent.ToString().Contains("Active Health Check Monitor", StringComparison.Ordinal))
        {
            Interlocked.Increment(ref _healthProbes);
            await next();
            return;
        }

        Interlocked.Increment(ref _requestCount);
        if (record)
        {
            var headers = ctx.Request.Headers.ToDictionary(h => h.Key, h => h.Value.ToString(), StringComparer.OrdinalIgnoreCase);
            _requests.Enqueue(new RecordedRequest(ctx.Request.Method, ctx.Request.Path.Value ?? "", ctx.Request.QueryString.Value ?? "",
                headers, body, length, sha, ctx.Request.Host.Value ?? ""));
        }

        var path = ctx.Request.Path.Value ?? "";
        if (path.StartsWith("/memories", StringComparison.Ordinal) || path == "/search")
        {
            SawUser(ctx.Request.Query["user_id"].ToString());
            SawUser(BodyJson(ctx)?["user_id"] is JsonValue userId && userId.TryGetValue<string>(out var id) ? id : null);
            if (!await PaceAsync(ctx))
            {
                return;
            }
        }

        if (int.TryParse(ctx.Request.Headers[DelayHeader], out var delayMs) && delayMs > 0)
        {
            try
            {
                await Task.Delay(delayMs, ctx.RequestAborted);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }

        if (int.TryParse(ctx.Request.Headers[StatusHeader], out var status) && status >= 400)
        {
            await Json(ctx, new JsonObject { ["detail"] = $"injected failure {status}" }, status);
            return;
        }

        if (long.TryParse(ctx.Request.Headers[ResponseBytesHeader], out var bytes) && bytes > 0)
        {
            await StreamBytesAsync(ctx, bytes);
            return;
        }

        await next();
    }

    private void SawUser(string? userId)
    {
        if (!string.IsNullOrEmpty(userId))
        {
            SeenUsers.TryAdd(userId, 0);
        }
    }

    /// <summary>Applies the benchmark knobs to one mem0 REST request; false when it was answered with the injected 500.</summary>
    private async Task<bool> PaceAsync(HttpContext ctx)
    {
        if (Delay <= TimeSpan.Zero && SlowEvery <= 0 && FailEvery <= 0)
        {
            return true;
        }

        var n = Interlocked.Increment(ref _pacedCount);
        try
        {
            await WaitAtLeastAsync(SlowEvery > 0 && n % SlowEvery == 0 ? SlowDelay : Delay, ctx.RequestAborted);
        }
        catch (OperationCanceledException)
        {
            return false;
        }

        if (FailEvery > 0 && n % FailEvery == 0)
        {
            await Json(ctx, new JsonObject { ["detail"] = "fake failure" }, 500);
            return false;
        }

        return true;
    }

    /// <summary>Waits at least <paramref name="delay"/>: .NET timers may fire about a millisecond early, and a benchmark's floor must hold.</summary>
    private static async Task WaitAtLeastAsync(TimeSpan delay, CancellationToken cancel)
    {
        if (delay <= TimeSpan.Zero)
        {
            return;
        }

        var start = Stopwatch.GetTimestamp();
        await Task.Delay(delay, cancel);
        while (Stopwatch.GetElapsedTime(start) < delay)
        {
            await Task.Delay(1, cancel);
        }
    }

    private static async Task<(byte[] Body, long Length, string Sha256)> ReadBodyAsync(HttpRequest request, bool hashBody)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        using var kept = new MemoryStream();
        var buffer = new byte[64 * 1024];
        long total = 0;
        int read;
        while ((read = await request.Body.ReadAsync(buffer)) > 0)
        {
            if (hashBody)
            {
                hash.AppendData(buffer, 0, read);
            }

            if (kept.Length < MaxKeptBody)
            {
                kept.Write(buffer, 0, (int)Math.Min(read, MaxKeptBody - kept.Length));
            }

            total += read;
        }

        return (kept.ToArray(), total, hashBody ? Convert.ToHexString(hash.GetHashAndReset()) : "");
    }

    private static async Task StreamBytesAsync(HttpContext ctx, long bytes)
    {
        ctx.Response.ContentType = "application/zip";
        ctx.Response.ContentLength = bytes;
        var chunk = new byte[64 * 1024];
        for (var i = 0; i < chunk.Length; i++)
        {
            chunk[i] = (byte)(i * 31);
        }

        for (long sent = 0; sent < bytes;)
        {
            var n = (int)Math.Min(chunk.Length, bytes - sent);
            await ctx.Response.Body.WriteAsync(chunk.AsMemory(0, n), ctx.RequestAborted);
            sent += n;
        }
    }

    private static JsonNode? BodyJson(HttpContext ctx)
    {
        var body = (byte[])ctx.Items["body"]!;
        try
        {
            return body.Length == 0 ? null : JsonNode.Parse(body);
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static Task Json(HttpContext ctx, JsonNode body, int status = 200)
    {
        ctx.Response.StatusCode = status;
        ctx.Response.ContentType = "application/json";
        return ctx.Response.WriteAsync(body.ToJsonString());
    }

    private static JsonObject MemoryRow(string id, string text, string? userId) => new()
    {
        ["id"] = id,
        ["memory"] = text,
        ["hash"] = Convert.ToHexString(MD5.HashData(Encoding.UTF8.GetBytes(text))).ToLowerInvariant(),
        ["metadata"] = new JsonObject(),
        ["created_at"] = "2026-11-25T10:00:00-08:00",
        ["updated_at"] = null,
        ["user_id"] = userId,
    };

    private static void MapMem0(WebApplication app)
    {
        app.MapPost("/memories", ctx =>
        {
            var body = BodyJson(ctx);
            var text = body?["messages"]?.AsArray().LastOrDefault()?["content"]?.GetValue<string>() ?? "";
            return Json(ctx, new JsonObject
            {
                ["results"] = new JsonArray(new JsonObject { ["id"] = Guid.NewGuid().ToString(), ["memory"] = text, ["event"] = "ADD" }),
            });
        });
        app.MapGet("/memories", ctx => ctx.Request.Query.ContainsKey("user_id") || ctx.Request.Query.ContainsKey("agent_id") || ctx.Request.Query.ContainsKey("run_id")
            ? Json(ctx, new JsonObject { ["results"] = new JsonArray(MemoryRow(Guid.NewGuid().ToString(), "likes tea", ctx.Request.Query["user_id"])) })
            : Json(ctx, new JsonObject { ["detail"] = "At least one identifier is required." }, 400));
        app.MapDelete("/memories", ctx => Json(ctx, new JsonObject { ["message"] = "All relevant memories deleted" }));
        app.MapGet("/memories/{memoryId}", (HttpContext ctx, string memoryId) => Json(ctx, MemoryRow(memoryId, "likes tea", "u")));
        app.MapPut("/memories/{memoryId}", ctx => Json(ctx, new JsonObject { ["message"] = "Memory updated successfully!" }));
        app.MapDelete("/memories/{memoryId}", ctx => Json(ctx, new JsonObject { ["message"] = "Memory deleted successfully" }));
        app.MapGet("/memories/{memoryId}/history", (HttpContext ctx, string memoryId) => Json(ctx, new JsonArray(new JsonObject
        {
            ["id"] = Guid.NewGuid().ToString(), ["memory_id"] = memoryId, ["old_memory"] = null, ["new_memory"] = "likes tea", ["event"] = "ADD",
        })));
        app.MapPost("/search", ctx => Json(ctx, new JsonObject
        {
            ["results"] = new JsonArray(MemoryRow(Guid.NewGuid().ToString(), "likes tea", BodyJson(ctx)?["user_id"]?.GetValue<string>())),
        }));
        app.MapPost("/reset", ctx => Json(ctx, new JsonObject { ["message"] = "All memories reset" }));
        app.MapPost("/configure", ctx => Json(ctx, new JsonObject { ["message"] = "Configuration set successfully" }));
        app.MapGet("/", ctx =>
        {
            ctx.Response.StatusCode = 307;
            ctx.Response.Headers.Location = "/docs";
            return Task.CompletedTask;
        });
        app.MapGet("/docs", ctx =>
        {
            ctx.Response.ContentType = "text/html";
            return ctx.Response.WriteAsync("<html><title>Mem0 REST APIs - Swagger UI</title></html>");
        });
        app.MapGet("/openapi.json", ctx => Json(ctx, new JsonObject { ["openapi"] = "3.1.0", ["info"] = new JsonObject { ["title"] = "Mem0 REST APIs", ["version"] = "1.0.0" } }));
        // An OTLP/HTTP sink for benchmarks: an empty 200 is a valid empty Export*ServiceResponse.
        foreach (var signal in new[] { "traces", "metrics", "logs" })
        {
            app.MapPost("/v1/" + signal, ctx =>
            {
                ctx.Response.ContentType = "application/x-protobuf";
                return Task.CompletedTask;
            });
        }
    }

    private void MapOpenMemory(WebApplication app)
    {
        app.MapGet("/api/v1/memories/", ctx => Json(ctx, new JsonObject { ["items"] = new JsonArray(), ["total"] = 0, ["page"] = 1, ["size"] = 50, ["pages"] = 0 }));
        app.MapPost("/api/v1/memories/", ctx => Json(ctx, new JsonObject
        {
            ["id"] = Guid.NewGuid().ToString(), ["content"] = BodyJson(ctx)?["text"]?.GetValue<string>(), ["state"] = "active",
        }));
        app.MapPost("/api/v1/memories/filter", ctx => Json(ctx, new JsonObject { ["items"] = new JsonArray(), ["total"] = 0, ["page"] = 1, ["size"] = 10, ["pages"] = 0 }));
        app.MapGet("/api/v1/apps/", ctx => Json(ctx, new JsonObject { ["total"] = 1, ["page"] = 1, ["page_size"] = 1, ["apps"] = new JsonArray() }));
        app.MapGet("/api/v1/config/{**section}", ctx =>
        {
            if (!ctx.Request.Path.Value!.EndsWith('/'))
            {
                // FastAPI's redirect_slashes: an absolute Location built from the Host header the API received.
                ctx.Response.StatusCode = 307;
                ctx.Response.Headers.Location = $"http://{ctx.Request.Host}{ctx.Request.Path}/";
                return Task.CompletedTask;
            }

            return Json(ctx, new JsonObject { ["openmemory"] = new JsonObject(), ["mem0"] = new JsonObject() });
        });
        app.MapPost("/api/v1/backup/export", ctx => StreamBytesAsync(ctx, 256 * 1024));
        app.MapGet("/mcp/{clientName}/sse/{userId}", ServeMcpStreamAsync);
        app.MapPost("/mcp/messages/", AcceptMcpMessageAsync);
        app.MapPost("/mcp/{clientName}/sse/{userId}/messages/", AcceptMcpMessageAsync);
        app.MapPost("/mcp/{clientName}/http/{userId}", async ctx =>
        {
            var message = BodyJson(ctx);
            var reply = McpReply(message);
            if (reply is null)
            {
                ctx.Response.StatusCode = 202;
                return;
            }

            await WaitAtLeastAsync(ResultDelay(message), ctx.RequestAborted);
            await Json(ctx, reply);
        });
    }

    private async Task ServeMcpStreamAsync(HttpContext ctx, string clientName, string userId)
    {
        SawUser(userId);
        var session = new FakeMcpSession(Guid.NewGuid().ToString("N"), clientName, userId);
        _sessions[session.SessionId] = session;
        try
        {
            ctx.Response.ContentType = "text/event-stream";
            ctx.Response.Headers.CacheControl = "no-store";
            await ctx.Response.WriteAsync($"event: endpoint\r\ndata: /mcp/messages/?session_id={session.SessionId}\r\n\r\n");
            await ctx.Response.Body.FlushAsync();
            using var ping = new PeriodicTimer(PingInterval);
            var pingTask = ping.WaitForNextTickAsync(ctx.RequestAborted).AsTask();
            var eventTask = session.Events.WaitToReadAsync(ctx.RequestAborted).AsTask();
            while (true)
            {
                var done = await Task.WhenAny(pingTask, eventTask);
                if (done == pingTask)
                {
                    if (!await pingTask)
                    {
                        break;
                    }

                    await ctx.Response.WriteAsync($": ping - {DateTime.UtcNow:O}\r\n\r\n");
                    await ctx.Response.Body.FlushAsync();
                    pingTask = ping.WaitForNextTickAsync(ctx.RequestAborted).AsTask();
                    continue;
                }

                if (!await eventTask)
                {
                    break; // closed by the test: end of stream
                }

                while (session.Events.TryRead(out var framed))
                {
                    await ctx.Response.WriteAsync(framed);
                }

                await ctx.Response.Body.FlushAsync();
                eventTask = session.Events.WaitToReadAsync(ctx.RequestAborted).AsTask();
            }
        }
        catch (OperationCanceledException)
        {
            // The client went away.
        }
        finally
        {
            _sessions.TryRemove(session.SessionId, out _);
        }
    }

    private async Task AcceptMcpMessageAsync(HttpContext ctx)
    {
        // OpenMemory answers every message POST with 200 {"status":"ok"}, whatever happens; the result goes on the stream.
        var message = BodyJson(ctx);
        if (ctx.Request.Query["session_id"].ToString() is { Length: > 0 } sessionId
            && _sessions.TryGetValue(sessionId, out var session)
            && McpReply(message) is { } reply)
        {
            var delay = ResultDelay(message);
            _ = Task.Run(async () =>
            {
                await WaitAtLeastAsync(delay, CancellationToken.None);
                session.Send($"event: message\r\ndata: {reply.ToJsonString()}\r\n\r\n");
            });
        }

        await Json(ctx, new JsonObject { ["status"] = "ok" });
    }

    private TimeSpan ResultDelay(JsonNode? message)
    {
        var tool = message?["params"]?["name"]?.GetValue<string>();
        return tool is not null && McpResultDelays.TryGetValue(tool, out var d) ? d
            : McpResultDelays.TryGetValue("*", out var any) ? any : Delay;
    }

    /// <summary>The JSON-RPC response OpenMemory's MCP server would produce; null for notifications.</summary>
    public static JsonObject? McpReply(JsonNode? message)
    {
        var id = message?["id"]?.DeepClone();
        var method = message?["method"]?.GetValue<string>();
        if (id is null || method is null)
        {
            return null;
        }

        JsonObject Text(string text, bool isError = false) => new()
        {
            ["content"] = new JsonArray(new JsonObject { ["type"] = "text", ["text"] = text }),
            ["isError"] = isError,
        };

        JsonNode? result = method switch
        {
            "initialize" => new JsonObject
            {
                ["protocolVersion"] = "2024-11-05",
                ["capabilities"] = new JsonObject { ["tools"] = new JsonObject { ["listChanged"] = false } },
                ["serverInfo"] = new JsonObject { ["name"] = "mem0-mcp-server", ["version"] = "1.9.4" },
            },
            "tools/list" => new JsonObject
            {
                ["tools"] = new JsonArray(
                    new JsonObject { ["name"] = "add_memories" }, new JsonObject { ["name"] = "search_memory" },
                    new JsonObject { ["name"] = "list_memories" }, new JsonObject { ["name"] = "delete_memories" },
                    new JsonObject { ["name"] = "delete_all_memories" }),
            },
            "ping" => new JsonObject(),
            "tools/call" => message?["params"]?["name"]?.GetValue<string>() switch
            {
                "add_memories" => Text("{\"results\":[{\"id\":\"" + Guid.NewGuid() + "\",\"memory\":\"stored\",\"event\":\"ADD\"}]}"),
                "search_memory" => Text("{\"results\":[]}"),
                "list_memories" => Text("[]"),
                "delete_memories" => Text("Successfully deleted 1 memories"),
                "delete_all_memories" => Text("Successfully deleted all memories"),
                "fail_tool" => Text("Error: Memory system is currently unavailable. Please try again later."),
                _ => null,
            },
            _ => null,
        };

        return result is null
            ? new JsonObject { ["jsonrpc"] = "2.0", ["id"] = id, ["error"] = new JsonObject { ["code"] = -32601, ["message"] = "Method not found" } }
            : new JsonObject { ["jsonrpc"] = "2.0", ["id"] = id, ["result"] = result };
    }
}
