using System.Diagnostics;
using DirectLB.Actors.Observability;

namespace DirectLB.Bench;

/// <summary>One scale run: how long N Services × M endpoints took to converge, and what memory that cost.</summary>
public sealed record ScaleRun(
    string Variant,
    int Services,
    int Endpoints,
    bool Converged,
    double Seconds,
    long RssBeforeHost,
    long PeakRss,
    long HeapBeforeHost,
    long HeapAfterConverged,
    long HeapHostStopped,
    long JournalWrites,
    double JournalWriteMs)
{
    /// <summary>
    /// How much the process's managed heap grew per Service from before the host started until it converged: the
    /// host's heap, and also what the API test server (its watch history, request log, the written statuses and
    /// Events) and the simulated cloud gained meanwhile.
    /// </summary>
    public double HeapPerService => (HeapAfterConverged - HeapBeforeHost) / (double)Services;

    public double HeapPerEndpoint => (HeapAfterConverged - HeapBeforeHost) / (double)(Services * Endpoints);

    /// <summary>
    /// The heap the host itself holds per Service: converged, minus the same once the host stopped with the API
    /// server, its objects and the cloud still in place.
    /// </summary>
    public double HostHeapPerService => (HeapAfterConverged - HeapHostStopped) / (double)Services;
}

/// <summary>
/// Scale: N Services of M ready endpoints each, either created before the host starts (a restart of the controller
/// over a full cluster) or while it runs (a burst of new Services). Converged means every Service has a load balancer
/// with M targets in the simulated cloud and status.loadBalancer.ingress set in the API server.
/// </summary>
public static class ScaleBenchmark
{
    /// <param name="hold">Whether to keep the converged host alive for <see cref="BenchOptions.Hold"/> once measured.</param>
    public static async Task<ScaleRun> RunAsync(BenchOptions options, bool createWhileRunning, bool hold = false)
    {
        await using var cluster = await BenchCluster.CreateAsync(options);
        // Three times the 60 s target at full size: long enough to see how far off a miss is, short enough to finish.
        var timeout = TimeSpan.FromSeconds(Math.Max(60, options.Services * 0.018));
        var poll = TimeSpan.FromMilliseconds(options.Smoke ? 100 : 500);
        if (!createWhileRunning)
        {
            CreateAll(cluster.Fleet, options);
        }

        var heapBefore = ProcessMemory.HeapAfterFullGc();
        var rssBefore = ProcessMemory.Rss();
        ProcessMemory.ResetPeak();
        // Metrics are static in the process: read the journal histogram's totals before and after each run.
        var journalBefore = (Count: DirectLbMetrics.JournalWrite.Count, Sum: DirectLbMetrics.JournalWrite.Sum);
        var started = Stopwatch.GetTimestamp();
        await cluster.StartHostAsync();
        if (createWhileRunning)
        {
            // The clock starts at the first Service written, not at the host's start.
            started = Stopwatch.GetTimestamp();
            CreateAll(cluster.Fleet, options);
        }

        var converged = await cluster.WaitConvergedAsync(options.Services, options.Endpoints, timeout, poll);
        var seconds = Stopwatch.GetElapsedTime(started).TotalSeconds;
        var peak = ProcessMemory.PeakRss();
        var journalWrites = DirectLbMetrics.JournalWrite.Count - journalBefore.Count;
        var journalMs = (DirectLbMetrics.JournalWrite.Sum - journalBefore.Sum) / Math.Max(1, journalWrites) * 1000;
        var heapAfter = ProcessMemory.HeapAfterFullGc();
        if (hold && options.Hold > TimeSpan.Zero)
        {
            Console.WriteLine($"holding the converged host for {options.Hold.TotalSeconds:F0} s: dotnet-gcdump collect -p {Environment.ProcessId}");
            await Task.Delay(options.Hold);
        }

        // What the host held is what goes when it stops: the API server, its objects and the cloud stay.
        await cluster.StopHostAsync();
        var heapHostStopped = ProcessMemory.HeapAfterFullGc();
        var variant = createWhileRunning ? "created while running" : "created before start";
        var run = new ScaleRun(variant, options.Services, options.Endpoints, converged, seconds, rssBefore, peak, heapBefore, heapAfter, heapHostStopped, journalWrites, journalMs);
        Console.WriteLine(
            $"scale ({variant}): {options.Services} Services x {options.Endpoints} endpoints {(converged ? "converged" : "NOT converged")} in {seconds:F1} s; " +
            $"peak RSS {Report.MiB(peak)} (before host {Report.MiB(rssBefore)}); host heap {run.HostHeapPerService / 1024:F1} KiB/Service; " +
            $"heap growth {run.HeapPerService / 1024:F1} KiB/Service, {run.HeapPerEndpoint:F0} B/endpoint; " +
            $"provider calls {cluster.Cloud.TotalCalls}; {run.JournalWrites} journal writes, mean {run.JournalWriteMs:F1} ms");

        return run;
    }

    private static void CreateAll(Fleet fleet, BenchOptions options)
    {
        for (var i = 0; i < options.Services; i++)
        {
            fleet.Create(i, options.Endpoints);
        }
    }
}
