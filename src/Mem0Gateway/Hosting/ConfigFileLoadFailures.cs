using Mem0Gateway.Configuration;
using Microsoft.Extensions.Configuration;

namespace Mem0Gateway.Hosting;

/// <summary>
/// Reports a config file edit rejected before YARP sees it (deleted, emptied, not JSON, or leaving a service without its
/// cluster or routes). The configuration source then keeps the last good values and YARP never hears of the edit, so
/// the last good proxy config stays live; without this the edit would be ignored in silence.
/// </summary>
internal sealed class ConfigFileLoadFailures
{
    public event Action<Exception>? Failed;

    /// <summary>Hooks every file source of <paramref name="configuration"/> (yarp.json) when it is a builder we can reach.</summary>
    public static ConfigFileLoadFailures Watch(IConfiguration configuration)
    {
        var failures = new ConfigFileLoadFailures();
        if (configuration is IConfigurationBuilder builder)
        {
            foreach (var source in builder.Sources.OfType<FailClosedJsonFileSource>())
            {
                source.ReloadRejected += exception => failures.Failed?.Invoke(exception);
            }

            foreach (var source in builder.Sources.OfType<FileConfigurationSource>())
            {
                var previous = source.OnLoadException;
                source.OnLoadException = context =>
                {
                    // Hooked after the first load: a broken file at startup still stops the gateway from starting.
                    previous?.Invoke(context);
                    failures.Failed?.Invoke(context.Exception);
                };
            }
        }

        return failures;
    }
}
