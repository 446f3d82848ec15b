namespace Mem0Gateway.StatusPage;

/// <summary>
/// One cumulative number the sampler keeps history of, already summed over the labels the page does not show
/// (route, method, client): say the requests of (mem0, add), or the (mem0, add) duration bucket le="0.5".
/// </summary>
internal readonly record struct CounterKey(string Family, string Subject, string Detail = "", string Bound = "")
{
    public const string Requests = "requests";
    public const string ClientErrors = "client_errors";
    public const string UpstreamErrors = "upstream_errors";
    public const string GatewayErrors = "gateway_errors";
    public const string DurationBucket = "duration_bucket";
    public const string ToolCalls = "tool_calls";
    public const string ToolOutcomes = "tool_outcomes";
    public const string ToolErrors = "tool_errors";
    public const string ToolDurationBucket = "tool_duration_bucket";
}
