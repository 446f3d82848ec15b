namespace Mem0Gateway.Health;

/// <summary><c>Gateway:Dependencies:Postgres</c>: mem0's pgvector/history database.</summary>
public sealed class PostgresDependencyOptions
{
    /// <summary>Npgsql connection string. Never logged or reported.</summary>
    public string? ConnectionString { get; set; }

    /// <summary>A file holding the connection string (a Docker or Kubernetes secret); wins over <see cref="ConnectionString"/>.</summary>
    public string? ConnectionStringFile { get; set; }

    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(5);
}
