namespace Mem0Gateway.Proxy;

/// <summary>Something that reports on every request a proxy listener handles: metrics, the access log.</summary>
public interface IProxyRequestObserver
{
    void OnRequestStarted(ProxyRequestContext request);

    void OnRequestCompleted(ProxyRequestContext request);
}
