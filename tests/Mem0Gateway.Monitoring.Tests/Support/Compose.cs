using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace Mem0Gateway.Monitoring.Tests.Support;

public sealed record PublishedPort(string HostIp, int HostPort, int ContainerPort);

public sealed record Mount(string Source, string Target, bool IsBind);

/// <summary>docker-compose.yml read statically (no Docker engine here), with ${VAR:-default} interpolated to its default.</summary>
public sealed partial class Compose
{
    public Compose(string path)
    {
        Document = Yaml.LoadFile(path);
    }

    public static Compose Repository => new(RepoPaths.File("docker-compose.yml"));

    public Dictionary<string, object?> Document { get; }

    public Dictionary<string, object?> Services => Document.Map("services");

    public Dictionary<string, object?> Service(string name) => Services.Map(name);

    public static string Interpolate(string value) => Variable().Replace(value, m =>
        m.Groups["op"].Value switch
        {
            ":-" or "-" => m.Groups["arg"].Value,
            ":?" or "?" => "required-value",
            _ => "",
        }).Replace("$$", "$");

    public IEnumerable<PublishedPort> Ports(string service) => Service(service).List("ports").Select(p =>
    {
        var parts = Interpolate((string)p!).Split('/')[0].Split(':');
        return parts.Length switch
        {
            3 => new PublishedPort(parts[0], int.Parse(parts[1]), int.Parse(parts[2])),
            2 => new PublishedPort("0.0.0.0", int.Parse(parts[0]), int.Parse(parts[1])),
            _ => new PublishedPort("0.0.0.0", int.Parse(parts[0]), int.Parse(parts[0])),
        };
    });

    public IEnumerable<Mount> Mounts(string service) => Service(service).List("volumes").Select(v =>
    {
        var parts = Interpolate((string)v!).Split(':');
        var source = parts[0];
        return new Mount(source, parts.Length > 1 ? parts[1] : source, source.StartsWith('.') || source.StartsWith('/'));
    });

    public Dictionary<string, string> Environment(string service)
    {
        var env = Service(service).GetValueOrDefault("environment");
        return env switch
        {
            Dictionary<string, object?> map => map.ToDictionary(kv => kv.Key, kv => Interpolate(kv.Value as string ?? "")),
            List<object?> list => list.Cast<string>().Select(e => e.Split('=', 2)).ToDictionary(p => p[0], p => p.Length > 1 ? Interpolate(p[1]) : ""),
            _ => new(),
        };
    }

    [GeneratedRegex(@"\$\{(?<name>[A-Za-z_][A-Za-z0-9_]*)(?:(?<op>:-|-|:\?|\?)(?<arg>[^}]*))?\}")]
    private static partial Regex Variable();
}

/// <summary>The gateway's listener ports from the repository's yarp.json (Gateway:Services:*:Port, Gateway:ManagementPort).</summary>
public static class GatewayPorts
{
    public static (Dictionary<string, int> Services, int Management) FromYarpJson()
    {
        var config = JsonNode.Parse(File.ReadAllText(RepoPaths.File("yarp.json")))!;
        var gateway = config["Gateway"] ?? throw new InvalidOperationException("yarp.json has no Gateway section");
        var services = gateway["Services"]!.AsObject().ToDictionary(s => s.Key, s => s.Value!["Port"]!.GetValue<int>());
        return (services, gateway["ManagementPort"]!.GetValue<int>());
    }
}
