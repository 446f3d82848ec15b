using System.Runtime.CompilerServices;
using Mem0Gateway.Configuration;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Yarp.ReverseProxy.Configuration;
using Yarp.ReverseProxy.Health;
using Yarp.ReverseProxy.Model;

namespace Mem0Gateway.Health;

public static class HealthServiceCollectionExtensions
{
    /// <summary>
    /// Upstream health on top of YARP's (observed probes and state changes, our passive and active policies)
    /// and the health checks behind /health/*: readiness plus the dependencies configured under
    /// <c>Gateway:Dependencies</c>. Call after <c>AddGatewayProxy</c> and <c>AddGatewayMetrics</c> (its registry).
    /// </summary>
    public static IServiceCollection AddGatewayHealth(this IServiceCollection services, IConfiguration configuration)
    {
        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton<ProbeDurationListener>();
        services.AddSingleton<HealthMetrics>();
        services.AddSingleton<UpstreamHealthRegistry>();
        services.AddSingleton<UpstreamHealthEvaluator>();
        services.AddSingleton<GatewayHealthReportBuilder>();

        services.AddSingleton<IPassiveHealthCheckPolicy, TransportAndServerErrorRateHealthPolicy>();
        services.AddSingleton<IActiveHealthCheckPolicy, RefusedOrConsecutiveFailuresHealthPolicy>();
        services.Decorate<IActiveHealthCheckPolicy>((sp, inner) => new ProbeObservingActiveHealthCheckPolicy(
            inner, sp.GetRequiredService<UpstreamHealthRegistry>(), sp.GetRequiredService<ProbeDurationListener>()));
        services.Decorate<IClusterDestinationsUpdater>((sp, inner) => new HealthObservingClusterDestinationsUpdater(
            inner, sp.GetRequiredService<UpstreamHealthRegistry>()));
        services.AddSingleton<IClusterChangeListener, UpstreamHealthClusterListener>();

        var checks = services.AddHealthChecks()
            .AddCheck<ReadinessHealthCheck>("readiness", tags: [ReadinessHealthCheck.Tag]);
        AddDependencyChecks(services, checks, configuration.GetSection(DependencyOptions.SectionName).Get<DependencyOptions>() ?? new());
        return services;
    }

    private static void AddDependencyChecks(IServiceCollection services, IHealthChecksBuilder checks, DependencyOptions dependencies)
    {
        string[] tags = [GatewayHealthReportBuilder.DependencyTag];
        var postgres = dependencies.Postgres;
        if (SecretFile.ReadOrInline(postgres.ConnectionStringFile, postgres.ConnectionString, "Gateway:Dependencies:Postgres:ConnectionStringFile") is { } connectionString)
        {
            AddPostgresCheck(checks, connectionString, tags, postgres.Timeout);
        }

        var neo4j = dependencies.Neo4j;
        if (!string.IsNullOrWhiteSpace(neo4j.Address))
        {
            var check = Neo4jBoltHealthCheck.Create(neo4j.Address, neo4j.Timeout);
            // The check enforces its own timeout and reports it as a clear description; the outer one is a backstop.
            checks.Add(new HealthCheckRegistration("neo4j", check, failureStatus: null, tags, neo4j.Timeout + TimeSpan.FromSeconds(1)));
        }

        var llm = dependencies.Llm;
        if (llm.Enabled)
        {
            if (!Uri.TryCreate(llm.Url, UriKind.Absolute, out var url))
            {
                throw new InvalidOperationException("Gateway:Dependencies:Llm:Enabled is true, but Gateway:Dependencies:Llm:Url is not an absolute URL.");
            }

            var apiKey = SecretFile.ReadOrInline(llm.ApiKeyFile, llm.ApiKey, "Gateway:Dependencies:Llm:ApiKeyFile");
            services.AddSingleton(_ => new LlmReachabilityHealthCheck(url, apiKey, llm.Timeout));
            checks.Add(new HealthCheckRegistration("llm", sp => sp.GetRequiredService<LlmReachabilityHealthCheck>(), failureStatus: null, tags,
                llm.Timeout + TimeSpan.FromSeconds(1)));
        }
    }

    /// <summary>Apart, so that a gateway without Postgres never loads its client (the JIT loads what a method names).</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void AddPostgresCheck(IHealthChecksBuilder checks, string connectionString, string[] tags, TimeSpan timeout)
        => checks.AddNpgSql(connectionString, name: "postgres", tags: tags, timeout: timeout);
}
