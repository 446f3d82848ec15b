using System.Text.Json;
using Mem0Gateway.Configuration;
using Mem0Gateway.Proxy;
using Microsoft.Extensions.Options;
using Yarp.ReverseProxy;
using Yarp.ReverseProxy.Health;
using Yarp.ReverseProxy.Model;

namespace Mem0Gateway.StatusPage;

/// <summary>
/// Writes <c>/status.json</c>: services and destinations (YARP's live state and the tracked up/down history),
/// per-operation and per-tool rates, error ratios and percentiles over 1, 5 and 15 minutes (deltas of the sampled
/// counters), MCP sessions, active users and the process. Everything numeric comes from the registry's own series.
/// </summary>
internal sealed class StatusReportWriter
{
    private readonly StatusHistory _history;
    private readonly IProxyStateLookup _proxyState;
    private readonly EndpointDataSource _endpoints;
    private readonly GatewayOptions _gateway;
    private readonly StatusPageOptions _options;
    private readonly string? _traceExport;

    public StatusReportWriter(StatusHistory history, IProxyStateLookup proxyState, EndpointDataSource endpoints, IOptions<GatewayOptions> gateway,
        IOptions<StatusPageOptions> options, IConfiguration configuration)
    {
        _history = history;
        _proxyState = proxyState;
        _endpoints = endpoints;
        _gateway = gateway.Value;
        _options = options.Value;
        _traceExport = TraceExportTarget.Endpoint(configuration);
    }

    public void Write(Utf8JsonWriter json)
    {
        var view = _history.Snapshot();
        var now = view.Latest.At;
        var buckets = BucketSlots();
        var routes = _endpoints.Endpoints
            .Select(e => e.Metadata.GetMetadata<ProxyRouteDescriptor>())
            .OfType<ProxyRouteDescriptor>()
            .Where(d => d.IsProxied)
            .DistinctBy(d => d.RouteId)
            .ToList();

        json.WriteStartObject();
        json.WriteString("sampledAt", now);
        json.WriteNumber("sampleIntervalSeconds", _options.SampleInterval.TotalSeconds);
        WriteProcess(json, view, now);
        WriteConfig(json, view, now);
        WriteServices(json, view, routes, now);
        WriteOperations(json, view, routes, buckets);
        WriteMcp(json, view, buckets);
        WriteUsers(json, view);
        json.WriteEndObject();
    }

    private void WriteProcess(Utf8JsonWriter json, StatusHistory.View view, DateTimeOffset now)
    {
        json.WriteStartObject("process");
        json.WriteString("version", GatewayVersion.Current);
        var started = Gauge(view, "process_start_time_seconds") is { } seconds
            ? DateTimeOffset.FromUnixTimeMilliseconds((long)(seconds * 1000))
            : view.StartedAt;
        json.WriteString("startedAt", started);
        json.WriteNumber("uptimeSeconds", Math.Round(Math.Max(0, (now - started).TotalSeconds)));
        WriteNumberOrNull(json, "residentBytes", Gauge(view, "process_working_set_bytes"));
        json.WriteNumber("requestsInFlight", view.Series.Where(s => s.Name == "mem0_gateway_requests_in_flight").Sum(s => s.Value));
        json.WriteStartObject("tracing");
        json.WriteBoolean("enabled", _gateway.Tracing.Enabled);
        json.WriteBoolean("exports", _gateway.Tracing.Enabled && _traceExport is not null);
        if (_gateway.Tracing.Enabled && _traceExport is not null)
        {
            json.WriteString("endpoint", _traceExport);
        }

        json.WriteEndObject();
        json.WriteEndObject();
    }

