using YamlDotNet.RepresentationModel;

namespace Mem0Gateway.Monitoring.Tests.Support;

/// <summary>YAML loaded into plain objects: Dictionary&lt;string, object?&gt;, List&lt;object?&gt; and string scalars.</summary>
public static class Yaml
{
    public static Dictionary<string, object?> LoadFile(string path) => Load(File.ReadAllText(path));

    public static Dictionary<string, object?> Load(string text)
    {
        var stream = new YamlStream();
        stream.Load(new StringReader(text));
        return (Dictionary<string, object?>)Convert(stream.Documents[0].RootNode)!;
    }

    /// <summary>Every document of a multi-document stream (kubectl kustomize output), empty ones skipped.</summary>
    public static List<Dictionary<string, object?>> LoadAll(string text)
    {
        var stream = new YamlStream();
        stream.Load(new StringReader(text));
        return stream.Documents.Select(d => Convert(d.RootNode)).OfType<Dictionary<string, object?>>().ToList();
    }

    private static object? Convert(YamlNode node) => node switch
    {
        YamlMappingNode map => map.Children.ToDictionary(kv => ((YamlScalarNode)kv.Key).Value!, kv => Convert(kv.Value)),
        YamlSequenceNode seq => seq.Children.Select(Convert).ToList(),
        YamlScalarNode scalar => scalar.Value,
        _ => null,
    };

    public static Dictionary<string, object?> Map(this object? o) => o as Dictionary<string, object?> ?? new();

    public static List<object?> List(this object? o) => o as List<object?> ?? new();

    public static string? Str(this Dictionary<string, object?> m, string key) => m.TryGetValue(key, out var v) ? v as string : null;

    public static Dictionary<string, object?> Map(this Dictionary<string, object?> m, string key) => m.TryGetValue(key, out var v) ? v.Map() : new();

    public static List<object?> List(this Dictionary<string, object?> m, string key) => m.TryGetValue(key, out var v) ? v.List() : new();

    /// <summary>The document as a node tree, to edit and <see cref="Save"/> with every scalar's original style.</summary>
    public static YamlMappingNode LoadNode(string path)
    {
        var stream = new YamlStream();
        stream.Load(new StringReader(File.ReadAllText(path)));
        return (YamlMappingNode)stream.Documents[0].RootNode;
    }

    public static string Save(YamlMappingNode root)
    {
        var writer = new StringWriter();
        new YamlStream(new YamlDocument(root)).Save(writer, assignAnchors: false);
        return writer.ToString();
    }

    public static YamlNode? Get(this YamlMappingNode node, string key)
        => node.Children.TryGetValue(new YamlScalarNode(key), out var v) ? v : null;

    public static void Set(this YamlMappingNode node, string key, YamlNode value) => node.Children[new YamlScalarNode(key)] = value;

    public static void Remove(this YamlMappingNode node, string key) => node.Children.Remove(new YamlScalarNode(key));
}
