namespace Mem0Gateway.StatusPage;

/// <summary>The status page on the management port (<c>Gateway:StatusPage</c>).</summary>
public sealed class StatusPageOptions
{
    public const string SectionName = "Gateway:StatusPage";

    /// <summary>Serve the page at <c>/</c> and its data at <c>/status.json</c> on the management port.</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>How often the sampler copies the gateway's counters and histograms; also how often the page refreshes.</summary>
    public TimeSpan SampleInterval { get; set; } = TimeSpan.FromSeconds(2);

    internal const string SampleIntervalError = SectionName + ":SampleInterval must be between 00:00:00.1 and 00:01:00.";

    internal bool HasValidSampleInterval => SampleInterval >= TimeSpan.FromMilliseconds(100) && SampleInterval <= TimeSpan.FromMinutes(1);
}
