using System.Collections.Concurrent;
using System.Net;
using System.Text;
using System.Text.Json;
using System.Threading.Channels;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.Logging;

namespace Mem0Gateway.LoadTests;

/// <summary>
/// A fake mem0 REST API plus the OpenMemory MCP SSE endpoints, answering like mem0 and
/// OpenMemory do. Used by the tests and by the benchmark scripts. Listens on 127.0.0.1 only.
/// </summary>
public sealed class FakeUpstream : IAsyncDisposable
{
    private WebApplication? _app;
    private long _requests;
    private readonly ConcurrentDictionary<string, Channel<string>> _sessions = new();

    /// <summary>Delay before every REST answer and before every MCP result.</summary>
    public TimeSpan Delay { get; set; }
    /// <summary>If &gt; 0, every Nth REST request waits SlowDelay instead of Delay.</summary>
    public int SlowEvery { get; set; }
    public TimeSpan SlowDelay { get; set; }
    /// <summary>If &gt; 0, every Nth REST request answers 500.</summary>
    public int FailEvery { get; set; }
    public int Port { get; private set; }
    public int McpPort { get; private set; }
    /// <summary>Fires when the host stops (for example on SIGTERM).</summary>
    public CancellationToken Stopping => _app?.Lifetime.ApplicationStopping ?? CancellationToken.None;
    public long Requests => Interlocked.Read(ref _requests);
    public int OpenStreams => _sessions.Count;
    public TimeSpan PingInterval { get; set; } = TimeSpan.FromSeconds(15);
    /// <summary>Every user id seen in a query string, body or MCP path.</summary>
    public ConcurrentDictionary<string, byte> SeenUsers { get; } = new();

    private void Saw(string? user)
    {
        if (!string.IsNullOrEmpty(user))
        {
            SeenUsers.TryAdd(user, 0);
        }
    }

    public async Task StartAsync(int port = 0, int mcpPort = 0, bool mcp = true)
    {
        var b = WebApplication.CreateSlimBuilder();
        b.Logging.ClearProviders();
        b.WebHost.ConfigureKestrel(k =>
        {
            k.Limits.MaxConcurrentConnections = null;
            k.Limits.MaxConcurrentUpgradedConnections = null;
            k.Listen(IPAddress.Loopback, port);
            if (mcp)
            {
                k.Listen(IPAddress.Loopback, mcpPort);
            }
        });
        var app = b.Build();
        MapMem0(app);
        MapMcp(app);
        await app.StartAsync();
        var addrs = app.Urls.Select(u => new Uri(u).Port).ToList();
        Port = addrs[0];
        McpPort = mcp ? addrs[1] : 0;
        _app = app;
    }

    private async Task<bool> Pace(HttpContext ctx)
    {
        long n = Interlocked.Increment(ref _requests);
        var d = SlowEvery > 0 && n % SlowEvery == 0 ? SlowDelay : Delay;
        await Wait(d, ctx.RequestAborted);
        if (FailEvery > 0 && n % FailEvery == 0)
        {
            ctx.Response.StatusCode = 500;
            await ctx.Response.WriteAsJsonAsync(new { detail = "fake failure" });
            return false;
        }
        return true;
    }

    /// <summary>Waits at least d: .NET timers may fire about a millisecond early, the benchmark fake must not.</summary>
    private static async Task Wait(TimeSpan d, CancellationToken ct)
    {
        if (d <= TimeSpan.Zero)
        {
            return;
        }

        long start = System.Diagnostics.Stopwatch.GetTimestamp();
        await Task.Delay(d, ct);
        while (System.Diagnostics.Stopwatch.GetElapsedTime(start) < d)
        {
            await Task.Delay(1, ct);
        }
    }

    private static async Task Json(HttpContext ctx, string json)
    {
        ctx.Response.ContentType = "application/json";
        await ctx.Response.WriteAsync(json);
    }

