namespace Mem0Gateway.Proxy;

/// <summary>One local listener: the service it serves and the pseudo-route its unmatched requests are counted under.</summary>
public sealed class ServiceListener
{
    public ServiceListener(string service, int port, bool isManagement)
    {
        Service = service;
        Port = port;
        IsManagement = isManagement;
        Unmatched = ProxyRouteDescriptor.Unmatched(service, port);
    }

    public string Service { get; }

    public int Port { get; }

    public bool IsManagement { get; }

    public ProxyRouteDescriptor Unmatched { get; }
}
