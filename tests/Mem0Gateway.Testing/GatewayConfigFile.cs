using System.Text.Json;
using System.Text.Json.Nodes;

namespace Mem0Gateway.Testing;

/// <summary>Builds and rewrites the yarp.json a test gateway runs on, starting from the repository's own.</summary>
public static class GatewayConfigFile
{
    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };

    public static JsonObject LoadRepositoryConfig() => JsonNode.Parse(File.ReadAllText(RepositoryPaths.YarpJson))!.AsObject();

    /// <summary>Sets a value by colon path, creating objects on the way; booleans and numbers keep their JSON type.</summary>
    public static void Set(JsonObject root, string path, string? value)
    {
        var parts = path.Split(':');
        var node = root;
        foreach (var part in parts[..^1])
        {
            if (node[part] is not JsonObject child)
            {
                child = new JsonObject();
                node[part] = child;
            }

            node = child;
        }

        node[parts[^1]] = value switch
        {
            null => null,
            "true" or "false" => JsonValue.Create(bool.Parse(value)),
            _ when long.TryParse(value, out var number) => JsonValue.Create(number),
            _ => JsonValue.Create(value),
        };
    }

    public static void Write(string path, JsonObject config)
    {
        // Write then move, so a reloading gateway never reads half a file.
        var temp = path + ".tmp";
        File.WriteAllText(temp, config.ToJsonString(Indented));
        File.Move(temp, path, overwrite: true);
    }
}
