namespace Mem0Gateway.StatusPage;

/// <summary>
/// A quantile from cumulative histogram buckets, interpolated linearly inside the bucket it falls in: the same
/// estimate PromQL's histogram_quantile gives, so the page and a Grafana panel over the same window agree.
/// </summary>
internal static class HistogramQuantile
{
    /// <param name="quantile">0..1.</param>
    /// <param name="upperBounds">Bucket bounds in ascending order, the last one +Inf.</param>
    /// <param name="cumulativeCounts">Observations at or below each bound (over the window).</param>
    /// <returns>Null when the window has no observations.</returns>
    public static double? Estimate(double quantile, IReadOnlyList<double> upperBounds, IReadOnlyList<double> cumulativeCounts)
    {
        if (upperBounds.Count == 0 || cumulativeCounts.Count != upperBounds.Count)
        {
            return null;
        }

        var total = cumulativeCounts[^1];
        if (total <= 0)
        {
            return null;
        }

        var rank = quantile * total;
        var bucket = 0;
        while (bucket < cumulativeCounts.Count - 1 && cumulativeCounts[bucket] < rank)
        {
            bucket++;
        }

        if (double.IsPositiveInfinity(upperBounds[bucket]))
        {
            // Above the highest finite bound nothing is known: PromQL answers that bound.
            return upperBounds.Count > 1 ? upperBounds[^2] : null;
        }

        var lower = bucket == 0 ? 0 : upperBounds[bucket - 1];
        var below = bucket == 0 ? 0 : cumulativeCounts[bucket - 1];
        var inBucket = cumulativeCounts[bucket] - below;
        if (bucket == 0 && upperBounds[0] <= 0)
        {
            return upperBounds[0];
        }

        return inBucket <= 0 ? upperBounds[bucket] : lower + ((upperBounds[bucket] - lower) * (rank - below) / inBucket);
    }
}
