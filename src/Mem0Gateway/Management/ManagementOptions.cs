namespace Mem0Gateway.Management;

/// <summary>Protection of the management endpoints (<c>Gateway:Management</c>).</summary>
public sealed class ManagementOptions
{
    public const string SectionName = "Gateway:Management";

    /// <summary>When set, <c>/metrics</c> and <c>/health/detailed</c> require <c>Authorization: Bearer &lt;token&gt;</c>.</summary>
    public string? BearerToken { get; set; }

    /// <summary>A file holding the token (docker/k8s secrets, Prometheus' <c>credentials_file</c> can share it). Wins over <see cref="BearerToken"/>.</summary>
    public string? BearerTokenFile { get; set; }
}
