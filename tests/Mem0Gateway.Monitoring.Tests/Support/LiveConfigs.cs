using Mem0Gateway.Testing;
using YamlDotNet.RepresentationModel;

namespace Mem0Gateway.Monitoring.Tests.Support;

/// <summary>
/// Test overrides built from the shipped files (never edits them): the shipped gateway scrape job pointed at a loopback
/// gateway with 1 s intervals, the shipped rules (alerts with short `for`), the shipped Alertmanager routing with
/// every receiver delivering to the test's webhook.
/// </summary>
public static class LiveConfigs
{
    /// <summary>A bearer token file for the gateway's management endpoints and the Prometheus scrape, in <paramref name="directory"/>.</summary>
    public static string TokenFile(string directory)
    {
        var tokenFile = Path.Combine(directory, "gateway_metrics_token");
        File.WriteAllText(tokenFile, "live-test-token-" + Guid.NewGuid().ToString("N"));
        return tokenFile;
    }

    /// <summary>
    /// A gateway for a live check: management behind the token Prometheus sends, quiet logs, mem0 and OpenMemory at the
    /// given stand-ins (the UI left without a destination unless the caller adds one).
    /// </summary>
    public static GatewayInstanceOptions Gateway(string tokenFile, Uri mem0, Uri openMemory)
    {
        var options = new GatewayInstanceOptions();
        options.Settings["Gateway:Management:BearerTokenFile"] = tokenFile;
        options.Settings["Logging:LogLevel:Default"] = "Error";
        options.Settings["Logging:LogLevel:Yarp"] = "Error";
        options.Destinations["mem0"] = [mem0];
        options.Destinations["openmemory"] = [openMemory];
        return options;
    }

    public static string Prometheus(string tokenFile, int managementPort, IEnumerable<string> ruleFiles, int? alertmanagerPort)
    {
        var root = Yaml.LoadNode(RepoPaths.Monitoring("prometheus.yml"));
        var global = (YamlMappingNode)root.Get("global")!;
        global.Set("scrape_interval", new YamlScalarNode("1s"));
        global.Set("scrape_timeout", new YamlScalarNode("1s"));
        global.Set("evaluation_interval", new YamlScalarNode("1s"));

        root.Set("rule_files", new YamlSequenceNode(ruleFiles.Select(f => new YamlScalarNode(f))));

        var gateway = ((YamlSequenceNode)root.Get("scrape_configs")!).Children.Cast<YamlMappingNode>()
            .Single(j => j.Get("job_name")!.ToString() == "gateway");
        ((YamlMappingNode)gateway.Get("authorization")!).Set("credentials_file", new YamlScalarNode(tokenFile));
        gateway.Set("static_configs", new YamlSequenceNode(new YamlMappingNode(
            new YamlScalarNode("targets"), new YamlSequenceNode(new YamlScalarNode($"127.0.0.1:{managementPort}")))));
        gateway.Remove("scrape_interval");
        root.Set("scrape_configs", new YamlSequenceNode(gateway));

        if (alertmanagerPort is { } port)
        {
            root.Set("alerting", new YamlMappingNode(new YamlScalarNode("alertmanagers"), new YamlSequenceNode(new YamlMappingNode(
                new YamlScalarNode("static_configs"), new YamlSequenceNode(new YamlMappingNode(
                    new YamlScalarNode("targets"), new YamlSequenceNode(new YamlScalarNode($"127.0.0.1:{port}"))))))));
        }
        else
        {
            root.Remove("alerting");
        }

        return Yaml.Save(root);
    }

    /// <summary>
    /// Every rule file with every alert's `for` shortened, so a test need not wait minutes; expressions and labels
    /// unchanged. Returns the paths of the copies, in <paramref name="directory"/>.
    /// </summary>
    public static IReadOnlyList<string> RulesWithShortFor(string directory, string duration = "1s")
    {
        var paths = new List<string>();
        foreach (var file in RepoPaths.RuleFiles)
        {
            var root = Yaml.LoadNode(file);
            foreach (var group in ((YamlSequenceNode)root.Get("groups")!).Children.Cast<YamlMappingNode>())
            {
                foreach (var rule in ((YamlSequenceNode)group.Get("rules")!).Children.Cast<YamlMappingNode>())
                {
                    if (rule.Get("for") is not null)
                    {
                        rule.Set("for", new YamlScalarNode(duration));
                    }
                }
            }

            var path = Path.Combine(directory, "short-for-" + Path.GetFileName(file));
            File.WriteAllText(path, Yaml.Save(root));
            paths.Add(path);
        }

        return paths;
    }

    public static string Alertmanager(int webhookPort)
    {
        var root = Yaml.LoadNode(RepoPaths.Monitoring("alertmanager.yml"));
        var global = (YamlMappingNode)root.Get("global")!;
        foreach (var key in global.Children.Keys.Select(k => k.ToString()).Where(k => k.StartsWith("smtp_") || k.StartsWith("slack_")).ToList())
        {
            global.Remove(key);
        }

        void Fast(YamlMappingNode route)
        {
            route.Set("group_wait", new YamlScalarNode("1s"));
            route.Set("group_interval", new YamlScalarNode("1s"));
            route.Set("repeat_interval", new YamlScalarNode("1m"));
            if (route.Get("routes") is YamlSequenceNode children)
            {
                foreach (var child in children.Children.Cast<YamlMappingNode>())
                {
                    Fast(child);
                }
            }
        }

        Fast((YamlMappingNode)root.Get("route")!);
        foreach (var receiver in ((YamlSequenceNode)root.Get("receivers")!).Children.Cast<YamlMappingNode>())
        {
            foreach (var key in receiver.Children.Keys.Select(k => k.ToString()).Where(k => k.EndsWith("_configs")).ToList())
            {
                receiver.Remove(key);
            }

            receiver.Set("webhook_configs", new YamlSequenceNode(new YamlMappingNode(
                new YamlScalarNode("url"), new YamlScalarNode($"http://127.0.0.1:{webhookPort}/{receiver.Get("name")}"),
                new YamlScalarNode("send_resolved"), new YamlScalarNode("false"))));
        }

        return Yaml.Save(root);
    }
}
