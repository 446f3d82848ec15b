namespace Mem0Gateway.Configuration;

/// <summary>Graceful shutdown (<c>Gateway:Shutdown</c>).</summary>
public sealed class ShutdownOptions
{
    /// <summary>How long in-flight requests may take to finish after SIGTERM before connections are cut.</summary>
    public TimeSpan DrainTimeout { get; set; } = TimeSpan.FromSeconds(30);
}
