using System.Text.Json.Nodes;
using Mem0Gateway.Logging;
using Mem0Gateway.Testing;
using Mem0Gateway.Tests.Tracing;
using YamlDotNet.RepresentationModel;

namespace Mem0Gateway.Tests.Logging;

/// <summary>
/// Filebeat, the index template, the ILM policy and the Kibana data view parse, agree with each other, and map exactly
/// the fields the gateway writes: a renamed log field would otherwise silently land unmapped in Kibana.
/// </summary>
public sealed class LogShippingConfigTests
{
    private static JsonObject ReadJson(string path) => JsonNode.Parse(File.ReadAllText(RepositoryPaths.Combine(path)))!.AsObject();

    [Fact]
    public void Filebeat_the_template_the_ilm_policy_and_the_data_view_agree_and_keep_logs_seven_days()
    {
        var template = ReadJson("monitoring/elasticsearch/index-template.json");
        var policy = ReadJson("monitoring/elasticsearch/ilm-policy.json");
        var dataView = ReadJson("monitoring/elasticsearch/kibana-data-view.json");
        var yaml = new YamlStream();
        using (var reader = new StringReader(File.ReadAllText(RepositoryPaths.Combine("monitoring/filebeat/filebeat.yml"))))
        {
            yaml.Load(reader);
        }

        var filebeat = (YamlMappingNode)yaml.Documents[0].RootNode;

        // Retention: 7 days after rollover, with a daily rollover.
        Assert.Equal("7d", (string?)policy["policy"]!["phases"]!["delete"]!["min_age"]);
        Assert.NotNull(policy["policy"]!["phases"]!["delete"]!["actions"]!["delete"]);
        Assert.Equal("1d", (string?)policy["policy"]!["phases"]!["hot"]!["actions"]!["rollover"]!["max_age"]);

        // Filebeat input: filestream with the container parser first, then ndjson with expanded keys at the root.
        var input = (YamlMappingNode)((YamlSequenceNode)filebeat["filebeat.inputs"])[0];
        Assert.Equal("filestream", Scalar(input, "type"));
        Assert.False(string.IsNullOrEmpty(Scalar(input, "id")));
        var parsers = (YamlSequenceNode)input["parsers"];
        var container = (YamlMappingNode)((YamlMappingNode)parsers[0])["container"];
        Assert.Equal("docker", Scalar(container, "format"));
        var ndjson = (YamlMappingNode)((YamlMappingNode)parsers[1])["ndjson"];
        Assert.Equal("true", Scalar(ndjson, "expand_keys"));
        Assert.Equal(string.Empty, Scalar(ndjson, "target"));

        // Its filter keeps exactly the two datasets the gateway writes.
        var kept = input["processors"].AllNodes.OfType<YamlMappingNode>()
            .Where(m => m.Children.ContainsKey(new YamlScalarNode("event.dataset")))
            .Select(m => Scalar(m, "event.dataset")).ToHashSet();
        Assert.Equal(new HashSet<string?> { AccessLogFields.Dataset, EcsJsonFormatter.AppDataset }, kept);

        // Names line up: output data stream ~ template pattern ~ data view; policy name ~ template setting.
        var pattern = Assert.Single(template["index_patterns"]!.AsArray())!.GetValue<string>();
        Assert.EndsWith("*", pattern);
        Assert.NotNull(template["data_stream"]);
        Assert.StartsWith(pattern.TrimEnd('*'), Scalar(filebeat, "output.elasticsearch", "index"));
        Assert.Equal(pattern, Scalar(filebeat, "setup.template.pattern"));
        Assert.Equal(pattern, (string?)dataView["data_view"]!["title"]);
        Assert.Equal("@timestamp", (string?)dataView["data_view"]!["timeFieldName"]);
        Assert.Equal((string?)template["template"]!["settings"]!["index.lifecycle.name"], Scalar(filebeat, "setup.ilm.policy_name"));
        Assert.EndsWith("/ilm-policy.json", Scalar(filebeat, "setup.ilm.policy_file"));
        Assert.EndsWith("/index-template.json", Scalar(filebeat, "setup.template.json.path"));
    }

