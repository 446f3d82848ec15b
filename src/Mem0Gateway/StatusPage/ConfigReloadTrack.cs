namespace Mem0Gateway.StatusPage;

/// <summary>The last config reload the sampler saw: when and whether it was accepted.</summary>
internal sealed class ConfigReloadTrack
{
    public double Successes { get; set; }

    public double Failures { get; set; }

    /// <summary>"success" or "failure"; null while the config loaded at start-up is the only one.</summary>
    public string? LastResult { get; set; }

    public DateTimeOffset? LastSeenAt { get; set; }
}
