namespace Mem0Gateway.Health;

/// <summary>
/// <c>Gateway:Dependencies</c>: databases and services behind mem0 that the gateway checks for /health/detailed.
/// Each check runs only when configured; an unconfigured one is left out, not reported as failing.
/// </summary>
public sealed class DependencyOptions
{
    public const string SectionName = "Gateway:Dependencies";

    public PostgresDependencyOptions Postgres { get; set; } = new();

    public Neo4jDependencyOptions Neo4j { get; set; } = new();

    public LlmDependencyOptions Llm { get; set; } = new();
}
