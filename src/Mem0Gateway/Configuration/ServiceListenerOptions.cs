namespace Mem0Gateway.Configuration;

/// <summary>The listener of one upstream service (<c>Gateway:Services:&lt;name&gt;</c>).</summary>
public sealed class ServiceListenerOptions
{
    /// <summary>Local port clients call for this service. Requests on it can only match this service's routes.</summary>
    public int Port { get; set; }

    /// <summary>Whether readiness requires at least one healthy destination of this service.</summary>
    public bool Required { get; set; } = true;

    /// <summary>The stack (<c>mem0</c>, <c>openmemory</c>) this service belongs to; unset: every stack.</summary>
    public string? Stack { get; set; }

    /// <summary>
    /// The service serves a browser UI: its origin (this port on the request's host) may call the other services
    /// cross-origin and gets CORS headers on the gateway's own error answers.
    /// </summary>
    public bool BrowserUi { get; set; }

    /// <summary>Origins allowed to call this service from a browser, besides the run browser UIs' own origins.</summary>
    public List<string> AllowedOrigins { get; set; } = [];

    /// <summary>Rewrite a <c>Location</c> naming the destination's own address to the gateway's address.</summary>
    public bool RewriteLocation { get; set; } = true;

    public bool IsInStack(string stack)
        => string.IsNullOrEmpty(Stack)
            || string.Equals(stack, GatewayOptions.AllStacks, StringComparison.OrdinalIgnoreCase)
            || string.Equals(stack, Stack, StringComparison.OrdinalIgnoreCase);
}