    private static void WriteConfig(Utf8JsonWriter json, StatusHistory.View view, DateTimeOffset now)
    {
        var reload = view.Reload;
        json.WriteStartObject("configReload");
        json.WriteNumber("successes", reload.Successes);
        json.WriteNumber("failures", reload.Failures);
        if (reload.LastSeenAt is { } at)
        {
            json.WriteString("lastResult", reload.LastResult);
            json.WriteString("lastAt", at);
            json.WriteNumber("secondsAgo", Math.Round((now - at).TotalSeconds));
        }
        else
        {
            json.WriteNull("lastResult");
            json.WriteString("loadedAt", view.StartedAt);
            json.WriteNumber("secondsAgo", Math.Round((now - view.StartedAt).TotalSeconds));
        }

        if (Gauge(view, "mem0_gateway_config_last_reload_successful") is { } successful)
        {
            json.WriteBoolean("lastGood", successful >= 1);
        }

        json.WriteEndObject();
    }

    private void WriteServices(Utf8JsonWriter json, StatusHistory.View view, List<ProxyRouteDescriptor> routes, DateTimeOffset now)
    {
        json.WriteStartArray("services");
        foreach (var (service, listener) in _gateway.Services.OrderBy(s => s.Key, StringComparer.Ordinal))
        {
            json.WriteStartObject();
            json.WriteString("name", service);
            json.WriteNumber("port", listener.Port);
            json.WriteBoolean("required", listener.Required);
            json.WriteNumber("routes", routes.Count(r => string.Equals(r.Service, service, StringComparison.OrdinalIgnoreCase)));
            json.WriteNumber("requestsInFlight", view.Series
                .Where(s => s.Name == "mem0_gateway_requests_in_flight" && string.Equals(s.Label("service"), service, StringComparison.OrdinalIgnoreCase))
                .Sum(s => s.Value));
            _proxyState.TryGetCluster(service, out var cluster);
            var active = cluster?.Model.Config.HealthCheck?.Active;
            if (active?.Enabled == true)
            {
                json.WriteString("probePath", active.Path ?? "/");
            }
            else
            {
                json.WriteNull("probePath");
            }

            var anyUp = false;
            json.WriteStartArray("destinations");
            foreach (var destination in cluster?.Destinations.Values.OrderBy(d => d.DestinationId, StringComparer.Ordinal) ?? Enumerable.Empty<DestinationState>())
            {
                view.Destinations.TryGetValue((cluster!.ClusterId, destination.DestinationId), out var track);
                // Up or down is the health module's verdict (its gauge); until its first one the state is unknown.
                bool? up = track is { Since: var known } && known != default ? track.Up : null;
                anyUp |= up == true;
                json.WriteStartObject();
                json.WriteString("id", destination.DestinationId);
                json.WriteString("address", destination.Model.Config.Address);
                if (up is { } isUp)
                {
                    json.WriteBoolean("up", isUp);
                }
                else
                {
                    json.WriteNull("up");
                }

                if (up == false)
                {
                    json.WriteString("reason", destination.Health.Active == DestinationHealth.Unhealthy
                        ? "health probe failing"
                        : destination.Health.Passive == DestinationHealth.Unhealthy ? "recent requests failing" : "marked down");
                }

                if (track is { Since: var changed } && changed != default)
                {
                    json.WriteString("since", changed);
                    json.WriteNumber("sinceSeconds", Math.Round((now - changed).TotalSeconds));
                }

                if (track?.LastProbeResult is { } result)
                {
                    json.WriteStartObject("lastProbe");
                    json.WriteString("result", result);
                    json.WriteNumber("secondsAgo", Math.Round((now - track.LastProbeSeenAt!.Value).TotalSeconds));
                    WriteNumberOrNull(json, "latencyMs", track.LastProbeSeconds is { } seconds ? Math.Round(seconds * 1000, 1) : null);
                    json.WriteEndObject();
                }

                json.WriteEndObject();
            }

            json.WriteEndArray();
            json.WriteBoolean("up", anyUp);
            json.WriteEndObject();
        }

        json.WriteEndArray();
    }

