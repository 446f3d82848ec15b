using System.Text.Json.Nodes;
using Mem0Gateway.Monitoring.Tests.Support;

namespace Mem0Gateway.Monitoring.Tests.Static;

/// <summary>docker-compose.yml, checked statically: there is no Docker engine on this machine.</summary>
public sealed class ComposeTests
{
    private static readonly HashSet<string> Backends =
        ["mem0", "mem0-dashboard", "openmemory-mcp", "openmemory-ui", "mem0_store", "postgres", "neo4j", "elasticsearch", "postgres-exporter", "node-exporter", "cadvisor", "filebeat"];

    /// <summary>Services that read the host itself (metrics of the host, logs of the other containers).</summary>
    private static readonly HashSet<string> HostReaders = ["node-exporter", "cadvisor", "filebeat"];

    private readonly Compose _compose = Compose.Repository;

    [Fact]
    public void The_whole_seed_stack_is_there()
    {
        Assert.Subset(_compose.Services.Keys.ToHashSet(), new HashSet<string>
        {
            "gateway", "mem0", "mem0-dashboard", "openmemory-mcp", "openmemory-ui", "postgres", "neo4j", "mem0_store", "prometheus", "alertmanager",
            "grafana", "jaeger", "elasticsearch", "kibana", "filebeat", "healthchecks-ui", "postgres-exporter", "node-exporter", "cadvisor",
        });
        Assert.Contains("pgvector", _compose.Service("postgres").Str("image"));
    }

    [Fact]
    public void Every_service_has_a_healthcheck_and_dependencies_name_real_services()
    {
        foreach (var (name, _) in _compose.Services)
        {
            var test = _compose.Service(name).Map("healthcheck").List("test").Cast<string>().ToList();
            Assert.True(test.Count >= 2 && test[0] is "CMD" or "CMD-SHELL", $"{name}: no healthcheck");
            var depends = _compose.Service(name).GetValueOrDefault("depends_on") switch
            {
                Dictionary<string, object?> map => map.Keys.ToList(),
                List<object?> list => list.Cast<string>().ToList(),
                _ => [],
            };
            Assert.All(depends, d => Assert.True(_compose.Services.ContainsKey(d), $"{name} depends on unknown service {d}"));
        }

        // tools that are not in an image must not be used by its healthcheck
        string Probe(string s) => string.Join(' ', _compose.Service(s).Map("healthcheck").List("test").Cast<string>());
        foreach (var aspnet in new[] { "gateway", "healthchecks-ui" })
        {
            Assert.StartsWith("CMD bash -c exec 3<>/dev/tcp/127.0.0.1/", Probe(aspnet));
        }

        foreach (var python in new[] { "mem0", "openmemory-mcp" })
        {
            Assert.StartsWith("CMD python -c import urllib.request", Probe(python));
        }

        Assert.Contains("pg_isready", Probe("postgres"));
        Assert.Contains("cypher-shell", Probe("neo4j"));
    }

    [Fact]
    public void The_gateway_publishes_every_port_of_its_config_and_management_only_on_loopback()
    {
        var (services, management) = GatewayPorts.FromYarpJson();
        var published = _compose.Ports("gateway").ToList();
        foreach (var (service, port) in services)
        {
            Assert.True(published.Any(p => p.ContainerPort == port && p.HostPort == port), $"gateway port {port} ({service}) is not published");
        }

        var mgmt = Assert.Single(published, p => p.ContainerPort == management);
        Assert.Equal("127.0.0.1", mgmt.HostIp);
        Assert.Equal(services.Count + 1, published.Count);
    }

    [Fact]
    public void Backends_publish_nothing_and_operator_uis_only_on_loopback()
    {
        foreach (var (name, _) in _compose.Services)
        {
            var ports = _compose.Ports(name).ToList();
            if (Backends.Contains(name))
            {
                Assert.True(ports.Count == 0, $"backend {name} publishes {string.Join(", ", ports)}");
            }
            else if (name != "gateway")
            {
                Assert.All(ports, p => Assert.True(p.HostIp == "127.0.0.1", $"{name} publishes {p.HostPort} on {p.HostIp}"));
            }

            Assert.Null(_compose.Service(name).Str("network_mode"));
        }
    }