    private void MapMem0(WebApplication app)
    {
        const string Mem = """{"id":"{ID}","memory":"Is vegetarian","hash":"0b1c","metadata":{"source":"loadtest"},"created_at":"2026-01-01T00:00:00+00:00","updated_at":null,"user_id":"{U}"}""";
        app.MapPost("/memories", async ctx =>
        {
            using var doc = await JsonDocument.ParseAsync(ctx.Request.Body);
            if (!await Pace(ctx))
            {
                return;
            }

            Saw(doc.RootElement.TryGetProperty("user_id", out var uid) ? uid.GetString() : null);
            await Json(ctx, $$"""{"results":[{"id":"{{Guid.NewGuid()}}","memory":"Is vegetarian","event":"ADD"},{"id":"{{Guid.NewGuid()}}","memory":"Allergic to peanuts","event":"ADD"}]}""");
        });
        app.MapGet("/memories", async ctx =>
        {
            if (!await Pace(ctx))
            {
                return;
            }

            var u = ctx.Request.Query["user_id"].ToString();
            Saw(u);
            if (u.Length == 0) { ctx.Response.StatusCode = 400; await Json(ctx, """{"detail":"At least one identifier is required."}"""); return; }
            await Json(ctx, "{\"results\":[" + Mem.Replace("{ID}", "7f1e9c3a-0000-4000-8000-000000000001").Replace("{U}", u) + "]}");
        });
        app.MapDelete("/memories", async ctx =>
        {
            Saw(ctx.Request.Query["user_id"].ToString());
            if (!await Pace(ctx))
            {
                return;
            }

            await Json(ctx, """{"message":"All relevant memories deleted"}""");
        });
        app.MapGet("/memories/{id}", async (HttpContext ctx, string id) =>
        {
            if (!await Pace(ctx))
            {
                return;
            }

            await Json(ctx, Mem.Replace("{ID}", id).Replace("{U}", "lt-user"));
        });
        app.MapPost("/search", async ctx =>
        {
            using var doc = await JsonDocument.ParseAsync(ctx.Request.Body);
            Saw(doc.RootElement.TryGetProperty("user_id", out var uid) ? uid.GetString() : null);
            if (!await Pace(ctx))
            {
                return;
            }

            await Json(ctx, "{\"results\":[" + Mem.Replace("{ID}", "7f1e9c3a-0000-4000-8000-000000000002").Replace("\"metadata\"", "\"score\":0.42,\"metadata\"").Replace("{U}", "lt-user") + "]}");
        });
        app.MapGet("/openapi.json", ctx => Json(ctx, """{"openapi":"3.1.0","info":{"title":"fake mem0","version":"1.0.0"},"paths":{}}"""));
        // an OTLP/HTTP sink: an empty 200 is a valid empty Export*ServiceResponse
        app.MapPost("/v1/{signal}", async ctx =>
        {
            await ctx.Request.Body.CopyToAsync(Stream.Null);
            ctx.Response.ContentType = "application/x-protobuf";
        });
        app.MapGet("/api/v1/apps/", ctx => Json(ctx, """{"total":0,"page":1,"page_size":1,"apps":[]}"""));
    }

