namespace Mem0Gateway.StatusPage;

/// <summary>One line of a Prometheus text scrape: a series name, its labels and its value.</summary>
internal readonly record struct MetricSeries(string Name, KeyValuePair<string, string>[] Labels, double Value)
{
    /// <summary>The value of a label, or the empty string when the series does not have it (as in PromQL).</summary>
    public string Label(string name)
    {
        foreach (var (key, value) in Labels)
        {
            if (key == name)
            {
                return value;
            }
        }

        return string.Empty;
    }
}
