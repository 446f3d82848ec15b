namespace Mem0Gateway.Proxy;

/// <summary>Terminal handler for a request no route (and no management endpoint) matched on its port.</summary>
internal static class UnmatchedRequestHandler
{
    public static Task HandleAsync(HttpContext context)
    {
        var listeners = context.RequestServices.GetRequiredService<ServiceListenerMap>();
        var listener = listeners.FindByPort(context.Connection.LocalPort);
        var detail = listener switch
        {
            null => "This port serves nothing.",
            { IsManagement: true } => "Not a management endpoint. The management port serves /metrics and /health/*.",
            _ => $"No route of service '{listener.Service}' matches this method and path.",
        };
        return context.RequestServices.GetRequiredService<GatewayProblemResponder>()
            .WriteAsync(context, StatusCodes.Status404NotFound, "Not found", detail);
    }
}
