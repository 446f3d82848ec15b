namespace Mem0Gateway.Configuration;

/// <summary>The <c>Gateway</c> section of yarp.json: listeners and instrumentation switches.</summary>
public sealed class GatewayOptions
{
    public const string SectionName = "Gateway";

    /// <summary>Address the proxy listeners bind to ("0.0.0.0", "::", "127.0.0.1", "localhost").</summary>
    public string ListenAddress { get; set; } = "0.0.0.0";

    /// <summary>Port of the management listener (/metrics, /health/*). Never shared with a proxy port.</summary>
    public int ManagementPort { get; set; } = 19464;

    /// <summary>Address the management listener binds to.</summary>
    public string ManagementAddress { get; set; } = "0.0.0.0";

    public GatewayLimitsOptions Limits { get; set; } = new();

    public Proxy.TrustedProxiesOptions ForwardedHeaders { get; set; } = new();

    public ShutdownOptions Shutdown { get; set; } = new();

    /// <summary>One listener per upstream service, keyed by the YARP ClusterId (which is also the <c>service</c> label).</summary>
    public Dictionary<string, ServiceListenerOptions> Services { get; set; } = new(StringComparer.OrdinalIgnoreCase);

    public InstrumentationSwitch Metrics { get; set; } = new();

    public InstrumentationSwitch AccessLog { get; set; } = new();

    public InstrumentationSwitch Tracing { get; set; } = new();
}
