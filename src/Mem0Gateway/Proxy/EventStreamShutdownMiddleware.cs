namespace Mem0Gateway.Proxy;

/// <summary>
/// Ends open event streams (MCP SSE sessions) as soon as shutdown begins. A stream never finishes on its own, so
/// without this every open session would hold the drain until its timeout and then be cut anyway; ending it at once
/// lets MCP clients reconnect to another replica while ordinary requests finish their drain.
/// </summary>
internal sealed class EventStreamShutdownMiddleware
{
    private static readonly Action<object?> AbortStream = static state => ((HttpContext)state!).Abort();

    private readonly RequestDelegate _next;
    private readonly IHostApplicationLifetime _lifetime;

    public EventStreamShutdownMiddleware(RequestDelegate next, IHostApplicationLifetime lifetime)
    {
        _next = next;
        _lifetime = lifetime;
    }

    public async Task InvokeAsync(HttpContext context)
    {
        if (context.GetEndpoint()?.Metadata.GetMetadata<ProxyRouteDescriptor>() is not { IsStreaming: true })
        {
            await _next(context);
            return;
        }

        using var registration = _lifetime.ApplicationStopping.Register(AbortStream, context);
        await _next(context);
    }
}
