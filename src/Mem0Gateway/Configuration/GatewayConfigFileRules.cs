namespace Mem0Gateway.Configuration;

/// <summary>
/// What a reloaded config file must still hold: every service the gateway listens for (its <c>Gateway:Services</c>,
/// before or after the edit) keeps a cluster with a destination and at least one route. Listeners are bound at start,
/// so a service whose routes vanished would answer 404 to everything until the file is fixed.
/// </summary>
internal static class GatewayConfigFileRules
{
    private const string ServicesPrefix = GatewayOptions.SectionName + ":Services:";
    private const string ClustersPrefix = "ReverseProxy:Clusters:";
    private const string RoutesPrefix = "ReverseProxy:Routes:";

    /// <exception cref="InvalidDataException">The edit is rejected; the message says why.</exception>
    public static void Validate(IDictionary<string, string?> current, IDictionary<string, string?> edited, string path)
    {
        var services = new SortedSet<string>(StringComparer.OrdinalIgnoreCase);
        AddServices(current, services);
        AddServices(edited, services);
        if (!edited.Keys.Any(k => k.StartsWith(RoutesPrefix, StringComparison.OrdinalIgnoreCase))
            || !edited.Keys.Any(k => k.StartsWith(ClustersPrefix, StringComparison.OrdinalIgnoreCase)))
        {
            throw new InvalidDataException($"The config file {path} has no ReverseProxy routes or clusters.");
        }

        var problems = new List<string>();
        foreach (var service in services)
        {
            var destinations = ClustersPrefix + service + ":Destinations:";
            if (!edited.Any(e => e.Key.StartsWith(destinations, StringComparison.OrdinalIgnoreCase)
                && e.Key.EndsWith(":Address", StringComparison.OrdinalIgnoreCase) && !string.IsNullOrWhiteSpace(e.Value)))
            {
                problems.Add($"service '{service}' has no cluster with a destination (ReverseProxy:Clusters:{service})");
            }

            if (!edited.Any(e => e.Key.StartsWith(RoutesPrefix, StringComparison.OrdinalIgnoreCase)
                && e.Key.EndsWith(":ClusterId", StringComparison.OrdinalIgnoreCase)
                && string.Equals(e.Value, service, StringComparison.OrdinalIgnoreCase)))
            {
                problems.Add($"service '{service}' has no route (no ReverseProxy:Routes entry with ClusterId '{service}')");
            }
        }

        if (problems.Count > 0)
        {
            throw new InvalidDataException($"The config file {path} leaves {string.Join("; ", problems)}.");
        }
    }

    private static void AddServices(IDictionary<string, string?> data, SortedSet<string> services)
    {
        foreach (var key in data.Keys)
        {
            if (key.StartsWith(ServicesPrefix, StringComparison.OrdinalIgnoreCase))
            {
                var rest = key.AsSpan(ServicesPrefix.Length);
                var end = rest.IndexOf(':');
                services.Add((end < 0 ? rest : rest[..end]).ToString());
            }
        }
    }
}
