using System.Text.RegularExpressions;

namespace Mem0Gateway.Monitoring.Tests.Support;

/// <summary>One `le` label matcher in a PromQL selector: where it is, the histogram family it selects from, and how it matches.</summary>
public sealed record LeMatcher(string Where, string Family, string Op, string Value)
{
    /// <summary>Whether this matcher selects a bucket with bound <paramref name="le"/> (PromQL regexes are fully anchored).</summary>
    public bool Selects(string le) => Op switch
    {
        "=" => le == Value,
        "=~" => Regex.IsMatch(le, "^(?:" + Value + ")$"),
        _ => throw new InvalidOperationException($"{Where}: le{Op} is not a positive matcher"),
    };

    public override string ToString() => $"{Where}: {Family}{{le{Op}\"{Value}\"}}";
}

public static partial class LeMatchers
{
    /// <summary>Every positive `le` matcher in every rule file and every dashboard.</summary>
    public static IReadOnlyList<LeMatcher> InRulesAndDashboards()
        => Rules.All.Select(r => (Where: r.Record ?? r.Alert!, r.Expr))
            .Concat(Dashboards.All.SelectMany(d => d.Targets.Select(t => (Where: $"{d.Uid} / {t.Panel}", t.Expr))))
            .SelectMany(x => In(x.Where, x.Expr))
            .ToList();

    public static IEnumerable<LeMatcher> In(string where, string promql)
    {
        foreach (Match selector in Selector().Matches(promql))
        {
            var name = selector.Groups["name"].Value;
            // a recorded name (level:metric:operations) selects from the metric in its middle part
            var metric = name.Contains(':') ? name.Split(':')[1] : name;
            var family = Contract.Family(metric);
            foreach (Match m in Matcher().Matches(selector.Groups["matchers"].Value))
            {
                if (m.Groups["op"].Value is "=" or "=~")
                {
                    // PromQL double-quoted strings escape a backslash as \\
                    yield return new LeMatcher(where, family, m.Groups["op"].Value, m.Groups["value"].Value.Replace(@"\\", @"\"));
                }
            }
        }
    }

    /// <summary>The `le` values of each histogram family in an exposition (text format or OpenMetrics).</summary>
    public static Dictionary<string, HashSet<string>> Exposed(string exposition)
    {
        var result = new Dictionary<string, HashSet<string>>();
        foreach (Match m in BucketLine().Matches(exposition))
        {
            var family = m.Groups["family"].Value;
            (result.TryGetValue(family, out var set) ? set : result[family] = []).Add(m.Groups["le"].Value);
        }

        return result;
    }

    [GeneratedRegex(@"(?<name>[a-zA-Z_:][a-zA-Z0-9_:]*)\{(?<matchers>[^}]*)\}")]
    private static partial Regex Selector();

    [GeneratedRegex(@"(?<![a-zA-Z0-9_])le\s*(?<op>=~|!~|!=|=)\s*""(?<value>(?:[^""\\]|\\.)*)""")]
    private static partial Regex Matcher();

    [GeneratedRegex(@"^(?<family>[a-zA-Z_:][a-zA-Z0-9_:]*)_bucket\{[^}]*\ble=""(?<le>[^""]*)""", RegexOptions.Multiline)]
    private static partial Regex BucketLine();
}
