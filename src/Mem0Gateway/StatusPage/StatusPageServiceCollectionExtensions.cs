using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Mem0Gateway.StatusPage;

public static class StatusPageServiceCollectionExtensions
{
    /// <summary>
    /// The status page's sampler and report: a background tick copies the registry's series into fifteen minutes of
    /// history; <c>/status.json</c> is computed from it. Nothing is added to the request path.
    /// </summary>
    public static IServiceCollection AddGatewayStatusPage(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<StatusPageOptions>()
            .Bind(configuration.GetSection(StatusPageOptions.SectionName))
            .Validate(o => o.HasValidSampleInterval, StatusPageOptions.SampleIntervalError)
            .ValidateOnStart();
        var options = configuration.GetSection(StatusPageOptions.SectionName).Get<StatusPageOptions>() ?? new StatusPageOptions();
        if (!options.Enabled)
        {
            return services;
        }

        services.TryAddSingleton(TimeProvider.System);
        // Created as the host starts, before any listener: every counter is still zero, the base of a window longer than the gateway's life.
        services.AddSingleton(sp => new StatusHistory(sp.GetRequiredService<TimeProvider>().GetUtcNow()));
        services.AddSingleton<StatusReportWriter>();
        services.AddSingleton<StatusSampler>();
        services.AddHostedService(sp => sp.GetRequiredService<StatusSampler>());
        return services;
    }
}
