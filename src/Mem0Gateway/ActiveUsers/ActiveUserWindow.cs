namespace Mem0Gateway.ActiveUsers;

/// <summary>
/// One sliding window of the active-user gauge (the <c>window</c> label). The window is made of whole buckets of
/// <see cref="BucketWidth"/> plus the current, partial one, so "5m" covers the last 5 to 6 minutes.
/// </summary>
public sealed record ActiveUserWindow(string Label, TimeSpan BucketWidth, int Buckets)
{
    public static readonly IReadOnlyList<ActiveUserWindow> All =
    [
        new("5m", TimeSpan.FromMinutes(1), 5),
        new("1h", TimeSpan.FromMinutes(5), 12),
        new("24h", TimeSpan.FromHours(1), 24),
    ];
}
