using Yarp.ReverseProxy.Configuration;

namespace Mem0Gateway.Hosting;

public static class ConfigReloadServiceCollectionExtensions
{
    /// <summary>
    /// Accounting of yarp.json reloads: the reload counter and one log line per rejected edit, whether the file failed to
    /// parse or YARP rejected what it says.
    /// </summary>
    public static IServiceCollection AddGatewayConfigReload(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddSingleton(ConfigFileLoadFailures.Watch(configuration));
        services.AddSingleton<IConfigChangeListener, ConfigReloadListener>();
        return services;
    }
}
