using System.Collections.Concurrent;
using System.Net;
using Mem0Gateway.Testing;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using ModelContextProtocol.Server;

namespace Mem0Gateway.Tests.SessionAffinity;

/// <summary>
/// A real MCP server (the official C# SDK) on a loopback port: Streamable HTTP at <see cref="Path"/> and the 2024
/// HTTP+SSE transport at <c>{Path}/sse</c> + <c>{Path}/message</c>. Sessions live in this process only, as they do in
/// OpenMemory, so a message that reaches the other server is "session not found" (404).
/// </summary>
public sealed class SdkMcpServer : IAsyncDisposable
{
    public const string Path = "/mcp/sdk";

    private readonly WebApplication _app;

    private SdkMcpServer(WebApplication app, string name, Uri baseAddress, ConcurrentQueue<(string Method, string Target, string? SessionHeader, int Status)> requests)
    {
        _app = app;
        Name = name;
        BaseAddress = baseAddress;
        Requests = requests;
    }

    public string Name { get; }

    public Uri BaseAddress { get; }

    /// <summary>Every request this server answered: method, path and query, the Mcp-Session-Id it got, the status it gave.</summary>
    public ConcurrentQueue<(string Method, string Target, string? SessionHeader, int Status)> Requests { get; }

    public int NotFound => Requests.Count(r => r.Status == 404);

    public static async Task<SdkMcpServer> StartAsync(string name)
    {
        var port = FreePorts.Allocate();
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(k => k.Listen(IPAddress.Loopback, port));
        builder.Services.AddMcpServer(o => o.ServerInfo = new() { Name = name, Version = "1.0.0" })
            .WithHttpTransport(o =>
            {
                o.Stateless = false;
#pragma warning disable MCP9004 // the 2024 SSE transport is what is tested
                o.EnableLegacySse = true;
#pragma warning restore MCP9004
            })
            .WithTools([McpServerTool.Create((string query) => $"{name}: {query}", new() { Name = "search_memory" })]);
        var app = builder.Build();
        var requests = new ConcurrentQueue<(string, string, string?, int)>();
        app.Use(async (HttpContext ctx, RequestDelegate next) =>
        {
            var target = ctx.Request.Path + ctx.Request.QueryString;
            var session = ctx.Request.Headers["Mcp-Session-Id"].ToString();
            await next(ctx);
            requests.Enqueue((ctx.Request.Method, target, session.Length > 0 ? session : null, ctx.Response.StatusCode));
        });
        app.MapMcp(Path);
        await app.StartAsync();
        return new SdkMcpServer(app, name, new Uri($"http://127.0.0.1:{port}/"), requests);
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync(TimeSpan.FromSeconds(5));
        await _app.DisposeAsync();
    }
}
