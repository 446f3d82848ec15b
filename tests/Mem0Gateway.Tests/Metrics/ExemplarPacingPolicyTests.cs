using Mem0Gateway.Metrics;
using Microsoft.Extensions.Time.Testing;

namespace Mem0Gateway.Tests.Metrics;

/// <summary>
/// Which request-duration observations carry a trace exemplar, over a timeline of requests on one route: the first in
/// each bucket, then at most one a second per bucket.
/// </summary>
public sealed class ExemplarPacingPolicyTests
{
    // (milliseconds since the first request, request duration in seconds, whether it carries an exemplar)
    public static TheoryData<(int AtMs, double Seconds, bool Exemplar)[]> Timelines => new()
    {
        // A busy fast bucket: one exemplar a second, however many requests.
        new[] { (0, 0.003, true), (1, 0.004, false), (500, 0.002, false), (999, 0.003, false), (1000, 0.004, true), (1001, 0.001, false) },
        // A slow request right after a fast one still gets its own bucket's exemplar, and so does the next slow one a
        // second later.
        new[] { (0, 0.003, true), (10, 7.5, true), (20, 0.003, false), (30, 8.0, false), (1010, 9.0, true) },
        // Values on a bucket's upper bound belong to that bucket; values above the last bound to +Inf.
        new[] { (0, 0.005, true), (1, 0.0049, false), (2, 0.0051, true), (3, 500.0, true), (4, 121.0, false) },
        // A quiet route: every request is more than a second after the last.
        new[] { (0, 0.02, true), (5000, 0.02, true), (60000, 0.02, true) },
    };

    [Theory]
    [MemberData(nameof(Timelines))]
    public void Paces_exemplars_per_bucket((int AtMs, double Seconds, bool Exemplar)[] timeline)
    {
        var clock = new FakeTimeProvider(DateTimeOffset.Parse("2026-12-05T12:00:00Z"));
        var policy = new ExemplarPacingPolicy(GatewayMetrics.RequestDurationBuckets, clock);
        var start = clock.GetUtcNow();
        foreach (var (atMs, seconds, exemplar) in timeline)
        {
            clock.SetUtcNow(start + TimeSpan.FromMilliseconds(atMs));
            Assert.True(exemplar == policy.Allows(seconds), $"{seconds} s at +{atMs} ms: expected exemplar {exemplar}");
        }
    }
}