    [Fact]
    public async Task Every_mounted_file_exists_in_the_repository_or_is_created_by_setup()
    {
        using var copy = await RepoCopy.CreateAsync();
        List<(string Service, string Source)> Missing() => _compose.Services.Keys
            .SelectMany(s => _compose.Mounts(s).Where(m => m.IsBind && m.Source.StartsWith('.')).Select(m => (s, m.Source)))
            .Concat(_compose.Document.Map("secrets").Select(kv => ("secrets", kv.Value.Map().Str("file")!)))
            .Where(x => !Path.Exists(copy.Path(x.Item2)))
            .ToList();

        // in a fresh clone only the secret files are missing, and each has an example for setup to start from
        var before = Missing();
        Assert.All(before, m =>
        {
            Assert.StartsWith("./monitoring/secrets/", m.Source);
            Assert.True(File.Exists(copy.Path(m.Source + ".example")), $"{m.Source} has no .example");
        });
        Assert.NotEmpty(before);

        await copy.InitAsync();
        Assert.Empty(Missing());
        Assert.True(File.Exists(copy.Path(".env")));

        // host paths are mounted only by the services that read the host
        foreach (var (name, _) in _compose.Services)
        {
            Assert.All(_compose.Mounts(name).Where(m => m.Source.StartsWith('/')), m => Assert.True(HostReaders.Contains(name), $"{name} mounts host path {m.Source}"));
        }

        // named volumes are declared
        var declared = _compose.Document.Map("volumes").Keys.ToHashSet();
        foreach (var (name, _) in _compose.Services)
        {
            Assert.All(_compose.Mounts(name).Where(m => !m.IsBind), m => Assert.True(declared.Contains(m.Source), $"{name}: volume {m.Source} not declared"));
        }

        Assert.True(File.Exists(RepoPaths.File("Dockerfile")), "the gateway is built from ./Dockerfile");
        Assert.Equal("Dockerfile", _compose.Service("gateway").Map("build").Str("dockerfile"));
    }

    [Fact]
    public void Every_scrape_target_names_a_compose_service()
    {
        var config = Yaml.LoadFile(RepoPaths.Monitoring("prometheus.yml"));
        var targets = config.List("scrape_configs").Select(j => j.Map())
            .SelectMany(j => j.List("static_configs").SelectMany(s => s.Map().List("targets")).Select(t => (Job: j.Str("job_name")!, Target: (string)t!)))
            .Concat(config.Map("alerting").List("alertmanagers").SelectMany(a => a.Map().List("static_configs"))
                .SelectMany(s => s.Map().List("targets")).Select(t => (Job: "alerting", Target: (string)t!)));
        foreach (var (job, target) in targets)
        {
            var host = target.Split(':')[0];
            if (job == "prometheus" && host == "localhost")
            {
                continue; // Prometheus scraping itself
            }

            Assert.True(_compose.Services.ContainsKey(host), $"job {job}: {target} is not a compose service");
        }

        var (_, management) = GatewayPorts.FromYarpJson();
        Assert.Contains(targets, t => t.Target == $"gateway:{management}");
    }

    [Fact]
    public void Prometheus_keeps_30_days_with_exemplars_and_alertmanager_reads_its_secrets_from_files()
    {
        var command = _compose.Service("prometheus").List("command").Cast<string>().Select(Compose.Interpolate).ToList();
        Assert.Contains("--storage.tsdb.retention.time=30d", command);
        var features = command.Where(c => c.StartsWith("--enable-feature=", StringComparison.Ordinal))
            .SelectMany(c => c["--enable-feature=".Length..].Split(',')).ToHashSet();
        Assert.Contains("exemplar-storage", features);
        // scrape_sample_limit, which ScrapeNearSampleLimit divides by
        Assert.Contains("extra-scrape-metrics", features);
        Assert.Contains(_compose.Mounts("prometheus"), m => m.Target == "/etc/prometheus/secrets/gateway_metrics_token");

        var am = Yaml.LoadFile(RepoPaths.Monitoring("alertmanager.yml"));
        var files = AlertmanagerTests.SecretFiles(am).ToList();
        Assert.NotEmpty(files);
        var mounted = _compose.Service("alertmanager").List("secrets").Cast<string>().ToHashSet();
        foreach (var file in files)
        {
            Assert.StartsWith("/run/secrets/", file);
            Assert.Contains(file["/run/secrets/".Length..], mounted);
        }
    }

    [Fact]
    public void Services_are_wired_to_each_other_and_telemetry_is_off()
    {
        Assert.Equal("false", _compose.Environment("mem0")["MEM0_TELEMETRY"]);
        Assert.Equal("false", _compose.Environment("openmemory-mcp")["MEM0_TELEMETRY"]);

        var gateway = _compose.Environment("gateway");
        Assert.Equal("http://jaeger:4317", gateway["OTEL_EXPORTER_OTLP_ENDPOINT"]);
        Assert.Equal("/app/yarp.json", gateway["MEM0GW_CONFIG"]);
        Assert.Contains(_compose.Mounts("gateway"), m => m.Source == "./yarp.json" && m.Target == "/app/yarp.json");

        // every destination override names a cluster and destination of yarp.json, and a compose service
        var clusters = JsonNode.Parse(File.ReadAllText(RepoPaths.File("yarp.json")))!["ReverseProxy"]!["Clusters"]!.AsObject();
        var overrides = gateway.Where(kv => kv.Key.StartsWith("ReverseProxy__Clusters__", StringComparison.Ordinal)).ToList();
        Assert.Equal(clusters.Count, overrides.Count);
        foreach (var (key, address) in overrides)
        {
            var parts = key.Split("__");
            Assert.True(clusters[parts[2]]?["Destinations"]?[parts[4]] is not null, $"{key}: no such cluster/destination in yarp.json");
            Assert.Contains(new Uri(address).Host, _compose.Services.Keys);
        }

        var (ports, _) = GatewayPorts.FromYarpJson();
        Assert.Equal($"http://localhost:{ports["openmemory"]}", _compose.Environment("openmemory-ui")["NEXT_PUBLIC_API_URL"]);
        Assert.Equal("http://gateway:19464/health/detailed", _compose.Environment("healthchecks-ui")["HealthChecksUI__HealthChecks__0__Uri"]);
    }

