using System.Diagnostics;
using System.Globalization;

namespace DirectLB.Bench;

/// <summary>
/// Latency at one rate of endpoint changes. All in milliseconds. "Measured" is the bench's own clock: the write to
/// the API server until the simulated cloud confirms the new target. "Metric" is the host's
/// directlb_event_to_applied_seconds histogram: the watch event's arrival at the watcher until the provider's
/// confirmation, bucketed by factors of 2. "Floor" is the write until a do-nothing watch in the same process sees it.
/// "Journal" is the host's directlb_journal_write_seconds histogram over the same rate: an entity's intent from its
/// persist until it handles the journal's acknowledgement, a wait inside the metric's span.
/// </summary>
public sealed record LatencyPoint(
    int Rate,
    double AchievedRate,
    int Events,
    int Confirmed,
    int Superseded,
    double P50,
    double P99,
    double Max,
    double FloorP50,
    double FloorP99,
    double MetricP50,
    double MetricP99,
    double JournalP50,
    double JournalP99,
    long ProviderCalls);

/// <summary>
/// Latency: endpoint changes (one pod replaced by a new one) written at a fixed rate, round robin over many
/// Services, against DirectLB and a do-nothing watch at the same time.
/// </summary>
public static class LatencyBenchmark
{
    private const string Histogram = "directlb_event_to_applied_seconds";
    private const string JournalHistogram = "directlb_journal_write_seconds";

    /// <summary>
    /// The p99 target at a point's rate, in ms. Up to 100 events/s each Service's changes come seconds apart and each is
    /// acted on at once (the debounce is leading-edge): 2 × the floor's p99 + 20 ms. Below 5,000/s: 2 × the floor's p99
    /// + the debounce. From 5,000/s, where the pipeline's own throughput is the bound: keeping up, with p99 ≤ 1 s.
    /// </summary>
    public static double TargetP99(LatencyPoint point, TimeSpan debounce) => point.Rate switch
    {
        <= 100 => (2 * point.FloorP99) + 20,
        < 5_000 => (2 * point.FloorP99) + debounce.TotalMilliseconds,
        _ => 1_000,
    };

    /// <summary>The arguments of one latency run in a child process (<see cref="ChildRun"/>) with this invocation's sizes.</summary>
    public static List<string> ChildArguments(BenchOptions options)
    {
        List<string> arguments = ["latency", "--rates", string.Join(',', options.Rates)];
        // Smoke sizes come with --smoke itself; otherwise the parent's.
        arguments.AddRange(options.Smoke
            ? ["--smoke"]
            : ["--latency-services", $"{options.LatencyServices}", "--endpoints", $"{options.Endpoints}", "--latency-seconds", $"{options.LatencyDuration.TotalSeconds:F0}"]);
        if (options.Postgres)
        {
            arguments.Add("--postgres");
        }

        return arguments;
    }

