using System.Diagnostics;
using DirectLB.Providers.Simulated;

namespace DirectLB.Bench;

/// <summary>
/// Read-backs at scale: how evenly N Services' read-backs spread over their interval, and what they cost the
/// latency of pod changes meanwhile.
/// </summary>
public sealed record ReadBackRun(
    int Services,
    TimeSpan Interval,
    bool Converged,
    IReadOnlyList<double> ReadsPerSecond,
    IReadOnlyList<double> LatencyMs)
{
    public double Expected => Services / Interval.TotalSeconds;

    public double Mean => ReadsPerSecond.Count == 0 ? 0 : ReadsPerSecond.Average();

    public double P5 => ReadsPerSecond.Count == 0 ? 0 : Stats.Percentile(ReadsPerSecond, 5);

    public double P95 => ReadsPerSecond.Count == 0 ? 0 : Stats.Percentile(ReadsPerSecond, 95);

    public double Max => ReadsPerSecond.Count == 0 ? 0 : ReadsPerSecond.Max();

    public double LatencyP50 => LatencyMs.Count == 0 ? 0 : Stats.Percentile(LatencyMs, 50);

    public double LatencyP99 => LatencyMs.Count == 0 ? 0 : Stats.Percentile(LatencyMs, 99);
}

/// <summary>
/// N Services × M endpoints converge; then, for one read-back interval, the cloud's FindLoadBalancer calls are counted
/// every second while one pod of a random Service is replaced 20 times a second, each timed from its slice write to
/// its target confirmed in the cloud. Run once with read-backs at the given interval and once with them an hour apart
/// (none in the window), so the latency difference is what the read-backs cost.
/// </summary>
public static class ReadBackBenchmark
{
    private const int ChangesPerSecond = 20;

    public static async Task<ReadBackRun> RunAsync(BenchOptions options, TimeSpan interval)
    {
        await using var cluster = await BenchCluster.CreateAsync(options);
        for (var i = 0; i < options.Services; i++)
        {
            cluster.Fleet.Create(i, options.Endpoints);
        }

        await cluster.StartHostAsync(null, "--read-back-interval", interval.ToString("c"));
        var converged = await cluster.WaitConvergedAsync(options.Services, options.Endpoints, TimeSpan.FromSeconds(Math.Max(60, options.Services * 0.018)), TimeSpan.FromMilliseconds(500));

        // One whole interval after the first: each entity's first read-back falls somewhere in the first interval.
        var window = options.Smoke ? TimeSpan.FromSeconds(10) : TimeSpan.FromSeconds(Math.Min(interval.TotalSeconds, 60));
        var reads = new List<double>();
        var latencies = new List<double>();
        var pending = new List<(string Address, long WrittenAt)>();
        var random = new Random(7);
        var started = Stopwatch.GetTimestamp();
        var lastCount = cluster.Cloud.CallCount(ProviderCallKind.FindLoadBalancer);
        var nextSecond = 1;
        var changes = 0;
        while (Stopwatch.GetElapsedTime(started) < window)
        {
            var elapsed = Stopwatch.GetElapsedTime(started).TotalSeconds;
            if (changes < elapsed * ChangesPerSecond)
            {
                pending.Add((cluster.Fleet.ReplaceOldestPod(random.Next(options.Services)), Stopwatch.GetTimestamp()));
                changes++;
            }

            if (elapsed >= nextSecond)
            {
                var count = cluster.Cloud.CallCount(ProviderCallKind.FindLoadBalancer);
                reads.Add(count - lastCount);
                lastCount = count;
                nextSecond++;
            }

            Collect(cluster, pending, latencies);
            await Task.Delay(5);
        }

        var deadline = Stopwatch.GetTimestamp() + (30 * Stopwatch.Frequency);
        while (pending.Count > 0 && Stopwatch.GetTimestamp() < deadline)
        {
            Collect(cluster, pending, latencies);
            await Task.Delay(20);
        }

        var run = new ReadBackRun(options.Services, interval, converged && pending.Count == 0, reads, latencies);
        Console.WriteLine(
            $"read-back ({options.Services} Services, interval {interval.TotalSeconds:F0} s): reads/s expected {run.Expected:F1}, " +
            $"mean {run.Mean:F1}, p5 {run.P5:F0}, p95 {run.P95:F0}, max {run.Max:F0} over {reads.Count} s; " +
            $"pod change -> confirmed p50 {run.LatencyP50:F0} ms, p99 {run.LatencyP99:F0} ms ({latencies.Count} changes){(run.Converged ? "" : "; NOT converged")}");
        return run;
    }

    private static void Collect(BenchCluster cluster, List<(string Address, long WrittenAt)> pending, List<double> latencies) =>
        pending.RemoveAll(change =>
        {
            if (!cluster.Provider.TryGetConfirmed(change.Address, out var confirmedAt))
            {
                return false;
            }

            latencies.Add(Math.Max(0, confirmedAt - change.WrittenAt) * 1000.0 / Stopwatch.Frequency);
            return true;
        });
}
