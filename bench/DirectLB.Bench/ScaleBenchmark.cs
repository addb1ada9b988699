using System.Diagnostics;
using System.Runtime;
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
    long HeapAtRest,
    long HeapHostStopped,
    long JournalWrites,
    double JournalWriteMs,
    ScaleFloor Floor,
    RunCost Cost)
{
    /// <summary>Converged time over the floor: issue 17 asks for at most 3 in every cold run.</summary>
    public double FloorRatio => Seconds / Floor.Seconds;

    /// <summary>
    /// The host's share of the peak RSS, estimated: what the process gained over the run, less what the managed heap
    /// still held once the host stopped (the API test server's watch history, objects and Events, the simulated cloud).
    /// The host runs in the bench process, so its RSS cannot be read apart; this is the closest figure.
    /// </summary>
    public long HostRss => PeakRss - RssBeforeHost - Math.Max(0, HeapHostStopped - HeapBeforeHost);

    /// <summary>
    /// How much the process's managed heap grew per Service from before the host started until it converged: the
    /// host's heap, and also what the API test server (its watch history, request log, the written statuses and
    /// Events) and the simulated cloud gained meanwhile.
    /// </summary>
    public double HeapPerService => (HeapAfterConverged - HeapBeforeHost) / (double)Services;

    public double HeapPerEndpoint => (HeapAfterConverged - HeapBeforeHost) / (double)(Services * Endpoints);

    /// <summary>
    /// The heap the host itself holds per Service: at rest once converged (<see cref="ScaleBenchmark"/>'s quiet wait),
    /// minus the same once the host stopped with the API server, its objects and the cloud still in place.
    /// </summary>
    public double HostHeapPerService => (HeapAtRest - HeapHostStopped) / (double)Services;

    /// <summary>The same at the moment of convergence, with the last writes' Events and outcomes still in flight.</summary>
    public double HostHeapAtConvergencePerService => (HeapAfterConverged - HeapHostStopped) / (double)Services;
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
        var costBefore = RunCost.Now();
        var started = Stopwatch.GetTimestamp();
        var resourceVersion = cluster.Api.Store.ResourceVersion;
        await cluster.StartHostAsync();
        if (createWhileRunning)
        {
            // The clock starts at the first Service written, not at the host's start.
            started = Stopwatch.GetTimestamp();
            CreateAll(cluster.Fleet, options);
        }

        var converged = await cluster.WaitConvergedAsync(options.Services, options.Endpoints, timeout, poll);
        var seconds = Stopwatch.GetElapsedTime(started).TotalSeconds;
        var cost = RunCost.Now() - costBefore;
        // Every write to the API server advances its resourceVersion by one; the bench's own creations are not the host's.
        var kubernetesWrites = cluster.Api.Store.ResourceVersion - resourceVersion - (createWhileRunning ? 2L * options.Services : 0);
        var peak = ProcessMemory.PeakRss();
        var journalWrites = DirectLbMetrics.JournalWrite.Count - journalBefore.Count;
        var journalMs = (DirectLbMetrics.JournalWrite.Sum - journalBefore.Sum) / Math.Max(1, journalWrites) * 1000;
        var heapAfter = ProcessMemory.HeapAfterFullGc();
        await WaitQuietAsync(cluster);
        var heapAtRest = ProcessMemory.HeapAfterFullGc();
        if (hold && options.Hold > TimeSpan.Zero)
        {
            Console.WriteLine($"holding the converged host for {options.Hold.TotalSeconds:F0} s: dotnet-gcdump collect -p {Environment.ProcessId}");
            await Task.Delay(options.Hold);
        }

        // What the host held is what goes when it stops: the API server, its objects and the cloud stay.
        await cluster.StopHostAsync();
        var heapHostStopped = ProcessMemory.HeapAfterFullGc();
        var floor = await ScaleFloor.MeasureAsync(options, cluster.Kubeconfig, cluster.Fleet.Namespace, cluster.Postgres?.ConnectionString, cluster.JournalRows(), kubernetesWrites);
        var variant = createWhileRunning ? "created while running" : "created before start";
        var run = new ScaleRun(variant, options.Services, options.Endpoints, converged, seconds, rssBefore, peak, heapBefore, heapAfter, heapAtRest, heapHostStopped, journalWrites, journalMs, floor, cost);
        Console.WriteLine(
            $"scale ({variant}): {options.Services} Services x {options.Endpoints} endpoints {(converged ? "converged" : "NOT converged")} in {seconds:F1} s; " +
            $"peak RSS {Report.MiB(peak)} (before host {Report.MiB(rssBefore)}); host heap {run.HostHeapPerService / 1024:F1} KiB/Service at rest ({run.HostHeapAtConvergencePerService / 1024:F1} at convergence); " +
            $"heap growth {run.HeapPerService / 1024:F1} KiB/Service, {run.HeapPerEndpoint:F0} B/endpoint; " +
            $"provider calls {cluster.Cloud.TotalCalls}; {run.JournalWrites} intents journaled, mean {run.JournalWriteMs:F1} ms; " +
            $"{cost}; host RSS (est.) {Report.MiB(run.HostRss)}; {floor}; converged / floor {run.FloorRatio:F2}");

        return run;
    }

    /// <summary>
    /// Waits until the host has stopped writing: no Kubernetes write (statuses, Events) and no journal write for a
    /// second, 30 s at most. Convergence is when the last status lands; the Events and journal outcomes of the last
    /// steps are still on their way then, and a heap measured among them counts what is in flight, not what the host
    /// keeps. Provider calls are not waited for: the periodic read-backs never stop.
    /// </summary>
    private static Task WaitQuietAsync(BenchCluster cluster) => Settle.UntilQuietAsync(
        () => (cluster.Api.Store.ResourceVersion, DirectLbMetrics.JournalWrite.Count), TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(30));

    private static void CreateAll(Fleet fleet, BenchOptions options)
    {
        for (var i = 0; i < options.Services; i++)
        {
            fleet.Create(i, options.Endpoints);
        }
    }
}

/// <summary>
/// What a run cost the whole process: CPU time (all threads), the JIT compiler's share of it, and the garbage
/// collector's pauses (the time it stopped the process; background collections' own CPU is in the CPU time only).
/// </summary>
public sealed record RunCost(double CpuSeconds, double JitSeconds, long JitMethods, double GcPauseSeconds, int Gen0, int Gen1, int Gen2)
{
    public static RunCost Now() => new(
        Process.GetCurrentProcess().TotalProcessorTime.TotalSeconds,
        JitInfo.GetCompilationTime().TotalSeconds,
        JitInfo.GetCompiledMethodCount(),
        GC.GetTotalPauseDuration().TotalSeconds,
        GC.CollectionCount(0),
        GC.CollectionCount(1),
        GC.CollectionCount(2));

    public static RunCost operator -(RunCost after, RunCost before) => new(
        after.CpuSeconds - before.CpuSeconds,
        after.JitSeconds - before.JitSeconds,
        after.JitMethods - before.JitMethods,
        after.GcPauseSeconds - before.GcPauseSeconds,
        after.Gen0 - before.Gen0,
        after.Gen1 - before.Gen1,
        after.Gen2 - before.Gen2);

    public override string ToString() =>
        $"process CPU {CpuSeconds:F1} s, of it JIT {JitSeconds:F1} s ({JitMethods} methods compiled); GC paused {GcPauseSeconds:F1} s ({Gen0}/{Gen1}/{Gen2} collections of gen 0/1/2)";
}
