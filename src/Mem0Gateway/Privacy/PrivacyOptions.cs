namespace Mem0Gateway.Privacy;

/// <summary>How personal identifiers (mem0 user ids, MCP session ids) may appear in logs and spans (<c>Gateway:Privacy</c>).</summary>
public sealed class PrivacyOptions
{
    public const string SectionName = "Gateway:Privacy";

    public const string KeyFileSetting = SectionName + ":" + nameof(HashKeyFile);

    /// <summary>
    /// Key of the HMAC that turns an id into a correlation token. Unset: a random key per process, so tokens
    /// correlate within one run but cannot be reversed or joined across restarts. Set it (from a secret) to keep
    /// tokens stable across restarts and replicas.
    /// </summary>
    public string? HashKey { get; set; }

    /// <summary>A file holding <see cref="HashKey"/> (docker/k8s secrets).</summary>
    public string? HashKeyFile { get; set; }

    /// <summary>Writes raw ids instead of tokens. Off by default; only for deployments whose logs may hold personal data.</summary>
    public bool LogRawIds { get; set; }
}