    private void WriteOperations(Utf8JsonWriter json, StatusHistory.View view, List<ProxyRouteDescriptor> routes,
        Dictionary<(string, string, string), List<(double Bound, int Slot)>> buckets)
    {
        var operations = routes.Select(r => (r.Service, r.Operation))
            .Concat(view.Series.Where(s => s.Name == "mem0_gateway_requests_total").Select(s => (Service: s.Label("service"), Operation: s.Label("operation"))))
            .Distinct()
            .OrderBy(o => o.Service, StringComparer.Ordinal).ThenBy(o => o.Operation, StringComparer.Ordinal);
        var index = view.Latest;
        json.WriteStartArray("operations");
        foreach (var (service, operation) in operations)
        {
            json.WriteStartObject();
            json.WriteString("service", service);
            json.WriteString("operation", operation);
            json.WriteNumber("requests", Value(index, new CounterKey(CounterKey.Requests, service, operation)));
            json.WriteStartObject("windows");
            foreach (var (name, length) in StatusWindow.All)
            {
                var from = view.BaseOf(length);
                var seconds = (view.Latest.At - from.At).TotalSeconds;
                var requests = Delta(view, from, new CounterKey(CounterKey.Requests, service, operation));
                json.WriteStartObject(name);
                json.WriteNumber("seconds", Math.Round(seconds, 1));
                json.WriteNumber("requests", requests);
                json.WriteNumber("rate", seconds > 0 ? Math.Round(requests / seconds, 4) : 0);
                WriteNumberOrNull(json, "clientErrorRatio", Ratio(Delta(view, from, new CounterKey(CounterKey.ClientErrors, service, operation)), requests));
                WriteNumberOrNull(json, "upstreamErrorRatio", Ratio(Delta(view, from, new CounterKey(CounterKey.UpstreamErrors, service, operation)), requests));
                WriteNumberOrNull(json, "gatewayErrorRatio", Ratio(Delta(view, from, new CounterKey(CounterKey.GatewayErrors, service, operation)), requests));
                WriteQuantiles(json, view, from, buckets.GetValueOrDefault((CounterKey.DurationBucket, service, operation)), [("p50", 0.5), ("p95", 0.95), ("p99", 0.99)]);
                json.WriteEndObject();
            }

            json.WriteEndObject();
            json.WriteEndObject();
        }

        json.WriteEndArray();
    }

    private void WriteMcp(Utf8JsonWriter json, StatusHistory.View view, Dictionary<(string, string, string), List<(double Bound, int Slot)>> buckets)
    {
        json.WriteStartObject("mcp");
        json.WriteStartArray("sessions");
        foreach (var s in view.Series.Where(s => s.Name == "mem0_gateway_mcp_sessions_active").OrderBy(s => s.Label("client"), StringComparer.Ordinal))
        {
            json.WriteStartObject();
            json.WriteString("client", s.Label("client"));
            var transport = s.Label("transport");
            if (transport.Length > 0)
            {
                json.WriteString("transport", transport);
            }

            json.WriteNumber("active", s.Value);
            json.WriteEndObject();
        }

        json.WriteEndArray();
        json.WriteStartArray("tools");
        var tools = view.Series.Where(s => s.Name == "mem0_gateway_mcp_tool_calls_total").Select(s => s.Label("tool")).Distinct().Order(StringComparer.Ordinal);
        foreach (var tool in tools)
        {
            json.WriteStartObject();
            json.WriteString("tool", tool);
            json.WriteNumber("calls", Value(view.Latest, new CounterKey(CounterKey.ToolCalls, tool)));
            json.WriteStartObject("windows");
            foreach (var (name, length) in StatusWindow.All)
            {
                var from = view.BaseOf(length);
                var seconds = (view.Latest.At - from.At).TotalSeconds;
                var calls = Delta(view, from, new CounterKey(CounterKey.ToolCalls, tool));
                json.WriteStartObject(name);
                json.WriteNumber("calls", calls);
                json.WriteNumber("rate", seconds > 0 ? Math.Round(calls / seconds, 4) : 0);
                WriteNumberOrNull(json, "errorRatio", Ratio(Delta(view, from, new CounterKey(CounterKey.ToolErrors, tool)), Delta(view, from, new CounterKey(CounterKey.ToolOutcomes, tool))));
                WriteQuantiles(json, view, from, buckets.GetValueOrDefault((CounterKey.ToolDurationBucket, tool, string.Empty)), [("p95", 0.95)]);
                json.WriteEndObject();
            }

            json.WriteEndObject();
            json.WriteEndObject();
        }

        json.WriteEndArray();
        json.WriteEndObject();
    }

