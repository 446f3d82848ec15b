using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace Mem0Gateway.Monitoring.Tests.Support;

public sealed record DashboardTarget(string Panel, string PanelType, string Expr, string? Format, bool Instant);

public sealed record DashboardVariable(string Name, string Type, string? Query, string? AllValue);

public sealed record Dashboard(string File, JsonObject Json)
{
    public string Uid => Json["uid"]?.GetValue<string>() ?? "";

    public IEnumerable<JsonObject> Panels => (Json["panels"]?.AsArray() ?? []).OfType<JsonObject>()
        .SelectMany(p => new[] { p }.Concat((p["panels"]?.AsArray() ?? []).OfType<JsonObject>()));

    public IReadOnlyList<DashboardVariable> Variables => (Json["templating"]?["list"]?.AsArray() ?? []).OfType<JsonObject>()
        .Select(v => new DashboardVariable(v["name"]!.GetValue<string>(), v["type"]!.GetValue<string>(),
            v["query"] is JsonObject q ? q["query"]?.GetValue<string>() : v["query"]?.GetValue<string>(), v["allValue"]?.GetValue<string>()))
        .ToList();

    public IEnumerable<DashboardTarget> Targets => Panels.SelectMany(p => (p["targets"]?.AsArray() ?? []).OfType<JsonObject>()
        .Select(t => new DashboardTarget(p["title"]?.GetValue<string>() ?? "?", p["type"]?.GetValue<string>() ?? "?",
            t["expr"]?.GetValue<string>() ?? "", t["format"]?.GetValue<string>(), t["instant"]?.GetValue<bool>() ?? false)));

    /// <summary>Dashboards that show gateway traffic carry the $service, $route and $operation variables.</summary>
    public bool IsGatewayDashboard => Uid.StartsWith("mem0-gw-", StringComparison.Ordinal);
}

public static partial class Dashboards
{
    public static IReadOnlyList<Dashboard> All => RepoPaths.DashboardFiles
        .Select(f => new Dashboard(f, JsonNode.Parse(File.ReadAllText(f))!.AsObject())).ToList();

    /// <summary>
    /// Replaces Grafana's variables in a PromQL expression: template variables from <paramref name="values"/> (a regex,
    /// as Grafana writes a multi-value selection), and the built-in interval variables with fixed durations.
    /// </summary>
    public static string Substitute(string expr, IReadOnlyDictionary<string, string> values, string rateInterval = "1m", string range = "1h")
    {
        var result = expr.Replace("$__rate_interval", rateInterval).Replace("$__interval", rateInterval).Replace("$__range", range);
        result = VariableReference().Replace(result, m =>
        {
            var name = m.Groups["a"].Success ? m.Groups["a"].Value : m.Groups["b"].Value;
            return values.TryGetValue(name, out var v) ? v : throw new InvalidOperationException($"no value for ${name} in: {expr}");
        });
        return result;
    }

    [GeneratedRegex(@"\$\{(?<a>[A-Za-z_][A-Za-z0-9_]*)\}|\$(?<b>[A-Za-z_][A-Za-z0-9_]*)")]
    private static partial Regex VariableReference();
}
