using System.Text;
using Mem0Gateway.Monitoring.Tests.Support;

namespace Mem0Gateway.Monitoring.Tests.Kubernetes;

/// <summary>deploy/kubernetes: the production overlay renders offline, every object is valid, and it deploys what the README promises.</summary>
public sealed class KubernetesManifestTests
{
    private static async Task<Dictionary<string, object?>> ObjectAsync(string kind, string? name = null)
    {
        var objects = await RenderedManifests.ProductionObjectsAsync();
        return Assert.Single(objects, o => o.Str("kind") == kind && (name is null || o.Map("metadata").Str("name") == name));
    }

    [Fact]
    public async Task The_production_overlay_renders_and_every_object_is_valid_against_the_Kubernetes_schemas()
    {
        var rendered = await RenderedManifests.ProductionAsync();
        var result = await RenderedManifests.ValidateAsync(rendered);
        Assert.True(result.ExitCode == 0, result.Describe());
        var objects = await RenderedManifests.ProductionObjectsAsync();
        var kinds = objects.Select(o => o.Str("kind")).ToHashSet();
        Assert.Superset(new HashSet<string?>
        {
            "Deployment", "Service", "ConfigMap", "Secret", "PodDisruptionBudget", "HorizontalPodAutoscaler",
            "NetworkPolicy", "ServiceMonitor", "PrometheusRule",
        }, kinds);
        Assert.Contains($"{objects.Count} objects, 0 invalid", result.Stdout);
    }

    [Fact]
    public async Task The_validator_rejects_an_object_that_breaks_the_schema()
    {
        var rendered = await RenderedManifests.ProductionAsync();
        var broken = rendered.Replace("replicas: 3", "replicas: three", StringComparison.Ordinal);
        Assert.NotEqual(rendered, broken);
        var result = await RenderedManifests.ValidateAsync(broken);
        Assert.NotEqual(0, result.ExitCode);
        Assert.Contains("INVALID apps/v1/Deployment mem0-gateway", result.Stdout);
        Assert.Contains("replicas must be integer", result.Stdout);
    }

    [Fact]
    public async Task The_deployment_rolls_without_losing_capacity_probes_the_management_port_and_runs_locked_down()
    {
        var deployment = await ObjectAsync("Deployment");
        var spec = deployment.Map("spec");
        Assert.True(int.Parse(spec.Str("replicas")!) >= 2);
        Assert.Equal("0", spec.Map("strategy").Map("rollingUpdate").Str("maxUnavailable"));
        var pod = spec.Map("template").Map("spec");
        Assert.Equal("true", pod.Map("securityContext").Str("runAsNonRoot"));
        var container = Assert.Single(pod.List("containers")).Map();
        var ports = container.List("ports").Select(p => p.Map()).ToDictionary(p => p.Str("name")!, p => p.Str("containerPort"));
        Assert.Equal("19464", ports["management"]);
        Assert.Equal("management", container.Map("readinessProbe").Map("httpGet").Str("port"));
        Assert.Equal("/health/readiness", container.Map("readinessProbe").Map("httpGet").Str("path"));
        Assert.Equal("management", container.Map("livenessProbe").Map("httpGet").Str("port"));
        Assert.Equal("/health/liveness", container.Map("livenessProbe").Map("httpGet").Str("path"));
        Assert.NotNull(container.Map("lifecycle").Map("preStop").Map("sleep").Str("seconds"));
        Assert.Equal("true", container.Map("securityContext").Str("readOnlyRootFilesystem"));
        Assert.NotNull(container.Map("resources").Map("requests").Str("cpu"));
        Assert.NotNull(container.Map("resources").Map("limits").Str("memory"));

        // The config is a directory mount (a subPath mount would never see the ConfigMap's updates).
        var mounts = container.List("volumeMounts").Select(m => m.Map()).ToList();
        var configMount = Assert.Single(mounts, m => m.Str("name") == "config");
        Assert.Null(configMount.Str("subPath"));
        Assert.Contains(configMount.Str("mountPath")!, string.Join(' ', container.List("args").Select(a => a as string)));

        // Both secrets come from the one Secret every replica mounts.
        var env = container.List("env").Select(e => e.Map()).ToDictionary(e => e.Str("name")!, e => e.Str("value"));
        Assert.StartsWith("/run/secrets/mem0-gateway/", env["Gateway__Management__BearerTokenFile"]);
        Assert.StartsWith("/run/secrets/mem0-gateway/", env["Gateway__Privacy__HashKeyFile"]);
        var secret = await ObjectAsync("Secret");
        var secretName = secret.Map("metadata").Str("name");
        Assert.Contains(pod.List("volumes").Select(v => v.Map()), v => v.Map("secret").Str("secretName") == secretName);
        Assert.Equal(["management-token", "privacy-hash-key"], secret.Map("stringData").Keys.Order());
    }

