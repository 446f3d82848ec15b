using Mem0Gateway.Metrics;
using Prometheus;
using Yarp.ReverseProxy.Configuration;

namespace Mem0Gateway.Hosting;

/// <summary>
/// Counts yarp.json reloads and says once, in one line, why an edit was rejected. YARP keeps the last good config live
/// when an edit fails to parse, load or validate; the first load at startup is not a reload and is not counted.
/// </summary>
internal sealed partial class ConfigReloadListener : IConfigChangeListener
{
    private readonly Counter.Child _success;
    private readonly Counter.Child _failure;
    private readonly Gauge _lastReloadSuccessful;
    private readonly ILogger<ConfigReloadListener> _logger;
    private int _applied;
    private int _failedInThisReload;

    public ConfigReloadListener(GatewayMetrics metrics, ConfigFileLoadFailures fileFailures, ILogger<ConfigReloadListener> logger)
    {
        fileFailures.Failed += Fail;
        _success = metrics.ConfigReloadsTotal.WithLabels("success");
        _failure = metrics.ConfigReloadsTotal.WithLabels("failure");
        _success.Publish();
        _failure.Publish();
        _lastReloadSuccessful = metrics.ConfigLastReloadSuccessful;
        _lastReloadSuccessful.Set(1);
        _logger = logger;
    }

    public void ConfigurationLoadingFailed(IProxyConfigProvider configProvider, Exception exception)
    {
        Interlocked.Exchange(ref _failedInThisReload, 1);
        Fail(exception);
    }

    public void ConfigurationLoaded(IReadOnlyList<IProxyConfig> proxyConfigs)
    {
    }

    public void ConfigurationApplyingFailed(IReadOnlyList<IProxyConfig> proxyConfigs, Exception exception)
        => Fail(exception);

    public void ConfigurationApplied(IReadOnlyList<IProxyConfig> proxyConfigs)
    {
        // YARP also reports "applied" (the old config, still live) after a provider failed to load.
        if (Interlocked.Exchange(ref _failedInThisReload, 0) == 1)
        {
            return;
        }

        if (Interlocked.Exchange(ref _applied, 1) == 0)
        {
            return;
        }

        // Said before counted: whoever sees the count can already read the line. YARP calls this once the new routes'
        // endpoints are live, so a request sent after the count moved is matched (and labelled) by the new config.
        Log.ReloadApplied(_logger);
        _success.Inc();
        _lastReloadSuccessful.Set(1);
    }

    private void Fail(Exception exception)
    {
        Log.ReloadRejected(_logger, Describe(exception));
        _failure.Inc();
        _lastReloadSuccessful.Set(0);
    }

    /// <summary>YARP's validation errors (one per problem) or the parse error with its line, without stack traces.</summary>
    internal static string Describe(Exception exception)
    {
        var messages = exception is AggregateException aggregate
            ? aggregate.Flatten().InnerExceptions.Select(e => e.Message)
            : Chain(exception).Select(e => e.Message);
        return string.Join(" ", messages.Distinct());

        static IEnumerable<Exception> Chain(Exception exception)
        {
            for (var e = exception; e is not null; e = e.InnerException)
            {
                yield return e;
            }
        }
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = LogEventIds.ConfigReloaded, Level = LogLevel.Information, Message = "Proxy config reloaded from the changed config file.")]
        public static partial void ReloadApplied(ILogger logger);

        [LoggerMessage(EventId = LogEventIds.ConfigReloadRejected, Level = LogLevel.Error,
            Message = "Proxy config edit rejected; the last good config stays live. {Reason}")]
        public static partial void ReloadRejected(ILogger logger, string reason);
    }
}
