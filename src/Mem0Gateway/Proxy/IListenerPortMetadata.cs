namespace Mem0Gateway.Proxy;

/// <summary>Endpoint metadata naming the one local port an endpoint may be reached on.</summary>
public interface IListenerPortMetadata
{
    int ListenerPort { get; }
}
