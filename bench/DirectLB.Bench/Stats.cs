namespace DirectLB.Bench;

/// <summary>Order statistics over measured values.</summary>
public static class Stats
{
    /// <summary>The nearest-rank percentile (0 &lt; p ≤ 100) of the values; NaN when there are none.</summary>
    public static double Percentile(IReadOnlyList<double> values, double p)
    {
        if (values.Count == 0)
        {
            return double.NaN;
        }

        var sorted = values.Order().ToList();
        var rank = (int)Math.Ceiling(p / 100 * sorted.Count);
        return sorted[Math.Clamp(rank - 1, 0, sorted.Count - 1)];
    }

    public static double Median(IEnumerable<double> values) => Percentile(values.ToList(), 50);
}
