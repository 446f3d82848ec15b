using Mem0Gateway.Testing;

namespace Mem0Gateway.Monitoring.Tests.Support;

public static class RepoPaths
{
    public static string Root => RepositoryPaths.Root;

    public static string Monitoring(params string[] parts) => Path.Combine([Root, "monitoring", .. parts]);

    public static string File(params string[] parts) => Path.Combine([Root, .. parts]);

    /// <summary>Every rule file, as prometheus.yml loads them (rules/*.yml): other teams add their own files there.</summary>
    public static IReadOnlyList<string> RuleFiles => Directory.GetFiles(Monitoring("rules"), "*.yml").Order().ToList();

    public static IReadOnlyList<string> PromtoolTestFiles => Directory.GetFiles(Monitoring("tests"), "*.yml").Order().ToList();

    public static IReadOnlyList<string> DashboardFiles => Directory.GetFiles(Monitoring("grafana", "dashboards"), "*.json", SearchOption.AllDirectories).Order().ToList();
}
