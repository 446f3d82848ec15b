using Mem0Gateway.ActiveUsers;
using Mem0Gateway.Auth;
using Mem0Gateway.Configuration;
using Mem0Gateway.Health;
using Mem0Gateway.Logging;
using Mem0Gateway.Management;
using Mem0Gateway.Mcp;
using Mem0Gateway.Metrics;
using Mem0Gateway.Privacy;
using Mem0Gateway.Proxy;
using Mem0Gateway.SessionAffinity;
using Mem0Gateway.StatusPage;
using Mem0Gateway.Tracing;
using Microsoft.Extensions.Options;

namespace Mem0Gateway.Hosting;

/// <summary>Composes the gateway: configuration, listeners, proxy, instrumentation, management endpoints.</summary>
public static class GatewayApplication
{
    /// <summary>Short command-line forms of config keys: <c>--log-format pretty|json</c>.</summary>
    private static readonly Dictionary<string, string> CommandLineSwitches = new(StringComparer.Ordinal)
    {
        ["--log-format"] = $"{GatewayOptions.SectionName}:{nameof(GatewayOptions.LogFormat)}",
    };

    /// <param name="args">Command line: <c>--config PATH</c>, <c>--log-format pretty|json</c> and any <c>Key=Value</c> overrides.</param>
    /// <param name="configure">Extra service registrations (tests add in-memory exporters here).</param>
    public static WebApplication Create(string[] args, Action<WebApplicationBuilder>? configure = null)
    {
        var (configPath, remainingArgs) = GatewayConfigurationSource.Resolve(args);
        // The slim builder: Kestrel without HTTP/3 or HTTPS configuration, no IIS integration and no hosting-startup scan, none of
        // which a plain-HTTP gateway behind its ingress uses, and each loads assemblies that cost resident memory.
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { Args = remainingArgs });

        // yarp.json first, then environment, then the command line: the usual ASP.NET Core precedence, with our file,
        // which keeps its last good values when an edit is rejected.
        builder.Configuration.Sources.Clear();
        ((IConfigurationBuilder)builder.Configuration).Add(new FailClosedJsonFileSource(configPath));
        builder.Configuration
            .AddEnvironmentVariables()
            .AddCommandLine(remainingArgs, CommandLineSwitches);

        var gateway = builder.Configuration.GetSection(GatewayOptions.SectionName).Get<GatewayOptions>() ?? new GatewayOptions();
        // Through IOptions: Kestrel's options are built before start-up validation runs, so this is where a bad
        // listener or limit setting must already fail with the validator's message.
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.ListenOnGatewayPorts(
            kestrel.ApplicationServices.GetRequiredService<IOptions<GatewayOptions>>().Value));

        builder.Services.AddGatewayProxy(builder.Configuration);
        builder.Services.AddGatewayMetrics(gateway);
        builder.Services.AddGatewayTracing(builder.Configuration, gateway);
        builder.AddGatewayLogging(gateway);
        builder.Services.AddGatewayPrivacy(builder.Configuration);
        builder.Services.AddGatewaySessionAffinity();
        builder.Services.AddGatewayManagement(builder.Configuration);
        builder.Services.Configure<HostOptions>(host => host.ShutdownTimeout = gateway.Shutdown.DrainTimeout);
        builder.Services.AddGatewayHealth(builder.Configuration);
        builder.Services.AddGatewayConfigReload(builder.Configuration);
        builder.Services.AddGatewayUserActivity(builder.Configuration, gateway);
        builder.Services.AddGatewayMcp(builder.Configuration, gateway);
        builder.Services.AddGatewayAuthMetrics(builder.Configuration, gateway);
        builder.Services.AddGatewayStatusPage(builder.Configuration);
        builder.Services.AddHostedService(sp => ActivatorUtilities.CreateInstance<StartupSummary>(sp, configPath));
        configure?.Invoke(builder);

        var app = builder.Build();
        app.UseTrustedForwardedHeaders(gateway.ForwardedHeaders);
        app.UseRouting();
        app.UseManagementToken();
        app.UseMiddleware<ProxyRequestTelemetryMiddleware>();
        app.UseRequestTimeouts();
        app.MapGatewayMetrics();
        var health = app.MapGatewayHealth();
        foreach (var endpoint in health.All)
        {
            endpoint.OnManagementPort(app);
        }

        health.Detailed.RequireManagementToken();
        if (app.MapGatewayStatusPage() is { } statusPage)
        {
            // The page only asks for the token; its data answers with the same token rules as /health/detailed.
            statusPage.Page.OnManagementPort(app);
            statusPage.Data.OnManagementPort(app).RequireManagementToken();
        }

        app.MapGatewayProxy(pipeline => pipeline.UseGatewayUserActivity().UseGatewayMcp());
        app.UseEndpoints(_ => { });
        app.Run(UnmatchedRequestHandler.HandleAsync);
        return app;
    }
}
