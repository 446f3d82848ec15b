using Microsoft.Extensions.Configuration;

namespace Mem0Gateway.Hosting;

/// <summary>
/// Reports a config file that no longer parses (a JSON syntax error after an edit). The configuration system then
/// keeps it out and YARP never hears of the edit, so the last good proxy config stays live; without this the edit would
/// be ignored in silence.
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