    private static void WriteUsers(Utf8JsonWriter json, StatusHistory.View view)
    {
        json.WriteStartArray("users");
        foreach (var s in view.Series
                     .Where(s => s.Name is "mem0_gateway_active_users" or "mem0_gateway_active_users_cluster")
                     .OrderBy(s => s.Label("service"), StringComparer.Ordinal).ThenBy(s => s.Name, StringComparer.Ordinal))
        {
            json.WriteStartObject();
            json.WriteString("service", s.Label("service"));
            json.WriteString("window", s.Label("window"));
            json.WriteString("scope", s.Name.EndsWith("_cluster", StringComparison.Ordinal) ? "cluster" : "replica");
            json.WriteNumber("estimate", s.Value);
            json.WriteEndObject();
        }

        json.WriteEndArray();
    }

    private static void WriteQuantiles(Utf8JsonWriter json, StatusHistory.View view, CounterSample from, List<(double Bound, int Slot)>? buckets,
        (string Name, double Quantile)[] quantiles)
    {
        var bounds = buckets?.Select(b => b.Bound).ToArray() ?? [];
        var counts = buckets?.Select(b => Math.Max(0, view.Latest[b.Slot] - from[b.Slot])).ToArray() ?? [];
        foreach (var (name, quantile) in quantiles)
        {
            var seconds = HistogramQuantile.Estimate(quantile, bounds, counts);
            WriteNumberOrNull(json, name + "Ms", seconds is { } s ? Math.Round(s * 1000, 2) : null);
        }
    }

    /// <summary>Bucket slots of every sampled histogram, ordered by bound, keyed by (family, subject, detail).</summary>
    private Dictionary<(string, string, string), List<(double Bound, int Slot)>> BucketSlots()
    {
        var result = new Dictionary<(string, string, string), List<(double, int)>>();
        foreach (var (key, slot) in _history.Index.Slots)
        {
            if (key.Bound.Length == 0 || !PrometheusTextParser.TryParseValue(key.Bound, out var bound))
            {
                continue;
            }

            var group = (key.Family, key.Subject, key.Detail);
            if (!result.TryGetValue(group, out var list))
            {
                result[group] = list = [];
            }

            list.Add((bound, slot));
        }

        foreach (var list in result.Values)
        {
            list.Sort((a, b) => a.Item1.CompareTo(b.Item1));
        }

        return result;
    }

    private double Value(CounterSample sample, CounterKey key)
        => _history.Index.TryGetSlot(key, out var slot) ? sample[slot] : 0;

    /// <summary>The increase over the window; a drop (the series was removed and came back) counts from zero, as rate() does.</summary>
    private double Delta(StatusHistory.View view, CounterSample from, CounterKey key)
    {
        if (!_history.Index.TryGetSlot(key, out var slot))
        {
            return 0;
        }

        var now = view.Latest[slot];
        var then = from[slot];
        return now >= then ? now - then : now;
    }

    private static double? Ratio(double part, double whole) => whole > 0 ? Math.Round(part / whole, 4) : null;

    private static double? Gauge(StatusHistory.View view, string name)
    {
        foreach (var s in view.Series)
        {
            if (s.Name == name)
            {
                return s.Value;
            }
        }

        return null;
    }

    private static void WriteNumberOrNull(Utf8JsonWriter json, string name, double? value)
    {
        if (value is { } number && double.IsFinite(number))
        {
            json.WriteNumber(name, number);
        }
        else
        {
            json.WriteNull(name);
        }
    }
}
