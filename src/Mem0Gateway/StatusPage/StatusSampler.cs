using System.Text;
using Mem0Gateway.Proxy;
using Prometheus;

namespace Mem0Gateway.StatusPage;

/// <summary>
/// Every few seconds, reads the gateway's registry exactly as /metrics renders it and keeps what the status page needs:
/// the cumulative counters and histogram buckets (summed to one series per operation or tool) for the windowed
/// rates and percentiles, and the up/down and probe history of each destination. Nothing runs per request: the page
/// costs one scrape per tick, and agrees with /metrics because it is computed from it.
/// </summary>
internal sealed partial class StatusSampler : BackgroundService
{
    private static readonly HashSet<string> ToolErrorOutcomes = ["error", "tool_error", "timeout"];

    /// <summary>The blame values that count against the upstream in error ratios (the forwarding outcome's own rule).</summary>
    private static readonly HashSet<string> UpstreamBlames =
    [
        ForwardingBlame.UpstreamTransport.ToLabel(), ForwardingBlame.UpstreamApplication.ToLabel(), ForwardingBlame.Timeout.ToLabel(),
    ];

    private static readonly string GatewayBlame = ForwardingBlame.Gateway.ToLabel();

    private readonly CollectorRegistry? _registry;
    private readonly StatusHistory _history;
    private readonly TimeProvider _time;
    private readonly TimeSpan _interval;
    private readonly ILogger<StatusSampler> _logger;
    private Dictionary<(string, string), DestinationTrack> _destinations = new();
    private readonly ConfigReloadTrack _reload = new();
    private bool _first = true;

