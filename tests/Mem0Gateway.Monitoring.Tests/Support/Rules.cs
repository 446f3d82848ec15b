namespace Mem0Gateway.Monitoring.Tests.Support;

public sealed record Rule(string Group, string? Record, string? Alert, string Expr, string? For,
    Dictionary<string, object?> Labels, Dictionary<string, object?> Annotations);

public static class Rules
{
    public static IReadOnlyList<Rule> Load(string path) => Yaml.LoadFile(path).List("groups").Select(g => g.Map())
        .SelectMany(g => g.List("rules").Select(r => r.Map()).Select(r => new Rule(g.Str("name")!, r.Str("record"), r.Str("alert"),
            r.Str("expr")!, r.Str("for"), r.Map("labels"), r.Map("annotations"))))
        .ToList();

    public static IReadOnlyList<Rule> Recording => Load(RepoPaths.Monitoring("rules", "recording.yml"));

    /// <summary>Aggregation across replicas: recording rules and alerts in one file.</summary>
    public static IReadOnlyList<Rule> Replicas => Load(RepoPaths.Monitoring("rules", "replicas.yml"));

    public static IReadOnlyList<Rule> Alerts => Load(RepoPaths.Monitoring("rules", "alerts.yml"));
}
