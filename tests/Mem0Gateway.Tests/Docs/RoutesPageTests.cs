using Mem0Gateway.Testing;

namespace Mem0Gateway.Tests.Docs;

/// <summary>The routes page is what users read to find an operation: its table must say what yarp.json does.</summary>
public sealed class RoutesPageTests
{
    [Fact]
    public void The_route_table_of_the_routes_page_matches_yarp_json_row_for_row()
    {
        var page = File.ReadAllText(RepositoryPaths.Combine("docs", "routes.md"));
        var start = page.IndexOf("<!-- routes:begin -->", StringComparison.Ordinal);
        var end = page.IndexOf("<!-- routes:end -->", StringComparison.Ordinal);
        Assert.True(start >= 0 && end > start, "docs/routes.md lacks the routes:begin/routes:end markers");
        var rows = page[start..end].Split('\n')
            .Where(l => l.StartsWith("| `", StringComparison.Ordinal))
            .Select(l => l.Split('|').Select(c => c.Trim().Trim('`')).ToArray())
            .Select(c => (Route: c[1], Service: c[2], Methods: c[3], Path: c[4], Operation: c[5], Timeout: c[6]))
            .ToList();

        var routes = GatewayConfigFile.LoadRepositoryConfig()["ReverseProxy"]!["Routes"]!.AsObject();
        var expected = routes.Select(r =>
        {
            var match = r.Value!["Match"]!;
            var methods = match["Methods"]?.AsArray().Select(m => m!.GetValue<string>()).ToArray() ?? [];
            return (Route: r.Key, Service: r.Value["ClusterId"]!.GetValue<string>(),
                Methods: methods.Length == 0 ? "any" : string.Join(", ", methods),
                Path: match["Path"]!.GetValue<string>(), Operation: r.Value["Metadata"]!["Operation"]!.GetValue<string>(),
                Timeout: r.Value["Timeout"]?.GetValue<string>() ?? "none (stream)");
        }).ToList();

        Assert.Equal(expected, rows);
    }
}
