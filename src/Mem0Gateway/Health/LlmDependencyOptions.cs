namespace Mem0Gateway.Health;

/// <summary>
/// <c>Gateway:Dependencies:Llm</c>: an optional reachability check of the LLM provider's API (off by default: it
/// calls a third party every time /health/detailed is read).
/// </summary>
public sealed class LlmDependencyOptions
{
    public bool Enabled { get; set; }

    /// <summary>A cheap authenticated GET, e.g. <c>https://api.openai.com/v1/models</c>.</summary>
    public string? Url { get; set; }

    /// <summary>Sent as a bearer token. Never logged or reported.</summary>
    public string? ApiKey { get; set; }

    /// <summary>A file holding the key; wins over <see cref="ApiKey"/>.</summary>
    public string? ApiKeyFile { get; set; }

    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(5);
}