    [Fact]
    public void Todays_mem0_stack_runs_by_default_behind_the_gateway_and_openmemory_is_a_profile()
    {
        string[] Profiles(string service) => _compose.Service(service).GetValueOrDefault("profiles") is List<object?> list ? list.Cast<string>().ToArray() : [];
        foreach (var service in new[] { "gateway", "mem0", "postgres", "mem0-dashboard" })
        {
            Assert.Empty(Profiles(service));
        }

        foreach (var service in new[] { "openmemory-mcp", "openmemory-ui", "mem0_store" })
        {
            Assert.Equal(["openmemory"], Profiles(service));
        }

        // The gateway still starts without the profile: its dependencies on OpenMemory are optional.
        var depends = _compose.Service("gateway").Map("depends_on");
        Assert.Equal("False", depends.Map("openmemory-mcp")["required"]?.ToString(), ignoreCase: true);
        Assert.Equal("False", depends.Map("openmemory-ui")["required"]?.ToString(), ignoreCase: true);
        Assert.Equal("service_healthy", depends.Map("mem0-dashboard").Str("condition"));

        var (ports, _) = GatewayPorts.FromYarpJson();
        var gateway = _compose.Environment("gateway");
        Assert.Equal("mem0", gateway["Gateway__Stack"]);
        var mem0 = _compose.Environment("mem0");
        var gatewayIp = Compose.Interpolate((string)_compose.Service("gateway").Map("networks").Map("internal")["ipv4_address"]!);
        Assert.Equal(gatewayIp, mem0["FORWARDED_ALLOW_IPS"]);
        Assert.Equal($"http://localhost:{ports["mem0-dashboard"]}", mem0["DASHBOARD_URL"]);
        var subnet = Compose.Interpolate((string)_compose.Document.Map("networks").Map("internal").Map("ipam").List("config")[0].Map()["subnet"]!);
        Assert.True(System.Net.IPNetwork.Parse(subnet).Contains(System.Net.IPAddress.Parse(gatewayIp)), $"{gatewayIp} is outside {subnet}");

        var dashboard = _compose.Environment("mem0-dashboard");
        Assert.Equal($"http://localhost:{ports["mem0"]}", dashboard["NEXT_PUBLIC_API_URL"]);
        Assert.Equal($"http://gateway:{ports["mem0"]}", dashboard["API_INTERNAL_URL"]);
        Assert.Contains("/api/health", string.Join(' ', _compose.Service("mem0-dashboard").Map("healthcheck").List("test").Cast<string>()));
    }
}

public sealed class DockerfileTests
{
    [Fact]
    public void The_gateway_image_builds_on_the_sdk_and_runs_on_aspnet_with_every_file_the_project_links()
    {
        var dockerfile = File.ReadAllLines(RepoPaths.File("Dockerfile"));
        var from = dockerfile.Where(l => l.StartsWith("FROM ", StringComparison.Ordinal)).ToList();
        Assert.Equal(2, from.Count);
        Assert.StartsWith("FROM mcr.microsoft.com/dotnet/sdk:10.0 AS build", from[0]);
        Assert.StartsWith("FROM mcr.microsoft.com/dotnet/aspnet:10.0", from[1]);

        // files the project links from outside src/ (e.g. ../../yarp.json) must be copied before `dotnet publish`
        var csproj = File.ReadAllText(RepoPaths.File("src", "Mem0Gateway", "Mem0Gateway.csproj"));
        var publish = Array.FindIndex(dockerfile, l => l.Contains("dotnet publish", StringComparison.Ordinal));
        Assert.True(publish > 0);
        var copied = string.Join('\n', dockerfile[..publish].Where(l => l.StartsWith("COPY ", StringComparison.Ordinal)));
        foreach (System.Text.RegularExpressions.Match m in System.Text.RegularExpressions.Regex.Matches(csproj, "Include=\"\\.\\./\\.\\./([^\"]+)\""))
        {
            Assert.True(copied.Contains(m.Groups[1].Value, StringComparison.Ordinal), $"Dockerfile does not copy {m.Groups[1].Value} before publishing");
        }

        var (services, management) = GatewayPorts.FromYarpJson();
        var expose = dockerfile.Single(l => l.StartsWith("EXPOSE ", StringComparison.Ordinal));
        Assert.All(services.Values.Append(management), p => Assert.Contains(p.ToString(), expose));
        Assert.Contains(dockerfile, l => l.StartsWith("USER ", StringComparison.Ordinal));
    }
}
