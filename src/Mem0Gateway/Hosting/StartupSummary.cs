using Mem0Gateway.Configuration;
using Mem0Gateway.Management;
using Mem0Gateway.StatusPage;
using Microsoft.Extensions.Options;
using Yarp.ReverseProxy;

namespace Mem0Gateway.Hosting;

/// <summary>
/// Once the listeners are up, says in a few lines what this gateway is doing: each service's port, destinations,
/// probe path and route count, where the management endpoints and the status page are, which config file is live,
/// whether a token is needed and where traces go. The first thing a person at the terminal reads.
/// </summary>
internal sealed partial class StartupSummary : IHostedService
{
    private readonly string _configPath;
    private readonly IHostApplicationLifetime _lifetime;
    private readonly IProxyStateLookup _proxyState;
    private readonly GatewayOptions _gateway;
    private readonly ManagementOptions _management;
    private readonly StatusPageOptions _statusPage;
    private readonly IConfiguration _configuration;
    private readonly ILogger<StartupSummary> _logger;

    public StartupSummary(string configPath, IHostApplicationLifetime lifetime, IProxyStateLookup proxyState, IOptions<GatewayOptions> gateway,
        IOptions<ManagementOptions> management, IOptions<StatusPageOptions> statusPage, IConfiguration configuration, ILogger<StartupSummary> logger)
    {
        _configPath = configPath;
        _lifetime = lifetime;
        _proxyState = proxyState;
        _gateway = gateway.Value;
        _management = management.Value;
        _statusPage = statusPage.Value;
        _configuration = configuration;
        _logger = logger;
    }

    public Task StartAsync(CancellationToken cancellationToken)
    {
        _lifetime.ApplicationStarted.Register(Write);
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    private void Write()
    {
        Log.Started(_logger, GatewayVersion.Current, _configPath);
        var routes = _proxyState.GetRoutes().GroupBy(r => r.Config.ClusterId ?? string.Empty, StringComparer.OrdinalIgnoreCase)
            .ToDictionary(g => g.Key, g => g.Count(), StringComparer.OrdinalIgnoreCase);
        foreach (var (service, listener) in _gateway.RunServices().OrderBy(s => s.Value.Port))
        {
            var destinations = "no destinations";
            var probe = "active probes off";
            if (_proxyState.TryGetCluster(service, out var cluster))
            {
                var addresses = cluster.Destinations.Values.OrderBy(d => d.DestinationId, StringComparer.Ordinal).Select(d => d.Model.Config.Address).ToList();
                destinations = addresses.Count == 0 ? destinations : string.Join(", ", addresses);
                if (cluster.Model.Config.HealthCheck?.Active is { Enabled: true } active)
                {
                    probe = "probe " + (active.Path ?? "/");
                }
            }

            var routeCount = routes.GetValueOrDefault(service);
            Log.Service(_logger, service, Address(_gateway.ListenAddress, listener.Port), destinations, probe, routeCount == 1 ? "1 route" : $"{routeCount} routes",
                listener.Required ? "required" : "optional");
        }

        var management = Address(_gateway.ManagementAddress, _gateway.ManagementPort);
        var token = _management.ReadToken() is null ? "no token required" : "bearer token required for /metrics, /health/detailed and /status.json";
        if (_statusPage.Enabled)
        {
            Log.ManagementWithStatusPage(_logger, management, token);
        }
        else
        {
            Log.Management(_logger, management, token);
        }

        var endpoint = TraceExportTarget.Endpoint(_configuration);
        var tracing = !_gateway.Tracing.Enabled ? "off"
            : endpoint is null ? "on, not exported (set OTEL_EXPORTER_OTLP_ENDPOINT to send spans)"
            : "on, exporting over OTLP to " + endpoint;
        Log.Tracing(_logger, tracing);
    }

    /// <summary>A URL a person can open: a wildcard bind address is reachable as localhost.</summary>
    private static string Address(string bindAddress, int port)
    {
        var host = bindAddress is "0.0.0.0" or "::" or "*" or "+" or "" ? "localhost" : bindAddress.Contains(':') ? $"[{bindAddress}]" : bindAddress;
        return $"http://{host}:{port}/";
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = LogEventIds.StartupStarted, Level = LogLevel.Information, Message = "Mem0Gateway {Version} started with config file {ConfigFile}")]
        public static partial void Started(ILogger logger, string version, string configFile);

        [LoggerMessage(EventId = LogEventIds.StartupService, Level = LogLevel.Information,
            Message = "Service {Service}: {ListenUrl} -> {Destinations} ({Probe}, {Routes}, {Required})")]
        public static partial void Service(ILogger logger, string service, string listenUrl, string destinations, string probe, string routes, string required);

        [LoggerMessage(EventId = LogEventIds.StartupManagementWithStatusPage, Level = LogLevel.Information,
            Message = "Management: {ManagementUrl} (status page; /metrics, /health/*), {Token}")]
        public static partial void ManagementWithStatusPage(ILogger logger, string managementUrl, string token);

        [LoggerMessage(EventId = LogEventIds.StartupManagement, Level = LogLevel.Information, Message = "Management: {ManagementUrl} (/metrics, /health/*), {Token}")]
        public static partial void Management(ILogger logger, string managementUrl, string token);

        [LoggerMessage(EventId = LogEventIds.StartupTracing, Level = LogLevel.Information, Message = "Tracing {Tracing}")]
        public static partial void Tracing(ILogger logger, string tracing);
    }
}
