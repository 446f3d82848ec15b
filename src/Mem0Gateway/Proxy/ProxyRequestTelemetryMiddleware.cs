namespace Mem0Gateway.Proxy;

/// <summary>
/// Opens a <see cref="ProxyRequestContext"/> for each request on a proxy listener (matched or not), lets the observers
/// see it start, and reports how it ended. A forwarded request's outcome was decided by
/// <see cref="ForwardingOutcomeMiddleware"/>; one that never reached the forwarder (unmatched, refused, failed in the
/// gateway) is decided here, by the same policy, once everything inside has run.
/// </summary>
internal sealed partial class ProxyRequestTelemetryMiddleware
{
    private readonly RequestDelegate _next;
    private readonly ServiceListenerMap _listeners;
    private readonly IProxyRequestObserver[] _observers;
    private readonly ILogger<ProxyRequestTelemetryMiddleware> _logger;
    private readonly ServerSideCallPolicy _serverSideCalls;

    public ProxyRequestTelemetryMiddleware(
        RequestDelegate next,
        ServiceListenerMap listeners,
        IEnumerable<IProxyRequestObserver> observers,
        ServerSideCallPolicy serverSideCalls,
        ILogger<ProxyRequestTelemetryMiddleware> logger)
    {
        _next = next;
        _serverSideCalls = serverSideCalls;
        _listeners = listeners;
        _observers = observers.ToArray();
        _logger = logger;
    }

    public Task InvokeAsync(HttpContext context)
    {
        // Even with every observer off the context is opened: passive health and MCP read the outcome it keeps.
        var endpoint = context.GetEndpoint();
        var route = endpoint?.Metadata.GetMetadata<ProxyRouteDescriptor>();
        if (route is null)
        {
            // A management endpoint (/metrics, /health) is not proxied traffic; an unmatched request is.
            if (endpoint is not null || _listeners.FindByPort(context.Connection.LocalPort) is not { } listener)
            {
                return _next(context);
            }

            route = listener.Unmatched;
        }

        return InvokeObservedAsync(context, route);
    }

    private async Task InvokeObservedAsync(HttpContext context, ProxyRouteDescriptor route)
    {
        var request = new ProxyRequestContext(context, route, _observers)
        {
            IsServerSideCall = _serverSideCalls.IsServerSideCall(context),
        };
        context.Features.Set(request);
        foreach (var observer in _observers)
        {
            observer.OnRequestStarted(request);
        }

        var failed = false;
        try
        {
            await _next(context);
        }
        catch
        {
            failed = true;
            throw;
        }
        finally
        {
            Complete(context, request, failed);
            foreach (var observer in _observers)
            {
                try
                {
                    observer.OnRequestCompleted(request);
                }
                catch (Exception ex)
                {
                    // Reporting must never fail a request that has already been served.
                    Log.ObserverFailed(_logger, observer.GetType().Name, ex);
                }
            }
        }
    }

    private static void Complete(HttpContext context, ProxyRequestContext request, bool failed)
    {
        if (!request.HasOutcome)
        {
            request.SetOutcome(ForwardingOutcomePolicy.Decide(context, forwarded: false, failed, request.ProtocolFault, request.IsEventStream));
        }

        request.Complete();
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = LogEventIds.RequestObserverFailed, Level = LogLevel.Error, Message = "Request observer {Observer} failed.")]
        public static partial void ObserverFailed(ILogger logger, string observer, Exception exception);
    }
}
