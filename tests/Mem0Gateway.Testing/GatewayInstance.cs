using System.Text.Json.Nodes;
using Mem0Gateway.Hosting;
using Microsoft.AspNetCore.Builder;

namespace Mem0Gateway.Testing;

/// <summary>
/// The real gateway, started in this process on free loopback ports from a copy of the repository's yarp.json,
/// its clusters pointed at the test's upstreams.
/// </summary>
public sealed class GatewayInstance : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly IReadOnlyDictionary<string, int> _servicePorts;
    private readonly string _directory;

    private GatewayInstance(WebApplication app, IReadOnlyDictionary<string, int> servicePorts, int managementPort, string directory, string configPath)
    {
        _app = app;
        _servicePorts = servicePorts;
        ManagementPort = managementPort;
        _directory = directory;
        ConfigPath = configPath;
        Management = CreateClient(managementPort);
    }

    public IServiceProvider Services => _app.Services;

    public int ManagementPort { get; }

    public IReadOnlyDictionary<string, int> ServicePorts => _servicePorts;

    /// <summary>The config file the gateway watches: rewrite it to test hot reload.</summary>
    public string ConfigPath { get; }

    public HttpClient Management { get; }

    public static async Task<GatewayInstance> StartAsync(GatewayInstanceOptions? options = null)
    {
        options ??= new GatewayInstanceOptions();
        for (var attempt = 1; ; attempt++)
        {
            var config = GatewayTestConfig.Create(options);
            var configPath = options.PlaceConfig?.Invoke(config.ConfigPath) ?? config.ConfigPath;
            var app = GatewayApplication.Create(["--config", configPath], options.ConfigureBuilder);
            try
            {
                await app.StartAsync();
                return new GatewayInstance(app, config.ServicePorts, config.ManagementPort, config.Directory, configPath);
            }
            catch (IOException) when (attempt < 3)
            {
                // A free port was taken by someone else between allocation and bind: try a fresh set.
                await app.DisposeAsync();
            }
        }
    }

    /// <summary>A client of one service's port, as a mem0 client would be after switching host and port.</summary>
    public HttpClient Client(string service) => CreateClient(_servicePorts[service]);

    public Uri ServiceAddress(string service) => new($"http://127.0.0.1:{_servicePorts[service]}/");

    public async Task<MetricsSnapshot> ScrapeAsync()
    {
        var text = await Management.GetStringAsync("/metrics");
        return new MetricsSnapshot(text);
    }

    /// <summary>
    /// Scrapes until <paramref name="done"/> holds (or 10 s pass) and returns the last scrape for the test to assert on:
    /// for what the gateway records after the client already has its answer (aborts, stream ends, probes).
    /// </summary>
    public async Task<MetricsSnapshot> ScrapeUntilAsync(Func<MetricsSnapshot, bool> done)
    {
        var watch = System.Diagnostics.Stopwatch.StartNew();
        while (true)
        {
            var metrics = await ScrapeAsync();
            if (done(metrics) || watch.Elapsed > TimeSpan.FromSeconds(10))
            {
                return metrics;
            }

            await Task.Delay(50);
        }
    }

    /// <summary>Reads the gateway's config file as JSON, to edit and <see cref="RewriteConfig"/>.</summary>
    public JsonObject ReadConfig() => JsonNode.Parse(File.ReadAllText(ConfigPath))!.AsObject();

    public void RewriteConfig(JsonObject config) => GatewayConfigFile.Write(ConfigPath, config);

    public Task StopAsync() => _app.StopAsync();

    public async ValueTask DisposeAsync()
    {
        Management.Dispose();
        await _app.StopAsync(TimeSpan.FromSeconds(5));
        await _app.DisposeAsync();
        try
        {
            Directory.Delete(_directory, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    private static HttpClient CreateClient(int port) => GatewayTestConfig.CreateClient(port);
}
