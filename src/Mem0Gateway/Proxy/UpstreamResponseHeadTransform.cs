using Yarp.ReverseProxy.Transforms;

namespace Mem0Gateway.Proxy;

/// <summary>
/// Looks once at each upstream answer's status and headers, as YARP copies them: an event stream is marked as one and
/// its headers go to the client at once (YARP would hold them until the first event, which may be seconds away); a
/// 101 to a request that asked for no upgrade is refused before it reaches the client.
/// </summary>
internal static class UpstreamResponseHeadTransform
{
    public static ValueTask ApplyAsync(ResponseTransformContext context)
    {
        if (context.ProxyResponse is not { } upstream)
        {
            return ValueTask.CompletedTask;
        }

        var http = context.HttpContext;
        if (upstream.StatusCode == System.Net.HttpStatusCode.SwitchingProtocols && !ForwardingOutcomePolicy.IsUpgradeRequest(http))
        {
            // Relaying it would switch the client's connection to a protocol it never asked for.
            context.SuppressResponseBody = true;
            http.Features.Get<ProxyRequestContext>()?.MarkProtocolFault(UpstreamErrorKind.UnexpectedUpgrade);
            return ValueTask.CompletedTask;
        }

        // YARP has copied the headers by now: the client-side string, unlike the upstream's parsed header, costs nothing.
        if (http.Response.ContentType is { } contentType
            && contentType.StartsWith("text/event-stream", StringComparison.OrdinalIgnoreCase))
        {
            http.Features.Get<ProxyRequestContext>()?.MarkEventStream();
            return SendHeadersNowAsync(http, context.CancellationToken);
        }

        return ValueTask.CompletedTask;
    }

    private static async ValueTask SendHeadersNowAsync(HttpContext http, CancellationToken cancellationToken)
    {
        await http.Response.StartAsync(cancellationToken);
        await http.Response.Body.FlushAsync(cancellationToken);
    }
}
