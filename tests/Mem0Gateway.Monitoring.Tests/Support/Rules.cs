namespace Mem0Gateway.Monitoring.Tests.Support;

public sealed record Rule(string Group, string? Record, string? Alert, string Expr, string? For,
    Dictionary<string, object?> Labels, Dictionary<string, object?> Annotations);

public static class Rules
{
    public static IReadOnlyList<Rule> Load(string path) => Yaml.LoadFile(path).List("groups").Select(g => g.Map())
        .SelectMany(g => g.List("rules").Select(r => r.Map()).Select(r => new Rule(g.Str("name")!, r.Str("record"), r.Str("alert"),
            r.Str("expr")!, r.Str("for"), r.Map("labels"), r.Map("annotations"))))
        .ToList();

    /// <summary>All rules of all rule files, in load order.</summary>
    public static IReadOnlyList<Rule> All => RepoPaths.RuleFiles.SelectMany(Load).ToList();

    public static IReadOnlyList<Rule> Recording => All.Where(r => r.Record is not null).ToList();

    public static IReadOnlyList<Rule> Alerts => All.Where(r => r.Alert is not null).ToList();
}
