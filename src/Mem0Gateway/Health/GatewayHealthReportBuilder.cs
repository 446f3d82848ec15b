using System.Diagnostics;
using System.Net.Sockets;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Npgsql;

namespace Mem0Gateway.Health;

/// <summary>
/// The full health report behind /health and /health/detailed: one entry per service and destination (from YARP's live
/// state, no extra probing) plus one per configured dependency (checked now). Nothing in it quotes an exception: those
/// can carry connection strings, hosts with credentials or SQL.
/// </summary>
internal sealed class GatewayHealthReportBuilder
{
    public const string DependencyTag = "dependency";

    private readonly HealthCheckService _checks;
    private readonly UpstreamHealthEvaluator _upstreams;

    public GatewayHealthReportBuilder(HealthCheckService checks, UpstreamHealthEvaluator upstreams)
    {
        _checks = checks;
        _upstreams = upstreams;
    }

    public async Task<HealthReport> BuildAsync(CancellationToken cancellationToken)
    {
        var start = Stopwatch.GetTimestamp();
        var dependencies = await _checks.CheckHealthAsync(r => r.Tags.Contains(DependencyTag), cancellationToken);
        var entries = new Dictionary<string, HealthReportEntry>(StringComparer.Ordinal);
        foreach (var (name, entry) in _upstreams.DestinationEntries())
        {
            entries[name] = entry;
        }

        foreach (var (name, entry) in dependencies.Entries)
        {
            entries[name] = Sanitize(name, entry);
        }

        return new HealthReport(entries, OverallStatus(entries, dependencies), Stopwatch.GetElapsedTime(start));
    }

    /// <summary>
    /// Unhealthy when a required service has no destination up or a dependency fails; Degraded when only an optional
    /// service or one of several destinations is down.
    /// </summary>
    private HealthStatus OverallStatus(Dictionary<string, HealthReportEntry> entries, HealthReport dependencies)
    {
        if (_upstreams.RequiredServices().Any(service => !_upstreams.HasUpDestination(service))
            || dependencies.Status == HealthStatus.Unhealthy)
        {
            return HealthStatus.Unhealthy;
        }

        return entries.Values.Any(e => e.Status != HealthStatus.Healthy) ? HealthStatus.Degraded : HealthStatus.Healthy;
    }

    private static HealthReportEntry Sanitize(string name, HealthReportEntry entry)
    {
        if (entry.Exception is null)
        {
            return entry;
        }

        var description = $"{name} check failed: {Describe(entry.Exception)}.";
        return new HealthReportEntry(entry.Status, description, entry.Duration, exception: null, entry.Data, entry.Tags);
    }

    internal static string Describe(Exception exception) => exception switch
    {
        PostgresException postgres => $"PostgreSQL refused (SQLSTATE {postgres.SqlState})",
        OperationCanceledException or TimeoutException => "timed out",
        NpgsqlException { InnerException: TimeoutException } => "timed out",
        NpgsqlException { InnerException: SocketException socket } => $"cannot connect ({socket.SocketErrorCode})",
        NpgsqlException => "PostgreSQL connection failed",
        SocketException socket => $"cannot connect ({socket.SocketErrorCode})",
        _ => exception.GetType().Name,
    };
}
