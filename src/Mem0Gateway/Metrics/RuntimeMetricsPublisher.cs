using Prometheus;

namespace Mem0Gateway.Metrics;

/// <summary>
/// Publishes the .NET runtime's own <c>System.Runtime</c> meter (thread pool, GC pauses, lock contention, exceptions)
/// and nothing else: its instruments are observable, read at scrape time, so they cost nothing per request, unlike
/// the ASP.NET Core, Kestrel and HttpClient meters, which record on every request and are left off.
/// </summary>
internal sealed class RuntimeMetricsPublisher : IHostedService
{
    public const string RuntimeMeterName = "System.Runtime";

    private readonly CollectorRegistry _registry;
    private IDisposable? _adapter;

    public RuntimeMetricsPublisher(CollectorRegistry registry) => _registry = registry;

    public Task StartAsync(CancellationToken cancellationToken)
    {
        _adapter = MeterAdapter.StartListening(new MeterAdapterOptions
        {
            Registry = _registry,
            MetricFactory = Prometheus.Metrics.WithCustomRegistry(_registry),
            InstrumentFilterPredicate = instrument => instrument.Meter.Name == RuntimeMeterName,
        });
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken)
    {
        _adapter?.Dispose();
        return Task.CompletedTask;
    }
}
