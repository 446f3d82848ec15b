using System.Text.RegularExpressions;

namespace Mem0Gateway.Monitoring.Tests.Support;

/// <summary>
/// The gateway's metric names and label values the monitoring files may use (docs/metrics.md); MetricContractTests checks
/// the names against the gateway's own registry.
/// </summary>
public static partial class Contract
{
    public static readonly IReadOnlySet<string> GatewayMetrics = new HashSet<string>
    {
        "mem0_gateway_requests_total", "mem0_gateway_request_duration_seconds", "mem0_gateway_requests_in_flight",
        "mem0_gateway_upstream_errors_total", "mem0_gateway_stream_time_to_first_byte_seconds", "mem0_gateway_stream_duration_seconds",
        "mem0_gateway_upstream_up", "mem0_gateway_health_checks_total", "mem0_gateway_health_check_duration_seconds",
        "mem0_gateway_config_reloads_total", "mem0_gateway_active_users", "mem0_gateway_mcp_sessions_active",
        "mem0_gateway_mcp_sessions_total", "mem0_gateway_mcp_session_duration_seconds", "mem0_gateway_mcp_messages_total",
        "mem0_gateway_mcp_tool_calls_total", "mem0_gateway_mcp_tool_call_duration_seconds", "mem0_gateway_mcp_tool_call_outcomes_total",
        "mem0_gateway_mcp_client_info_total", "mem0_gateway_mcp_header_mismatches_total",
        "mem0_gateway_log_events_dropped_total",
        // forwarding outcome
        "mem0_gateway_responses_broken_total", "mem0_gateway_config_last_reload_successful",
        // authentication
        "mem0_gateway_requests_by_auth_method_total", "mem0_gateway_api_key_requests_total",
        // cluster-wide active users
        "mem0_gateway_active_users_cluster", "mem0_gateway_active_users_store_up",
    };

    public static readonly IReadOnlySet<string> ProcessMetrics = new HashSet<string>
    {
        "process_cpu_seconds_total", "process_private_memory_bytes", "process_working_set_bytes", "process_open_handles",
        "process_num_threads", "process_start_time_seconds", "dotnet_collection_count_total", "dotnet_total_memory_bytes",
    };

    public static readonly IReadOnlySet<string> Services = new HashSet<string> { "mem0", "mem0-dashboard", "openmemory", "openmemory-ui" };

    /// <summary>Histogram series names map to their family: x_bucket / x_count / x_sum -> x.</summary>
    public static string Family(string series) => HistogramSuffix().Replace(series, "");

    /// <summary>Every mem0_gateway_* metric name used in a PromQL text (recorded names excluded).</summary>
    public static IEnumerable<string> GatewayMetricsIn(string promql)
        => GatewayMetricName().Matches(promql).Select(m => m.Value).Where(v => !v.Contains(':'))
            .Select(v => Contract.GatewayMetrics.Contains(v) ? v : Family(v)).Distinct();

    /// <summary>Every recorded (level:metric:operations) name used in a PromQL text.</summary>
    public static IEnumerable<string> RecordedNamesIn(string promql) => RecordedName().Matches(promql).Select(m => m.Value).Distinct();

    [GeneratedRegex("_(bucket|count|sum)$")]
    private static partial Regex HistogramSuffix();

    [GeneratedRegex(@"(?<![A-Za-z0-9_:])mem0_gateway_[a-z0-9_]+(?![A-Za-z0-9_:])")]
    private static partial Regex GatewayMetricName();

    [GeneratedRegex(@"(?<![A-Za-z0-9_:""])[a-z_]+:[a-z0-9_]+:[a-z0-9_]+")]
    private static partial Regex RecordedName();
}