    public static async Task<IReadOnlyList<LatencyPoint>> RunAsync(BenchOptions options)
    {
        await using var cluster = await BenchCluster.CreateAsync(options);
        for (var i = 0; i < options.LatencyServices; i++)
        {
            cluster.Fleet.Create(i, options.Endpoints);
        }

        await cluster.StartHostAsync();
        if (!await cluster.WaitConvergedAsync(options.LatencyServices, options.Endpoints, TimeSpan.FromMinutes(3), TimeSpan.FromMilliseconds(200)))
        {
            throw new InvalidOperationException("the latency fleet did not converge");
        }

        await using var floor = new WatchFloor(cluster.Kubeconfig, cluster.Api.Store.ResourceVersion.ToString(CultureInfo.InvariantCulture));
        using var http = new HttpClient();
        var points = new List<LatencyPoint>();
        var next = 0;
        foreach (var rate in options.Rates)
        {
            var before = await HistogramScrape.ReadAsync(http, cluster.HostAddress, Histogram, JournalHistogram);
            var callsBefore = cluster.Cloud.TotalCalls;
            var (writes, seconds) = WritePaced(cluster.Fleet, rate, options.LatencyDuration, options.LatencyServices, ref next);
            await WaitAllSeenAsync(writes, cluster.Provider, floor, TimeSpan.FromSeconds(30));
            var after = await HistogramScrape.ReadAsync(http, cluster.HostAddress, Histogram, JournalHistogram);
            var metric = after[0].Minus(before[0]);
            var journal = after[1].Minus(before[1]);

            var measured = Millis(writes, cluster.Provider.TryGetConfirmed);
            // A pod replaced again before DirectLB acted on it never reaches the cloud, by design: coalescing.
            var current = Enumerable.Range(0, options.LatencyServices).SelectMany(i => cluster.Fleet.Pods(i)).Select(p => p.Addresses[0]).ToHashSet();
            var superseded = writes.Count(w => !cluster.Provider.TryGetConfirmed(w.Address, out _) && !current.Contains(w.Address));
            var floorMs = Millis(writes, floor.TryGetArrival);
            var point = new LatencyPoint(
                rate,
                writes.Count / seconds,
                writes.Count,
                measured.Count,
                superseded,
                Stats.Percentile(measured, 50),
                Stats.Percentile(measured, 99),
                measured.Count == 0 ? double.NaN : measured.Max(),
                Stats.Percentile(floorMs, 50),
                Stats.Percentile(floorMs, 99),
                metric.Quantile(0.5) * 1000,
                metric.Quantile(0.99) * 1000,
                journal.Quantile(0.5) * 1000,
                journal.Quantile(0.99) * 1000,
                cluster.Cloud.TotalCalls - callsBefore);
            Console.WriteLine(
                $"latency {rate}/s (achieved {point.AchievedRate:F0}/s, {point.Confirmed}/{point.Events} confirmed, {point.Superseded} superseded): " +
                $"measured p50 {point.P50:F1} ms p99 {point.P99:F1} ms max {point.Max:F1} ms; floor p50 {point.FloorP50:F1} ms p99 {point.FloorP99:F1} ms; " +
                $"metric p50 {point.MetricP50:F1} ms p99 {point.MetricP99:F1} ms; journal write p50 {point.JournalP50:F1} ms p99 {point.JournalP99:F1} ms; " +
                $"{point.ProviderCalls} provider calls");
            points.Add(point);
        }

        return points;
    }

    /// <summary>
    /// Writes changes at <paramref name="rate"/> per second on a dedicated thread, so timer and thread-pool jitter do
    /// not bunch them up; returns each new address with the timestamp taken just before its write.
    /// </summary>
    private static (List<(string Address, long WrittenAt)> Writes, double Seconds) WritePaced(
        Fleet fleet, int rate, TimeSpan duration, int services, ref int next)
    {
        var writes = new List<(string, long)>((int)(rate * duration.TotalSeconds));
        var total = (int)(rate * duration.TotalSeconds);
        var first = next;
        var thread = new Thread(() =>
        {
            var start = Stopwatch.GetTimestamp();
            for (var k = 0; k < total;)
            {
                var due = Math.Min(total, (int)(Stopwatch.GetElapsedTime(start).TotalSeconds * rate) + 1);
                for (; k < due; k++)
                {
                    var at = Stopwatch.GetTimestamp();
                    writes.Add((fleet.ReplaceOldestPod((first + k) % services), at));
                }

                Thread.Sleep(1);
            }
        });
        var started = Stopwatch.GetTimestamp();
        thread.Start();
        thread.Join();
        next = first + total;
        return (writes, Stopwatch.GetElapsedTime(started).TotalSeconds);
    }

    private static async Task WaitAllSeenAsync(List<(string Address, long WrittenAt)> writes, ConfirmingProvider provider, WatchFloor floor, TimeSpan timeout)
    {
        var deadline = Stopwatch.GetTimestamp() + (long)(timeout.TotalSeconds * Stopwatch.Frequency);
        while (Stopwatch.GetTimestamp() < deadline
            && !writes.All(w => provider.TryGetConfirmed(w.Address, out _) && floor.TryGetArrival(w.Address, out _)))
        {
            await Task.Delay(100);
        }
    }

    private delegate bool Lookup(string address, out long timestamp);

    private static List<double> Millis(List<(string Address, long WrittenAt)> writes, Lookup lookup) =>
        writes.Select(w => lookup(w.Address, out var seen) ? Stopwatch.GetElapsedTime(w.WrittenAt, seen).TotalMilliseconds : double.NaN)
            .Where(ms => !double.IsNaN(ms))
            .ToList();
}
