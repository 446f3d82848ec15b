using Mem0Gateway.Configuration;

namespace Mem0Gateway.Management;

/// <summary>Protection of the management endpoints (<c>Gateway:Management</c>).</summary>
public sealed class ManagementOptions
{
    public const string SectionName = "Gateway:Management";

    public const string TokenFileSetting = SectionName + ":" + nameof(BearerTokenFile);

    /// <summary>When set, <c>/metrics</c> and <c>/health/detailed</c> require <c>Authorization: Bearer &lt;token&gt;</c>.</summary>
    public string? BearerToken { get; set; }

    /// <summary>A file holding the token (docker/k8s secrets, Prometheus' <c>credentials_file</c> can share it). Wins over <see cref="BearerToken"/>.</summary>
    public string? BearerTokenFile { get; set; }

    /// <summary>
    /// The token in force (the file's content, trimmed, wins), or null when the endpoints are open. An empty or missing
    /// file fails closed (see <see cref="SecretFile"/>).
    /// </summary>
    public string? ReadToken() => SecretFile.ReadOrInline(BearerTokenFile, BearerToken, TokenFileSetting);
}