    [Fact]
    public async Task Each_listener_has_its_own_service_and_only_Prometheus_reaches_the_management_port()
    {
        var services = (await RenderedManifests.ProductionObjectsAsync()).Where(o => o.Str("kind") == "Service").ToList();
        var targets = services.SelectMany(s => s.Map("spec").List("ports").Select(p => p.Map().Str("targetPort"))).Order().ToList();
        Assert.Equal(["management", "mem0", "mem0-dashboard", "openmemory", "openmemory-ui"], targets);
        Assert.All(services, s => Assert.Single(s.Map("spec").List("ports")));

        var policy = (await ObjectAsync("NetworkPolicy")).Map("spec");
        var rules = policy.List("ingress").Select(r => r.Map()).ToList();
        var managementRule = Assert.Single(rules, r => r.List("ports").Any(p => p.Map().Str("port") == "management"));
        var from = Assert.Single(managementRule.List("from")).Map();
        Assert.Equal("prometheus", from.Map("podSelector").Map("matchLabels").Str("app.kubernetes.io/name"));
        Assert.All(rules.Where(r => r != managementRule), r => Assert.DoesNotContain(r.List("ports"), p => p.Map().Str("port") == "management"));

        var monitor = (await ObjectAsync("ServiceMonitor")).Map("spec");
        Assert.Equal("management", Assert.Single(monitor.List("endpoints")).Map().Str("port"));
    }

    [Fact]
    public async Task Every_selector_selects_the_gateway_pods()
    {
        var objects = await RenderedManifests.ProductionObjectsAsync();
        var podLabels = (await ObjectAsync("Deployment")).Map("spec").Map("template").Map("metadata").Map("labels");
        var selectors = new List<(string Object, Dictionary<string, object?> Selector)>();
        foreach (var o in objects)
        {
            var spec = o.Map("spec");
            var name = o.Str("kind") + "/" + o.Map("metadata").Str("name");
            switch (o.Str("kind"))
            {
                case "Service": selectors.Add((name, spec.Map("selector"))); break;
                case "Deployment" or "PodDisruptionBudget": selectors.Add((name, spec.Map("selector").Map("matchLabels"))); break;
                case "NetworkPolicy": selectors.Add((name, spec.Map("podSelector").Map("matchLabels"))); break;
            }
        }

        Assert.Equal(8, selectors.Count);
        foreach (var (name, selector) in selectors)
        {
            Assert.True(selector.Count > 0, $"{name} selects nothing");
            Assert.All(selector, kv => Assert.True(podLabels.Str(kv.Key) == (string?)kv.Value, $"{name} selects {kv.Key}={kv.Value}, which the gateway pods do not have"));
        }
    }

    [Fact]
    public async Task The_PrometheusRules_are_exactly_the_rule_files_of_monitoring()
    {
        var rules = (await RenderedManifests.ProductionObjectsAsync()).Where(o => o.Str("kind") == "PrometheusRule").ToList();
        var files = Directory.GetFiles(RepoPaths.Monitoring("rules"), "*.yml").Order().ToList();
        Assert.Equal(files.Select(f => "monitoring/rules/" + Path.GetFileName(f)),
            rules.Select(r => r.Map("metadata").Map("annotations").Str("mem0-gateway/source")).Order());
        foreach (var file in files)
        {
            var rule = Assert.Single(rules, r => r.Map("metadata").Map("annotations").Str("mem0-gateway/source") == "monitoring/rules/" + Path.GetFileName(file));
            Assert.Equal(Canonical(Yaml.LoadFile(file)), Canonical(rule.Map("spec")));
        }
    }

    [Fact]
    public async Task The_generated_files_are_what_the_generator_makes_from_their_sources_now()
    {
        var output = Directory.CreateTempSubdirectory("mem0gw-k8s-gen-").FullName;
        try
        {
            var result = await Tools.RunAsync("bash", [RenderedManifests.Deploy("generate.sh"), output]);
            Assert.True(result.ExitCode == 0, result.Describe());
            foreach (var name in new[] { "yarp.json", "prometheus-rules.yaml" })
            {
                Assert.True(File.ReadAllText(Path.Combine(output, name)) == File.ReadAllText(RenderedManifests.Deploy("base", name)),
                    $"deploy/kubernetes/base/{name} is stale: run deploy/kubernetes/generate.sh");
            }
        }
        finally
        {
            Directory.Delete(output, recursive: true);
        }
    }

    private static string Canonical(object? node)
    {
        var text = new StringBuilder();
        Write(node);
        return text.ToString();

        void Write(object? n)
        {
            switch (n)
            {
                case Dictionary<string, object?> map:
                    text.Append('{');
                    foreach (var key in map.Keys.Order(StringComparer.Ordinal))
                    {
                        text.Append(key).Append(':');
                        Write(map[key]);
                        text.Append(',');
                    }

                    text.Append('}');
                    break;
                case List<object?> list:
                    text.Append('[');
                    foreach (var item in list)
                    {
                        Write(item);
                        text.Append(',');
                    }

                    text.Append(']');
                    break;
                default:
                    text.Append('"').Append(n).Append('"');
                    break;
            }
        }
    }
}
