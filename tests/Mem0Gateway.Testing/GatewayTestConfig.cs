using System.Text.Json.Nodes;

namespace Mem0Gateway.Testing;

/// <summary>A test gateway's config file, written from the repository's yarp.json, and the ports it names.</summary>
public sealed record GatewayTestConfig(string ConfigPath, string Directory, IReadOnlyDictionary<string, int> ServicePorts, int ManagementPort)
{
    public static GatewayTestConfig Create(GatewayInstanceOptions options)
    {
        var config = GatewayConfigFile.LoadRepositoryConfig();
        var services = config["Gateway"]!["Services"]!.AsObject().Select(s => s.Key).ToList();
        var ports = FreePorts.Allocate(services.Count + 1);
        var servicePorts = services.Select((s, i) => (s, ports[i])).ToDictionary(p => p.s, p => p.Item2, StringComparer.OrdinalIgnoreCase);
        var managementPort = ports[^1];

        GatewayConfigFile.Set(config, "Gateway:ListenAddress", "127.0.0.1");
        GatewayConfigFile.Set(config, "Gateway:ManagementAddress", "127.0.0.1");
        GatewayConfigFile.Set(config, "Gateway:ManagementPort", managementPort.ToString());
        foreach (var (service, port) in servicePorts)
        {
            GatewayConfigFile.Set(config, $"Gateway:Services:{service}:Port", port.ToString());
        }

        var deadDestination = new Uri($"http://127.0.0.1:{FreePorts.Allocate()}/");
        foreach (var (clusterId, cluster) in config["ReverseProxy"]!["Clusters"]!.AsObject())
        {
            var addresses = options.Destinations.TryGetValue(clusterId, out var given) ? given : [options.DefaultDestination ?? deadDestination];
            var destinations = new JsonObject();
            for (var i = 0; i < addresses.Length; i++)
            {
                destinations[$"{clusterId}-{i + 1}"] = new JsonObject { ["Address"] = addresses[i].ToString() };
            }

            cluster!["Destinations"] = destinations;
            if (!options.ActiveHealthChecks)
            {
                GatewayConfigFile.Set(cluster.AsObject(), "HealthCheck:Active:Enabled", "false");
            }
        }

        foreach (var (key, value) in options.Settings)
        {
            GatewayConfigFile.Set(config, key, value);
        }

        options.EditConfig?.Invoke(config);
        var directory = System.IO.Directory.CreateTempSubdirectory("mem0gw-test-").FullName;
        var configPath = Path.Combine(directory, "yarp.json");
        GatewayConfigFile.Write(configPath, config);
        return new GatewayTestConfig(configPath, directory, servicePorts, managementPort);
    }

    /// <summary>A plain client of a loopback port: no redirects followed, no proxy, no cookies.</summary>
    public static HttpClient CreateClient(int port) => new(new SocketsHttpHandler { AllowAutoRedirect = false, UseProxy = false, UseCookies = false })
    {
        BaseAddress = new Uri($"http://127.0.0.1:{port}/"),
        Timeout = TimeSpan.FromSeconds(30),
    };
}
