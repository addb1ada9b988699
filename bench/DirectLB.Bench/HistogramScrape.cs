using System.Globalization;

namespace DirectLB.Bench;

/// <summary>
/// One Prometheus histogram read from the host's /metrics, as a scraper would see it: cumulative bucket counts.
/// Two scrapes subtracted give the observations in between; quantiles interpolate linearly inside a bucket, as
/// PromQL's histogram_quantile does, so they are only as fine as the buckets (factors of 2 here).
/// </summary>
public sealed record HistogramScrape(IReadOnlyList<(double UpperBound, double Count)> Buckets)
{
    public double Count => Buckets.Count == 0 ? 0 : Buckets[^1].Count;

    /// <summary>The named histograms from one read of the host's /metrics, so that all of them are of the same moment.</summary>
    public static async Task<HistogramScrape[]> ReadAsync(HttpClient http, Uri host, params string[] names)
    {
        var text = await http.GetStringAsync(new Uri(host, "/metrics"));
        return [.. names.Select(name => Parse(text, name))];
    }

    private static HistogramScrape Parse(string text, string name)
    {
        var prefix = name + "_bucket{le=\"";
        var buckets = text.Split('\n')
            .Where(l => l.StartsWith(prefix, StringComparison.Ordinal))
            .Select(l =>
            {
                var le = l[prefix.Length..l.IndexOf('"', prefix.Length)];
                var count = double.Parse(l[(l.LastIndexOf(' ') + 1)..], CultureInfo.InvariantCulture);
                return (le == "+Inf" ? double.PositiveInfinity : double.Parse(le, CultureInfo.InvariantCulture), count);
            })
            .ToList();
        return new HistogramScrape(buckets);
    }

    public HistogramScrape Minus(HistogramScrape earlier) =>
        new(Buckets.Select((b, i) => (b.UpperBound, b.Count - (i < earlier.Buckets.Count ? earlier.Buckets[i].Count : 0))).ToList());

    /// <summary>The q-quantile (0..1) in seconds; NaN with no observations.</summary>
    public double Quantile(double q)
    {
        if (Count <= 0)
        {
            return double.NaN;
        }

        var rank = q * Count;
        var lower = 0.0;
        var below = 0.0;
        foreach (var (upper, count) in Buckets)
        {
            if (count >= rank)
            {
                return double.IsPositiveInfinity(upper) ? lower : lower + ((upper - lower) * (rank - below) / Math.Max(count - below, 1e-9));
            }

            lower = upper;
            below = count;
        }

        return lower;
    }
}
