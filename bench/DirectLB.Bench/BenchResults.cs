using DirectLB.Tests.Shared.Overlap;

namespace DirectLB.Bench;

/// <summary>Everything one invocation measured, for the report and the exit code.</summary>
public sealed class BenchResults
{
    public List<ScaleRun> Scale { get; } = [];

    /// <summary>The cold starts, each in a fresh process, on each journal.</summary>
    public List<ColdStart> ColdStarts { get; } = [];

    /// <summary>The cold starts of the shipped host in its own process (<see cref="ProcessColdStart"/>).</summary>
    public List<ProcessColdRun> ProcessColdStarts { get; } = [];

    /// <summary>One list of points (one per rate) per repetition.</summary>
    public List<IReadOnlyList<LatencyPoint>> Latency { get; } = [];

    public List<RollingUpdateRun> RollingUpdates { get; } = [];

    public List<RateLimitRun> RateLimits { get; } = [];

    public List<FailoverRun> Failovers { get; } = [];

    /// <summary>Two incarnations of each Service at once: with the journal's fence, then without.</summary>
    public List<OverlapOutcome> Overlaps { get; } = [];

    public List<GateRolloutRun> GateRollouts { get; } = [];

    public List<ReadBackRun> ReadBacks { get; } = [];

    public List<JournalRun> Journal { get; } = [];

    /// <summary>Runs that threw, each with what it was and why; the rest of the invocation still ran.</summary>
    public List<string> Errors { get; } = [];

    /// <summary>The latency per rate, each figure the median over the repetitions.</summary>
    public IReadOnlyList<LatencyPoint> LatencyMedians() =>
        Latency.Count == 0
            ? []
            : Latency[0].Select((first, i) =>
            {
                var runs = Latency.Select(r => r[i]).ToList();
                double M(Func<LatencyPoint, double> f) => Stats.Median(runs.Select(f));
                return first with
                {
                    AchievedRate = M(p => p.AchievedRate),
                    P50 = M(p => p.P50),
                    P99 = M(p => p.P99),
                    Max = M(p => p.Max),
                    FloorP50 = M(p => p.FloorP50),
                    FloorP99 = M(p => p.FloorP99),
                    MetricP50 = M(p => p.MetricP50),
                    MetricP99 = M(p => p.MetricP99),
                    JournalP50 = M(p => p.JournalP50),
                    JournalP99 = M(p => p.JournalP99),
                };
            }).ToList();

    /// <summary>What a CI run must see: everything converged, and every endpoint change not superseded reached the cloud.</summary>
    public IReadOnlyList<string> Failures() =>
    [
        .. Errors,
        .. Scale.Where(s => !s.Converged).Select(s => $"scale ({s.Variant}) did not converge"),
        .. ColdStarts.Where(c => !c.Run.Converged).Select(c => $"a cold start on {c.Journal} did not converge"),
        .. ProcessColdStarts.Where(r => !r.Converged).Select(_ => "a cold start of the host in its own process did not converge"),
        .. RollingUpdates.Where(r => !r.Converged).Select(_ => "the rolling update did not converge"),
        .. RateLimits.Where(r => !r.Converged).Select(_ => "the rate-limited changes did not converge"),
        .. ReadBacks.Where(r => !r.Converged).Select(r => $"the read-back run at {r.Interval.TotalSeconds:F0} s did not converge"),
        .. GateRollouts.Where(r => !r.Converged).Select(r => $"the {(r.Gated ? "gated" : "ungated")} rollout did not converge"),
        .. Failovers.SelectMany(f => f.Problems).Select(problem => $"failover: {problem}"),
        .. Overlaps.SelectMany(OverlapBenchmark.Failures),
        .. Latency.SelectMany(r => r).Where(p => p.Confirmed + p.Superseded < p.Events)
            .Select(p => $"latency at {p.Rate}/s: {p.Events - p.Confirmed - p.Superseded} current pods never reached the cloud"),
    ];
}
