using Mem0Gateway.ActiveUsers;
using Mem0Gateway.Configuration;
using Mem0Gateway.Privacy;
using Microsoft.Extensions.Options;

namespace Mem0Gateway.Tests.ActiveUsers;

/// <summary>
/// The estimate behind <c>mem0_gateway_active_users</c> stays within its documented error: relative standard error
/// 1.04/sqrt(2^14) = 0.81%, every estimate within 3 standard errors (2.5%), and exact to within one user for a handful.
/// </summary>
public sealed class DistinctUserEstimateTests
{
    private const int Precision = 14;
    private static readonly double StandardError = HyperLogLog.StandardError(Precision);

    [Fact]
    public void The_documented_standard_error_is_under_one_percent()
        => Assert.InRange(StandardError, 0.0080, 0.0082);

    [Fact]
    public void Ten_users_are_counted_as_ten_and_repeats_do_not_inflate_the_count()
    {
        var estimator = Estimator("key-ten");
        for (var repeat = 0; repeat < 50; repeat++)
        {
            for (var i = 0; i < 10; i++)
            {
                estimator.Record("mem0", $"user-{i}");
            }
        }

        foreach (var window in ActiveUserWindow.All)
        {
            Assert.Equal(10, Math.Round(estimator.Estimate("mem0", window)));
        }

        Assert.Equal(0, estimator.Estimate("openmemory", ActiveUserWindow.All[0]));
    }

    [Fact]
    public void Ten_thousand_users_are_estimated_within_the_documented_error_whatever_the_key()
    {
        // Twenty independent keys (the hash key is random per process in production): every estimate within 3 standard
        // errors, and their root-mean-square error close to the standard error itself.
        var errors = new List<double>();
        for (var trial = 0; trial < 20; trial++)
        {
            var estimator = Estimator($"key-{trial}");
            for (var i = 0; i < 10_000; i++)
            {
                estimator.Record("mem0", $"synthetic-user-{i:D6}");
            }

            var once = estimator.Estimate("mem0", ActiveUserWindow.All[0]);
            for (var i = 0; i < 10_000; i += 3)
            {
                estimator.Record("mem0", $"synthetic-user-{i:D6}");
            }

            Assert.Equal(once, estimator.Estimate("mem0", ActiveUserWindow.All[0]));
            var error = (once - 10_000) / 10_000;
            Assert.True(Math.Abs(error) <= 3 * StandardError, $"trial {trial}: estimate {once:F0}, error {error:P2}");
            errors.Add(error);
        }

        var rms = Math.Sqrt(errors.Average(e => e * e));
        Assert.True(rms <= 1.5 * StandardError, $"rms error {rms:P2}");
    }

    [Theory]
    [InlineData(1)]
    [InlineData(100)]
    [InlineData(2_000)]
    [InlineData(30_000)]
    [InlineData(100_000)]
    [InlineData(1_000_000)]
    public void The_sketch_has_no_bias_across_the_range(int distinct)
    {
        // Straight into the sketch with well-mixed 64-bit values, to cover the ranges where classic HyperLogLog needs
        // bias tables (around 2.5 to 5 times the register count).
        var random = new Random(distinct);
        var sketch = new HyperLogLog(Precision);
        for (var i = 0; i < distinct; i++)
        {
            sketch.Add((ulong)random.NextInt64() ^ ((ulong)random.Next() << 63));
        }

        var estimate = sketch.Estimate();
        var tolerance = Math.Max(1, 3 * StandardError * distinct);
        Assert.InRange(estimate, distinct - tolerance, distinct + tolerance);
    }

    [Fact]
    public void Users_leave_each_window_when_it_has_slid_past_them()
    {
        var counter = new SlidingDistinctCounter(Precision, ActiveUserWindow.All);
        var scratch = new byte[1 << Precision];
        var t0 = new DateTimeOffset(2026, 11, 25, 10, 0, 30, TimeSpan.Zero);
        for (var i = 0; i < 100; i++)
        {
            counter.Add((ulong)i * 0x9E3779B97F4A7C15UL, t0);
        }

        double At(TimeSpan later, int window) => Math.Round(counter.Estimate(window, t0 + later, scratch));

        Assert.Equal([100, 100, 100], [At(TimeSpan.FromMinutes(4), 0), At(TimeSpan.FromMinutes(4), 1), At(TimeSpan.FromMinutes(4), 2)]);
        Assert.Equal([0, 100, 100], [At(TimeSpan.FromMinutes(7), 0), At(TimeSpan.FromMinutes(7), 1), At(TimeSpan.FromMinutes(7), 2)]);
        Assert.Equal([0, 0, 100], [At(TimeSpan.FromMinutes(70), 0), At(TimeSpan.FromMinutes(70), 1), At(TimeSpan.FromMinutes(70), 2)]);
        Assert.Equal([0, 0, 0], [At(TimeSpan.FromHours(26), 0), At(TimeSpan.FromHours(26), 1), At(TimeSpan.FromHours(26), 2)]);

        // New users an hour later land in reused buckets without the old ones coming back.
        for (var i = 0; i < 7; i++)
        {
            counter.Add((ulong)(i + 1000) * 0x9E3779B97F4A7C15UL, t0 + TimeSpan.FromMinutes(61));
        }

        Assert.Equal([7, 7, 107], [At(TimeSpan.FromMinutes(66), 0), At(TimeSpan.FromMinutes(66), 1), At(TimeSpan.FromMinutes(66), 2)]);
    }

    private static ActiveUserEstimator Estimator(string key) => new(
        new PersonalIdProtector(Options.Create(new PrivacyOptions { HashKey = key })),
        Options.Create(new ActiveUsersOptions { Precision = Precision }),
        Options.Create(new GatewayOptions()),
        TimeProvider.System);
}
