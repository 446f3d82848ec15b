using System.Net;
using System.Text;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;

namespace Mem0Gateway.Tests.Mcp.Sdk;

/// <summary>
/// An MCP server built with the official C# SDK, on a loopback port: Streamable HTTP at <c>/sdk</c> (stateful or
/// stateless) and, when stateful, the 2024 SSE transport at <c>/sdk/sse</c> + <c>/sdk/message</c>. The SDK always
/// answers a POST with an event stream; with <c>jsonResponses</c> each such answer is re-sent as the one JSON object
/// the spec also allows (as OpenMemory's endpoint does), so clients meet both kinds.
/// </summary>
public sealed class SdkMcpUpstream : IAsyncDisposable
{
    private readonly WebApplication _app;

    private SdkMcpUpstream(WebApplication app, Uri address)
    {
        _app = app;
        BaseAddress = address;
    }

    public Uri BaseAddress { get; }

    public static async Task<SdkMcpUpstream> StartAsync(bool stateless, bool jsonResponses)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseKestrel(o => o.Listen(IPAddress.Loopback, 0));
        builder.Logging.ClearProviders();
#pragma warning disable MCP9004, MCP9005, MCP9006, MCP9007, MCP9008, CS0618 // the 2024 SSE transport and stateful sessions are what is tested
        builder.Services.AddMcpServer()
            .WithHttpTransport(o =>
            {
                o.Stateless = stateless;
                o.EnableLegacySse = !stateless;
            })
            .WithTools<OpenMemoryTools>();
#pragma warning restore MCP9004, MCP9005, MCP9006, MCP9007, MCP9008, CS0618
        var app = builder.Build();
        if (jsonResponses)
        {
            app.Use(AnswerAsJsonAsync);
        }

        app.MapMcp("/sdk");
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return new SdkMcpUpstream(app, new Uri(address.Replace("[::]", "127.0.0.1") + "/"));
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync(TimeSpan.FromSeconds(5));
        await _app.DisposeAsync();
    }

    /// <summary>Turns a POST's event-stream answer into its one JSON-RPC response, as application/json.</summary>
    private static async Task AnswerAsJsonAsync(HttpContext context, RequestDelegate next)
    {
        if (!HttpMethods.IsPost(context.Request.Method) || context.Request.Path != "/sdk")
        {
            await next(context);
            return;
        }

        var original = context.Response.Body;
        using var captured = new MemoryStream();
        context.Response.Body = captured;
        try
        {
            await next(context);
        }
        finally
        {
            context.Response.Body = original;
        }

        var body = captured.ToArray();
        if (context.Response.ContentType?.StartsWith("text/event-stream", StringComparison.Ordinal) != true)
        {
            await original.WriteAsync(body);
            return;
        }

        var answer = Encoding.UTF8.GetString(body).Split('\n')
            .Where(l => l.StartsWith("data:", StringComparison.Ordinal))
            .Select(l => l[5..].Trim())
            .LastOrDefault(d => d.Contains("\"result\"", StringComparison.Ordinal) || d.Contains("\"error\"", StringComparison.Ordinal));
        var json = Encoding.UTF8.GetBytes(answer ?? "{}");
        context.Response.Headers.Remove("Content-Encoding");
        context.Response.ContentType = "application/json";
        context.Response.ContentLength = json.Length;
        await original.WriteAsync(json);
    }
}
