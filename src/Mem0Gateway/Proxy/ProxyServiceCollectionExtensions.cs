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
        services.AddSingleton<BrowserOriginPolicy>();
        services.AddSingleton<ServerSideCallPolicy>();
        services.AddGatewayOptions<ServerSideCallOptions, ServerSideCallOptionsValidator>(ServerSideCallOptions.SectionName);
        services.AddProblemDetails();
        services.AddRequestTimeouts();

        services.AddReverseProxy()
            .LoadFromConfig(configuration.GetSection("ReverseProxy"))
            .AddConfigFilter<StackClusterFilter>()
            .AddTransforms(context =>
            {
                if (context.Cluster is { } cluster
                    && context.Services.GetRequiredService<Microsoft.Extensions.Options.IOptions<GatewayOptions>>().Value is { } gateway
                    && gateway.Services.TryGetValue(cluster.ClusterId, out var service) && service.RewriteLocation)
                {
                    context.AddResponseTransform(static response =>
                    {
                        LocationRewritePolicy.Apply(response.HttpContext);
                        return ValueTask.CompletedTask;
                    });
                }

                // After the Location rewrite: for an event stream this transform sends the headers at once.
                context.AddResponseTransform(UpstreamResponseHeadTransform.ApplyAsync);

                if (context.Cluster?.Metadata?.GetValueOrDefault(RouteMetadataKeys.PreserveHost) is { } value
                    && bool.TryParse(value, out var preserve) && preserve)
                {
                    context.AddOriginalHost(true);
                }
            });

        // YARP registers Data Protection for its affinity cookies, whose hosted service loads (or creates and writes)
        // the key ring at start. The gateway's own affinity needs no key ring, so it is built on first use instead,
        // which keeps the XML stack out of a process that never protects a cookie.
        for (var i = services.Count - 1; i >= 0; i--)
        {
            if (services[i].ServiceType == typeof(IHostedService) && services[i].ImplementationType?.FullName == DataProtectionHostedServiceType)
            {
                services.RemoveAt(i);
            }
        }

        return services;
    }

    private const string DataProtectionHostedServiceType = "Microsoft.AspNetCore.DataProtection.Internal.DataProtectionHostedService";
}
