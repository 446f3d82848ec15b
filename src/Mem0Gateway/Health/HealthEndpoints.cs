namespace Mem0Gateway.Health;

/// <summary>
/// The health endpoints, so the host can pin them all to the management port and protect the detailed report: the
/// probes (liveness, readiness, the overall word) must answer without a token, <see cref="Detailed"/> names every
/// destination and dependency.
/// </summary>
public sealed record HealthEndpoints(
    IEndpointConventionBuilder Liveness,
    IEndpointConventionBuilder Readiness,
    IEndpointConventionBuilder Overall,
    IEndpointConventionBuilder Detailed)
{
    public IEnumerable<IEndpointConventionBuilder> All => [Liveness, Readiness, Overall, Detailed];
}
