using System.Globalization;
using DirectLB.Tests.Shared.Replicas;

namespace DirectLB.Bench.Soak;

/// <summary>
/// The replicas' resident memory over the soak, read from /proc every few seconds. A replica restarted by the soak
/// starts small and grows while it takes its share, so only warm samples count (its first minute is left
/// out). The trend is a least-squares line through the mean warm RSS over time: flat means its rise over the whole
/// run is under a tenth of the mean.
/// </summary>
public sealed class RssTrend
{
    public static readonly TimeSpan WarmAfter = TimeSpan.FromMinutes(1);

    private readonly Dictionary<int, DateTime> _firstSeen = [];
    private readonly Dictionary<int, (DateTime At, double MiB)> _firstWarm = [];
    private readonly Dictionary<int, (DateTime At, double MiB)> _lastWarm = [];
    private readonly List<(double Minutes, double MiB)> _points = [];
    private readonly DateTime _start = DateTime.UtcNow;

    public int Samples => _points.Count;

    public void Sample(IEnumerable<Replica> replicas)
    {
        var now = DateTime.UtcNow;
        var warm = new List<double>();
        foreach (var replica in replicas.Where(r => !r.HasExited))
        {
            var pid = replica.ProcessId;
            _firstSeen.TryAdd(pid, now);
            if (now - _firstSeen[pid] >= WarmAfter && RssMiB(pid) is { } mib)
            {
                warm.Add(mib);
                _firstWarm.TryAdd(pid, (now, mib));
                _lastWarm[pid] = (now, mib);
            }
        }

        if (warm.Count > 0)
        {
            _points.Add(((now - _start).TotalMinutes, warm.Average()));
        }
    }

    /// <summary>MiB per hour, the mean warm RSS, and the rise over the sampled time; null before two samples.</summary>
    public (double SlopePerHour, double MeanMiB, double RiseMiB)? Fit()
    {
        if (_points.Count < 2)
        {
            return null;
        }

        var meanX = _points.Average(p => p.Minutes);
        var meanY = _points.Average(p => p.MiB);
        var sxx = _points.Sum(p => (p.Minutes - meanX) * (p.Minutes - meanX));
        var slopePerMinute = sxx == 0 ? 0 : _points.Sum(p => (p.Minutes - meanX) * (p.MiB - meanY)) / sxx;
        var span = _points[^1].Minutes - _points[0].Minutes;
        return (slopePerMinute * 60, meanY, slopePerMinute * span);
    }

    /// <summary>The replica process warm for the longest: for how long, and its RSS then and at the end.</summary>
    public string LongestLived()
    {
        if (_firstWarm.Count == 0)
        {
            return "none warm";
        }

        var (minutes, from, to) = _firstWarm
            .Select(f => (Minutes: (_lastWarm[f.Key].At - f.Value.At).TotalMinutes, From: f.Value.MiB, To: _lastWarm[f.Key].MiB))
            .MaxBy(p => p.Minutes);
        return $"{minutes:F0} min warm, {from:F0} → {to:F0} MiB";
    }

    public bool IsFlat() => Fit() is { } fit && fit.RiseMiB < fit.MeanMiB / 10;

    private static double? RssMiB(int pid)
    {
        try
        {
            var line = File.ReadLines($"/proc/{pid}/status").FirstOrDefault(l => l.StartsWith("VmRSS:", StringComparison.Ordinal));
            return line is null ? null : long.Parse(line["VmRSS:".Length..].Trim().Split(' ')[0], CultureInfo.InvariantCulture) / 1024.0;
        }
        catch (IOException)
        {
            return null; // exited between the check and the read
        }
    }
}