    private void MapMcp(WebApplication app)
    {
        app.MapGet("/mcp/{client}/sse/{user}", async (HttpContext ctx, string client, string user) =>
        {
            Saw(user);
            var id = Guid.NewGuid().ToString("N");
            var ch = Channel.CreateUnbounded<string>(new UnboundedChannelOptions { SingleReader = true });
            _sessions[id] = ch;
            try
            {
                ctx.Response.ContentType = "text/event-stream";
                ctx.Response.Headers.CacheControl = "no-store";
                ctx.Response.Headers["X-Accel-Buffering"] = "no";
                await ctx.Response.WriteAsync($"event: endpoint\r\ndata: /mcp/messages/?session_id={id}\r\n\r\n", ctx.RequestAborted);
                await ctx.Response.Body.FlushAsync(ctx.RequestAborted);
                var ct = ctx.RequestAborted;
                while (!ct.IsCancellationRequested)
                {
                    using var ping = CancellationTokenSource.CreateLinkedTokenSource(ct);
                    ping.CancelAfter(PingInterval);
                    string msg;
                    try
                    {
                        msg = await ch.Reader.ReadAsync(ping.Token);
                    }
                    catch (OperationCanceledException) when (!ct.IsCancellationRequested)
                    {
                        await ctx.Response.WriteAsync($": ping - {DateTime.UtcNow:yyyy-MM-dd HH:mm:ss.ffffff}+00:00\r\n\r\n", ct);
                        await ctx.Response.Body.FlushAsync(ct);
                        continue;
                    }
                    await ctx.Response.WriteAsync($"event: message\r\ndata: {msg}\r\n\r\n", ct);
                    await ctx.Response.Body.FlushAsync(ct);
                }
            }
            catch (OperationCanceledException) { }
            catch (IOException) { }
            finally { _sessions.TryRemove(id, out _); }
        });

        async Task Message(HttpContext ctx)
        {
            var sid = ctx.Request.Query["session_id"].ToString();
            using var doc = await JsonDocument.ParseAsync(ctx.Request.Body);
            var root = doc.RootElement;
            string? reply = null;
            if (root.TryGetProperty("id", out var idEl))
            {
                var id = idEl.GetRawText();
                var method = root.TryGetProperty("method", out var m) ? m.GetString() : null;
                reply = method switch
                {
                    "initialize" => $$$$"""{"jsonrpc":"2.0","id":{{{{id}}}},"result":{"protocolVersion":"2024-11-05","capabilities":{"experimental":{},"tools":{"listChanged":false}},"serverInfo":{"name":"mem0-mcp-server","version":"1.9.4"}}}""",
                    "tools/call" => $$$$"""{"jsonrpc":"2.0","id":{{{{id}}}},"result":{"content":[{"type":"text","text":"{\"results\":[{\"id\":\"7f1e9c3a-0000-4000-8000-000000000003\",\"memory\":\"Drinks oat-milk flat whites\",\"score\":0.61}]}"}],"isError":false}}""",
                    "tools/list" => $$$$"""{"jsonrpc":"2.0","id":{{{{id}}}},"result":{"tools":[]}}""",
                    _ => $$$$"""{"jsonrpc":"2.0","id":{{{{id}}}},"result":{}}""",
                };
            }
            if (reply != null && _sessions.TryGetValue(sid, out var ch))
            {
                var d = Delay;
                _ = Task.Run(async () =>
                {
                    await Wait(d, CancellationToken.None);
                    ch.Writer.TryWrite(reply);
                });
            }
            // OpenMemory answers every POST with 200 {"status":"ok"}, even for unknown sessions
            await Json(ctx, """{"status":"ok"}""");
        }
        app.MapPost("/mcp/messages/", Message);
        app.MapPost("/mcp/{client}/sse/{user}/messages/", Message);
    }

    public async ValueTask DisposeAsync()
    {
        if (_app != null)
        {
            using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(2));
            try { await _app.StopAsync(cts.Token); } catch (OperationCanceledException) { }
            await _app.DisposeAsync();
        }
    }

    public static async Task<int> MainAsync(IReadOnlyList<string> args, TextWriter stdout, CancellationToken ct)
    {
        int port = 8888, mcpPort = 8765;
        var delay = TimeSpan.Zero;
        for (int i = 0; i < args.Count; i++)
        {
            string Next() => i + 1 < args.Count ? args[++i] : throw new UsageException($"{args[i]} needs a value");
            switch (args[i])
            {
                case "--port": port = int.Parse(Next()); break;
                case "--mcp-port": mcpPort = int.Parse(Next()); break;
                case "--delay": delay = Parse.Duration(Next()); break;
                default: throw new UsageException($"unknown option '{args[i]}' for fake-upstream");
            }
        }
        await using var f = new FakeUpstream { Delay = delay };
        await f.StartAsync(port, mcpPort, mcpPort != 0);
        stdout.WriteLine($"fake mem0 on http://127.0.0.1:{f.Port}" + (mcpPort != 0 ? $", fake OpenMemory MCP on http://127.0.0.1:{f.McpPort}" : "") + "; Ctrl-C to stop");
        var done = new TaskCompletionSource();
        using var reg = ct.Register(() => done.TrySetResult());
        Console.CancelKeyPress += (_, e) => { e.Cancel = true; done.TrySetResult(); };
        AppDomain.CurrentDomain.ProcessExit += (_, _) => done.TrySetResult();
        using var reg2 = f.Stopping.Register(() => done.TrySetResult()); // SIGTERM is handled by the host lifetime
        await done.Task;
        return 0;
    }
}
