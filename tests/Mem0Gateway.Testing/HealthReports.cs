using System.Text.Json;
using System.Text.Json.Serialization;
using HealthChecks.UI.Core;

namespace Mem0Gateway.Testing;

/// <summary>Reads /health/detailed the way the HealthChecks UI does: into its own model.</summary>
public static class HealthReports
{
    private static readonly JsonSerializerOptions UiOptions = new()
    {
        PropertyNameCaseInsensitive = true,
        Converters = { new JsonStringEnumConverter() },
    };

    public static async Task<(int StatusCode, string Body, UIHealthReport Report)> DetailedAsync(GatewayInstance gateway)
    {
        using var response = await gateway.Management.GetAsync("/health/detailed");
        var body = await response.Content.ReadAsStringAsync();
        var report = JsonSerializer.Deserialize<UIHealthReport>(body, UiOptions)!;
        return ((int)response.StatusCode, body, report);
    }

    public static string DataString(UIHealthReportEntry entry, string key)
        => entry.Data.TryGetValue(key, out var value) ? value?.ToString() ?? "" : "";
}
