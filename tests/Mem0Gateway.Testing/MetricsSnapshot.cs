using System.Globalization;
using System.Text.RegularExpressions;

namespace Mem0Gateway.Testing;

/// <summary>One sample of a Prometheus text exposition.</summary>
public sealed record MetricSample(string Name, IReadOnlyDictionary<string, string> Labels, double Value)
{
    public string Label(string name) => Labels.TryGetValue(name, out var v) ? v : string.Empty;
}

/// <summary>A parsed <c>/metrics</c> scrape (Prometheus text format 0.0.4).</summary>
public sealed partial class MetricsSnapshot
{
    public MetricsSnapshot(string text)
    {
        Text = text;
        Samples = text.Split('\n')
            .Where(line => line.Length > 0 && line[0] != '#')
            .Select(Parse)
            .ToList();
    }

    public string Text { get; }

    public IReadOnlyList<MetricSample> Samples { get; }

    public int SeriesCount => Samples.Count;

    public IEnumerable<MetricSample> Series(string name, params (string Label, string Value)[] match)
        => Samples.Where(s => s.Name == name && match.All(m => s.Label(m.Label) == m.Value));

    /// <summary>The sum over every series of <paramref name="name"/> whose labels include all of <paramref name="match"/>.</summary>
    public double Sum(string name, params (string Label, string Value)[] match) => Series(name, match).Sum(s => s.Value);

    private static MetricSample Parse(string line)
    {
        var m = SampleLine().Match(line);
        if (!m.Success)
        {
            throw new FormatException("Not a sample line: " + line);
        }

        var labels = new Dictionary<string, string>();
        foreach (Match l in LabelPair().Matches(m.Groups["labels"].Value))
        {
            labels[l.Groups["k"].Value] = l.Groups["v"].Value.Replace("\\\"", "\"").Replace("\\n", "\n").Replace("\\\\", "\\");
        }

        var raw = m.Groups["value"].Value;
        var value = raw switch
        {
            "+Inf" => double.PositiveInfinity,
            "-Inf" => double.NegativeInfinity,
            "NaN" => double.NaN,
            _ => double.Parse(raw, CultureInfo.InvariantCulture),
        };
        return new MetricSample(m.Groups["name"].Value, labels, value);
    }

    [GeneratedRegex("""^(?<name>[a-zA-Z_:][a-zA-Z0-9_:]*)(\{(?<labels>.*)\})?\s+(?<value>\S+)""")]
    private static partial Regex SampleLine();

    [GeneratedRegex(@"(?<k>[a-zA-Z_][a-zA-Z0-9_]*)=""(?<v>(\\.|[^""\\])*)""")]
    private static partial Regex LabelPair();
}