    [Fact]
    public async Task The_template_maps_exactly_the_ecs_fields_the_gateway_writes_with_fitting_types()
    {
        // The UI's upstream breaks its answer mid-body, so the fields only a broken response carries are seen too.
        await using var breaking = new MisbehavingUpstream(UpstreamFault.ResetMidResponse);
        await using var traced = await TracedStack.StartAsync(o => o.Destinations["openmemory-ui"] = [breaking.BaseAddress]);
        using (var openMemory = traced.Client("openmemory"))
        using (var ui = traced.Client("openmemory-ui"))
        {
            using var listed = await openMemory.GetAsync("/api/v1/memories/?user_id=u&page=1");
            Assert.NotNull(await Record.ExceptionAsync(async () =>
            {
                using var failed = await ui.GetAsync("/");
                await failed.Content.ReadAsByteArrayAsync();
            }));
            // A UI's server-side call (user agent "node", no Origin) carries mem0.caller.
            using var serverSide = new HttpRequestMessage(HttpMethod.Get, "/api/v1/apps/?page=1");
            serverSide.Headers.UserAgent.Clear();
            serverSide.Headers.UserAgent.ParseAdd("node");
            using var fromNode = await openMemory.SendAsync(serverSide);

            // An event stream, so the line that only streams carry is seen too.
            using var sse = new HttpRequestMessage(HttpMethod.Get, "/mcp/claude/sse/u");
            sse.Headers.Accept.ParseAdd("text/event-stream");
            using var stream = await openMemory.SendAsync(sse, HttpCompletionOption.ResponseHeadersRead);
            using var reader = new StreamReader(await stream.Content.ReadAsStreamAsync());
            Assert.Equal("event: endpoint", await reader.ReadLineAsync());
        }

        var lines = await traced.Log.WaitForAsync(l =>
            l.Count(x => (string?)x["event.dataset"] == AccessLogFields.Dataset) == 4 && l.Any(x => x["error.stack_trace"] is not null));

        // ECS and mem0.* names contain a dot (or are @timestamp/message); other keys are an app event's own properties.
        var emitted = lines.SelectMany(l => l.Select(p => p.Key))
            .Where(k => k.Contains('.') || k is "@timestamp" or "message").ToHashSet();
        var mapped = LeafFields(ReadJson("monitoring/elasticsearch/index-template.json")["template"]!["mappings"]!["properties"]!.AsObject(), "")
            .ToDictionary(f => f.Path, f => f.Type);
        Assert.Equal(mapped.Keys.Order(), emitted.Order());

        // Types that hold what is written: numbers where numbers are written, a real IP in client.ip.
        var access = lines.First(l => (string?)l["event.dataset"] == AccessLogFields.Dataset && l["mem0.event_stream"] is null);
        foreach (var (field, type) in mapped)
        {
            var value = lines.Select(l => l[field]).FirstOrDefault(v => v is not null);
            Assert.NotNull(value);
            switch (type)
            {
                case "long":
                    Assert.Equal(System.Text.Json.JsonValueKind.Number, value!.GetValueKind());
                    Assert.True(long.TryParse(value.ToJsonString(), out _), $"{field} = {value} is not a long");
                    break;
                case "boolean":
                    Assert.Equal(System.Text.Json.JsonValueKind.True, value!.GetValueKind());
                    break;
                case "ip":
                    Assert.True(System.Net.IPAddress.TryParse((string?)value, out _), $"{field} = {value}");
                    break;
                case "date":
                    Assert.True(DateTimeOffset.TryParse((string?)value, out _), $"{field} = {value}");
                    break;
                default:
                    Assert.Equal(System.Text.Json.JsonValueKind.String, value!.GetValueKind());
                    break;
            }
        }

        Assert.NotNull(access["url.query"]);
    }

    private static IEnumerable<(string Path, string Type)> LeafFields(JsonObject properties, string prefix)
    {
        foreach (var (name, node) in properties)
        {
            var path = prefix + name;
            if (node!["properties"] is JsonObject inner)
            {
                foreach (var leaf in LeafFields(inner, path + "."))
                {
                    yield return leaf;
                }
            }
            else
            {
                yield return (path, (string)node["type"]!);
            }
        }
    }

    private static string? Scalar(YamlMappingNode node, params string[] keys)
    {
        YamlNode current = node;
        foreach (var key in keys)
        {
            current = ((YamlMappingNode)current)[new YamlScalarNode(key)];
        }

        return ((YamlScalarNode)current).Value;
    }
}
