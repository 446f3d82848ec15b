using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Mem0Gateway.Health;

/// <summary>/health/readiness: can this gateway usefully take traffic right now?</summary>
internal sealed class ReadinessHealthCheck : IHealthCheck
{
    public const string Tag = "ready";

    private readonly UpstreamHealthEvaluator _evaluator;

    public ReadinessHealthCheck(UpstreamHealthEvaluator evaluator) => _evaluator = evaluator;

    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var (ready, reason) = _evaluator.EvaluateReadiness();
        return Task.FromResult(ready ? HealthCheckResult.Healthy(reason) : HealthCheckResult.Unhealthy(reason));
    }
}
