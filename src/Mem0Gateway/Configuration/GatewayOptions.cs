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

    /// <summary>
    /// Which mem0 stack is run: <c>mem0</c> (mem0 server + dashboard), <c>openmemory</c> (OpenMemory API + UI) or
    /// <c>all</c>. Services of another stack get no listener, no probes and no health entry.
    /// </summary>
    public string Stack { get; set; } = AllStacks;

    public const string AllStacks = "all";

    /// <summary>One listener per upstream service, keyed by the YARP ClusterId (which is also the <c>service</c> label).</summary>
    public Dictionary<string, ServiceListenerOptions> Services { get; set; } = new(StringComparer.OrdinalIgnoreCase);

    public InstrumentationSwitch Metrics { get; set; } = new();

    public InstrumentationSwitch AccessLog { get; set; } = new();

    public InstrumentationSwitch Tracing { get; set; } = new();

    /// <summary>Whether the service is configured and belongs to the chosen <see cref="Stack"/>.</summary>
    public bool Runs(string service) => Services.TryGetValue(service, out var listener) && listener.IsInStack(Stack);

    /// <summary>The services that are run, with their listener settings.</summary>
    public IEnumerable<KeyValuePair<string, ServiceListenerOptions>> RunServices() => Services.Where(s => s.Value.IsInStack(Stack));

    /// <summary>JSON for machines or readable lines for people; by default decided by whether stdout is a terminal.</summary>
    public LogFormat LogFormat { get; set; } = LogFormat.Auto;
}