    public StatusSampler(IServiceProvider services, StatusHistory history, TimeProvider time, Microsoft.Extensions.Options.IOptions<StatusPageOptions> options, ILogger<StatusSampler> logger)
    {
        _registry = services.GetService<CollectorRegistry>();
        _history = history;
        _time = time;
        _interval = options.Value.SampleInterval;
        _logger = logger;
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (_registry is null)
        {
            return;
        }

        using var timer = new PeriodicTimer(_interval, _time);
        do
        {
            try
            {
                await SampleAsync(stoppingToken);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                Log.SampleFailed(_logger, ex);
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }

    internal async Task SampleAsync(CancellationToken cancellationToken)
    {
        using var buffer = new MemoryStream();
        await _registry!.CollectAndExportAsTextAsync(buffer, ExpositionFormat.PrometheusText, cancellationToken);
        var series = PrometheusTextParser.Parse(Encoding.UTF8.GetString(buffer.GetBuffer(), 0, (int)buffer.Length));
        var now = _time.GetUtcNow();
        var sample = new CounterSample(now, Aggregate(series));
        var destinations = TrackDestinations(series, now);
        var reload = TrackReloads(series, now);
        _history.Add(sample, series, destinations, reload);
        _first = false;
    }

    private double[] Aggregate(List<MetricSeries> series)
    {
        var index = _history.Index;
        var values = new double[Math.Max(index.Count, 64)];
        void Add(CounterKey key, double value)
        {
            var slot = index.SlotOf(key);
            if (slot >= values.Length)
            {
                Array.Resize(ref values, Math.Max(values.Length * 2, slot + 1));
            }

            values[slot] += value;
        }

        // Upstream errors are counted by route: every failed request is also in requests_total, which names its operation.
        var operationOfRoute = new Dictionary<(string Service, string Route), string>();
        foreach (var s in series)
        {
            if (s.Name == "mem0_gateway_requests_total")
            {
                operationOfRoute.TryAdd((s.Label("service"), s.Label("route")), s.Label("operation"));
            }
        }

        foreach (var s in series)
        {
            switch (s.Name)
            {
                case "mem0_gateway_requests_total":
                {
                    var service = s.Label("service");
                    var operation = s.Label("operation");
                    Add(new CounterKey(CounterKey.Requests, service, operation), s.Value);
                    // A 4xx (499 included) is the client's: the status it got, whoever answered it.
                    if (s.Label("status_code").StartsWith('4'))
                    {
                        Add(new CounterKey(CounterKey.ClientErrors, service, operation), s.Value);
                    }

                    break;
                }

                case "mem0_gateway_upstream_errors_total":
                {
                    var service = s.Label("service");
                    var blame = s.Label("blame");
                    var family = UpstreamBlames.Contains(blame) ? CounterKey.UpstreamErrors : blame == GatewayBlame ? CounterKey.GatewayErrors : null;
                    if (family is not null && operationOfRoute.TryGetValue((service, s.Label("route")), out var operation))
                    {
                        Add(new CounterKey(family, service, operation), s.Value);
                    }

                    break;
                }

                case "mem0_gateway_request_duration_seconds_bucket":
                    Add(new CounterKey(CounterKey.DurationBucket, s.Label("service"), s.Label("operation"), s.Label("le")), s.Value);
                    break;
                case "mem0_gateway_mcp_tool_calls_total":
                    Add(new CounterKey(CounterKey.ToolCalls, s.Label("tool")), s.Value);
                    break;
                case "mem0_gateway_mcp_tool_call_outcomes_total":
                {
                    var tool = s.Label("tool");
                    Add(new CounterKey(CounterKey.ToolOutcomes, tool), s.Value);
                    if (ToolErrorOutcomes.Contains(s.Label("outcome")))
                    {
                        Add(new CounterKey(CounterKey.ToolErrors, tool), s.Value);
                    }

                    break;
                }

                case "mem0_gateway_mcp_tool_call_duration_seconds_bucket":
                    Add(new CounterKey(CounterKey.ToolDurationBucket, s.Label("tool"), string.Empty, s.Label("le")), s.Value);
                    break;
            }
        }

        var length = index.Count;
        return values.Length == length ? values : values.AsSpan(0, Math.Min(length, values.Length)).ToArray();
    }

    /// <summary>
    /// Up or down is <c>mem0_gateway_upstream_up</c> (decided by the health module); a probe shows as a step of
    /// <c>mem0_gateway_health_checks_total</c>, and its latency as the step of the probe duration's sum over its count.
    /// </summary>
    private Dictionary<(string, string), DestinationTrack> TrackDestinations(List<MetricSeries> series, DateTimeOffset now)
    {
        var next = new Dictionary<(string, string), DestinationTrack>();
        DestinationTrack Get(MetricSeries s)
        {
            var key = (s.Label("service"), s.Label("destination"));
            if (!next.TryGetValue(key, out var track))
            {
                track = _destinations.TryGetValue(key, out var known)
                    ? new DestinationTrack
                    {
                        Up = known.Up, Since = known.Since, LastProbeResult = known.LastProbeResult, LastProbeSeenAt = known.LastProbeSeenAt,
                        LastProbeSeconds = known.LastProbeSeconds,
                    }
                    : new DestinationTrack();
                next[key] = track;
            }

            return track;
        }

        foreach (var s in series)
        {
            switch (s.Name)
            {
                case "mem0_gateway_upstream_up":
                    var track = Get(s);
                    var up = s.Value >= 1;
                    if (track.Since == default || up != track.Up)
                    {
                        // A destination already there at the first tick has been in its state since start-up.
                        track.Since = track.Since == default && _first ? _history.StartedAt : now;
                        track.Up = up;
                    }

                    break;
                case "mem0_gateway_health_checks_total":
                    if (s.Label("result") == "healthy")
                    {
                        Get(s).HealthyProbes = s.Value;
                    }
                    else
                    {
                        Get(s).UnhealthyProbes = s.Value;
                    }

                    break;
                case "mem0_gateway_health_check_duration_seconds_sum":
                    Get(s).ProbeSeconds = s.Value;
                    break;
                case "mem0_gateway_health_check_duration_seconds_count":
                    Get(s).ProbeCount = s.Value;
                    break;
            }
        }

        foreach (var (key, track) in next)
        {
            _destinations.TryGetValue(key, out var before);
            var healthy = track.HealthyProbes - (before?.HealthyProbes ?? 0);
            var unhealthy = track.UnhealthyProbes - (before?.UnhealthyProbes ?? 0);
            if (healthy <= 0 && unhealthy <= 0)
            {
                continue;
            }

            // Both in one tick (probes faster than the sampler): the destination's current state tells which came last.
            track.LastProbeResult = unhealthy > 0 && (healthy <= 0 || !track.Up) ? "unhealthy" : "healthy";
            track.LastProbeSeenAt = now;
            var count = track.ProbeCount - (before?.ProbeCount ?? 0);
            track.LastProbeSeconds = count > 0 ? (track.ProbeSeconds - (before?.ProbeSeconds ?? 0)) / count : track.LastProbeSeconds;
        }

        _destinations = next;
        return next;
    }

    private ConfigReloadTrack TrackReloads(List<MetricSeries> series, DateTimeOffset now)
    {
        double successes = _reload.Successes, failures = _reload.Failures;
        foreach (var s in series)
        {
            if (s.Name == "mem0_gateway_config_reloads_total")
            {
                if (s.Label("result") == "success")
                {
                    successes = s.Value;
                }
                else if (s.Label("result") == "failure")
                {
                    failures = s.Value;
                }
            }
        }

        if (successes > _reload.Successes || failures > _reload.Failures)
        {
            _reload.LastResult = failures > _reload.Failures ? "failure" : "success";
            _reload.LastSeenAt = now;
        }

        _reload.Successes = successes;
        _reload.Failures = failures;
        return new ConfigReloadTrack { Successes = successes, Failures = failures, LastResult = _reload.LastResult, LastSeenAt = _reload.LastSeenAt };
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = LogEventIds.StatusPageSampleFailed, Level = LogLevel.Warning, Message = "The status page could not sample the gateway's metrics.")]
        public static partial void SampleFailed(ILogger logger, Exception exception);
    }
}
