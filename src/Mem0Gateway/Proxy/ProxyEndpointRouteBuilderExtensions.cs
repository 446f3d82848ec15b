namespace Mem0Gateway.Proxy;

public static class ProxyEndpointRouteBuilderExtensions
{
    /// <summary>Maps every yarp.json route, each carrying its <see cref="ProxyRouteDescriptor"/>.</summary>
    /// <param name="featureSteps">The feature modules' steps in YARP's pipeline (the host composes them, in order).</param>
    public static ReverseProxyConventionBuilder MapGatewayProxy(this IEndpointRouteBuilder endpoints, Action<IReverseProxyApplicationBuilder> featureSteps)
    {
        var descriptors = endpoints.ServiceProvider.GetRequiredService<ProxyRouteDescriptorFactory>();
        return endpoints
            .MapReverseProxy(pipeline =>
            {
                pipeline.UseMiddleware<EventStreamShutdownMiddleware>();
                // The feature modules' steps sit outside the outcome step (innermost, below), so they read its decision.
                featureSteps(pipeline);
                // The lambda overload replaces YARP's defaults: add them back, or load balancing and passive health are off.
                pipeline.UseSessionAffinity();
                pipeline.UseLoadBalancing();
                pipeline.UsePassiveHealthChecks();
                // Innermost, right around the forwarder: the outcome is decided before passive health, MCP and the
                // observers (all outside) read it.
                pipeline.UseMiddleware<ForwardingOutcomeMiddleware>();
            })
            .ConfigureEndpoints((builder, route) => builder.WithMetadata(descriptors.Create(route)));
    }
}
