using HealthChecks.UI.Client;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Mem0Gateway.Health;

public static class HealthEndpointRouteBuilderExtensions
{
    /// <summary>
    /// Health endpoints: <c>/health/liveness</c> (the process answers; never looks at upstreams), <c>/health/readiness</c>
    /// (503 unless every required service has a healthy destination), <c>/health</c> (the overall status as one word) and
    /// <c>/health/detailed</c> (HealthChecks UI JSON, one entry per destination and dependency). The host pins them to
    /// the management port.
    /// </summary>
    public static HealthEndpoints MapGatewayHealth(this IEndpointRouteBuilder endpoints)
    {
        var liveness = endpoints.MapHealthChecks("/health/liveness", new HealthCheckOptions { Predicate = _ => false });
        var readiness = endpoints.MapHealthChecks("/health/readiness", new HealthCheckOptions
        {
            Predicate = registration => registration.Tags.Contains(ReadinessHealthCheck.Tag),
            ResponseWriter = WriteReadinessAsync,
        });
        var overall = endpoints.MapGet("/health", (RequestDelegate)WriteOverallStatusAsync);
        var detailed = endpoints.MapGet("/health/detailed", (RequestDelegate)WriteDetailedAsync);
        return new HealthEndpoints(liveness, readiness, overall, detailed);
    }

    private static async Task WriteOverallStatusAsync(HttpContext context)
    {
        var report = await context.RequestServices.GetRequiredService<GatewayHealthReportBuilder>().BuildAsync(context.RequestAborted);
        SetStatus(context, report.Status);
        context.Response.ContentType = "text/plain; charset=utf-8";
        await context.Response.WriteAsync(report.Status.ToString());
    }

    private static async Task WriteDetailedAsync(HttpContext context)
    {
        var report = await context.RequestServices.GetRequiredService<GatewayHealthReportBuilder>().BuildAsync(context.RequestAborted);
        SetStatus(context, report.Status);
        await UIResponseWriter.WriteHealthCheckUIResponse(context, report);
    }

    /// <summary>The status word, then the reason, so a failing probe explains itself in kubectl describe.</summary>
    private static Task WriteReadinessAsync(HttpContext context, HealthReport report)
    {
        context.Response.ContentType = "text/plain; charset=utf-8";
        var reason = report.Entries.Values.Select(e => e.Description).FirstOrDefault();
        return context.Response.WriteAsync(reason is null ? report.Status.ToString() : $"{report.Status}: {reason}");
    }

    /// <summary>Same mapping as MapHealthChecks: Degraded still serves, so only Unhealthy is 503.</summary>
    private static void SetStatus(HttpContext context, HealthStatus status)
    {
        context.Response.StatusCode = status == HealthStatus.Unhealthy ? StatusCodes.Status503ServiceUnavailable : StatusCodes.Status200OK;
        context.Response.Headers.CacheControl = "no-store, no-cache";
    }
}
