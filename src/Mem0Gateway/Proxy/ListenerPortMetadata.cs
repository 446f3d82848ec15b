namespace Mem0Gateway.Proxy;

/// <summary>Pins a non-proxy endpoint (management, health) to one listener port.</summary>
public sealed record ListenerPortMetadata(int ListenerPort) : IListenerPortMetadata;
