namespace Mem0Gateway.Configuration;

/// <summary>The listener of one upstream service (<c>Gateway:Services:&lt;name&gt;</c>).</summary>
public sealed class ServiceListenerOptions
{
    /// <summary>Local port clients call for this service. Requests on it can only match this service's routes.</summary>
    public int Port { get; set; }

    /// <summary>Whether readiness requires at least one healthy destination of this service.</summary>
    public bool Required { get; set; } = true;
}
