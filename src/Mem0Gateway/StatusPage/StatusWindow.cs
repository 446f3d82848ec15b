namespace Mem0Gateway.StatusPage;

/// <summary>The windows the page shows rates and percentiles over, with their JSON names.</summary>
internal static class StatusWindow
{
    public static readonly (string Name, TimeSpan Length)[] All =
    [
        ("1m", TimeSpan.FromMinutes(1)),
        ("5m", TimeSpan.FromMinutes(5)),
        ("15m", TimeSpan.FromMinutes(15)),
    ];
}
