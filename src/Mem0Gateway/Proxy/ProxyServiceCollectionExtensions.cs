using Mem0Gateway.Configuration;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Yarp.ReverseProxy.Transforms;

namespace Mem0Gateway.Proxy;

public static class ProxyServiceCollectionExtensions
{
    /// <summary>YARP from the <c>ReverseProxy</c> section, matched by listener port, with problem+json errors.</summary>
    public static IServiceCollection AddGatewayProxy(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddGatewayOptions<GatewayOptions, GatewayOptionsValidator>(GatewayOptions.SectionName);
        services.AddSingleton<ServiceListenerMap>();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<MatcherPolicy, ListenerPortMatcherPolicy>());
        services.AddSingleton<ProxyRouteDescriptorFactory>();
        services.AddSingleton<GatewayProblemResponder>();
        services.AddProblemDetails();
        services.AddRequestTimeouts();

        services.AddReverseProxy()
            .LoadFromConfig(configuration.GetSection("ReverseProxy"))
            .AddTransforms(context =>
            {
                context.AddResponseTransform(UpstreamResponseHeadTransform.ApplyAsync);
                if (context.Cluster?.Metadata?.GetValueOrDefault(RouteMetadataKeys.PreserveHost) is { } value
                    && bool.TryParse(value, out var preserve) && preserve)
                {
                    context.AddOriginalHost(true);
                }
            });
        return services;
    }
}
