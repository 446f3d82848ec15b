namespace Mem0Gateway.Health;

/// <summary><c>Gateway:Dependencies:Neo4j</c>: mem0's graph store, checked with a Bolt handshake.</summary>
public sealed class Neo4jDependencyOptions
{
    /// <summary>Bolt endpoint as host:port, e.g. <c>neo4j:7687</c>.</summary>
    public string? Address { get; set; }

    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(3);
}
