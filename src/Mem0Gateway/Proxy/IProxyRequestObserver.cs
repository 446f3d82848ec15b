namespace Mem0Gateway.Proxy;

/// <summary>Something that reports on every request a proxy listener handles: metrics, the access log, traces.</summary>
public interface IProxyRequestObserver
{
    void OnRequestStarted(ProxyRequestContext request);

    /// <summary>
    /// The response headers are about to go out (headers may still be set). One registration per request serves every
    /// observer, so an observer never registers its own <c>Response.OnStarting</c>.
    /// </summary>
    void OnResponseStarting(ProxyRequestContext request)
    {
    }

    void OnRequestCompleted(ProxyRequestContext request);
}
