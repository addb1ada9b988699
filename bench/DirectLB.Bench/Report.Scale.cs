namespace DirectLB.Bench;

/// <summary>The scale section: cold starts against their floor, and memory.</summary>
public static partial class Report
{
    private const double FloorRatioTarget = 3;
    private const double ColdSecondsTarget = 30;
    private const long HostRssTarget = 600L << 20;

    private static void Scale(Markdown md, BenchResults results)
    {
        if (results.Scale.Count == 0 && results.ColdStarts.Count == 0 && results.ProcessColdStarts.Count == 0)
        {
            return;
        }

        md.L($"## 1. Scale");
        md.L();
        md.L($"Time from the host's start (or from the first Service written, when created while running) until every Service has a load balancer with all its targets in the cloud and `status.loadBalancer.ingress` set in the API server (polled every 0.5 s). Peak RSS is the whole bench process (API test server, its objects and the bench's own bookkeeping included); \"before host\" is the RSS with the cluster's objects in place and no host yet. **Host heap** per Service is the managed heap after a full GC once converged and at rest (no Kubernetes or journal write for a second: the last Events and journal outcomes are on their way at the moment of convergence) minus the same once the host has stopped (the API server, its objects and the cloud still in place), divided by N: what the host itself holds. **Heap growth** is the managed heap once converged minus the same before the host started: the host's heap plus what the API test server (watch history, request log, written statuses and Events) and the simulated cloud gained meanwhile.");
        md.L();
        md.L($"**Floor** (issue 17), measured in the same process right after each run, with the host stopped: the journal writes the run made (rows it left in the journal and snapshot store) at the journal's ceiling (the `journal` bench with the host's settings, 1,000 writers, 5 s after 3 s of warm-up), plus the Kubernetes writes the host made (how far the API server's resourceVersion advanced, the bench's own creations left out) at the API test server's write rate (64 concurrent KubernetesClient callers over HTTP, a Service status merge patch and an Event create in turn, 5 s after 1 s of warm-up). **Host RSS (est.)** is the process's peak RSS minus its RSS before the host started, less what the managed heap still held once the host had stopped (the API server's watch history, objects and Events, the cloud): the host runs in the bench process, so its own RSS cannot be read apart. **CPU** is the whole process's over the run, of it the JIT compiler's; **GC paused** is how long the garbage collector stopped the process over the run (and how many collections reached gen 0, 1 and 2).");
        md.L();
        foreach (var journal in results.ColdStarts.GroupBy(c => c.Journal))
        {
            ColdStartTable(md, journal.Key, [.. journal]);
        }

        ProcessColdStartTable(md, results.ProcessColdStarts);

        if (results.Scale.Count == 0)
        {
            return;
        }

        md.L($"**In one process**: the first run cold, then the same again in the same process (its code compiled, its pools filled), and once with the Services created while the host runs. The memory targets are judged here.");
        md.L();
        md.L($"| variant | Services × endpoints | converged in | floor: journal + Kubernetes | converged / floor | CPU (JIT) | GC paused (gen 0/1/2) | peak RSS | RSS before host | host RSS (est.) | host heap / Service | heap growth / Service | heap growth / endpoint |");
        md.L($"| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |");
        foreach (var run in results.Scale)
        {
            var growth = run.Variant == "created before start"
                ? string.Create(Invariant, $"{run.HeapPerService / 1024:F1} KiB | {run.HeapPerEndpoint:F0} B")
                : "n/a (the objects were created after the baseline) | n/a";
            var f = run.Floor;
            md.L($"| {run.Variant} | {run.Services} × {run.Endpoints} | {(run.Converged ? $"{run.Seconds:F1} s" : $"NOT converged after {run.Seconds:F0} s")} | {f.Seconds:F1} s: {f.JournalWrites} at {f.JournalCeiling:F0}/s + {f.KubernetesWrites} at {f.ApiWriteRate:F0}/s | {run.FloorRatio:F2} | {run.Cost.CpuSeconds:F1} s ({run.Cost.JitSeconds:F1} s) | {GcPaused(run.Cost)} | {MiB(run.PeakRss)} | {MiB(run.RssBeforeHost)} | {MiB(run.HostRss)} | {run.HostHeapPerService / 1024:F1} KiB | {growth} |");
        }

        // The first run is the cold one, in a fresh process; later ones start with the earlier runs' memory still
        // mapped (server GC keeps it), so only the first tells the host's memory apart from what was there before.
        // The same holds for the heap: a later host's baseline holds what the earlier hosts of the process left (its
        // heap growth has read negative), so the heap is judged on the first host of each process, this one's and
        // the fresh processes' above; the later runs are listed, not judged.
        var cold = results.Scale[0];
        var worstRatio = cold.Converged ? cold.FloorRatio : double.PositiveInfinity;
        var firstHosts = results.ColdStarts.Select(c => c.Run).Prepend(cold).ToList();
        var hostHeap = firstHosts.Max(s => s.HostHeapPerService) / 1024;
        var later = results.Scale.Skip(1).ToList();
        md.L();
        md.L($"**Target** (issue 17) in this process's cold run, the first (the verdict on the cold start is the fresh processes' above, where they ran): converged within {FloorRatioTarget:F0} × its floor: {cold.Seconds:F1} s against {cold.Floor.Seconds:F1} s, {worstRatio:F2} × ({Verdict(worstRatio <= FloorRatioTarget)}); ≤ {ColdSecondsTarget:F0} s on this machine: {Verdict(cold.Converged && cold.Seconds <= ColdSecondsTarget)}; host RSS ≤ {MiB(HostRssTarget)}: {MiB(cold.HostRss)} estimated ({Verdict(cold.HostRss <= HostRssTarget)}).");
        md.L();
        var laterHeaps = later.Count > 0
            ? $"; the {later.Count} later run(s) in this process, not judged: {string.Join(", ", later.Select(s => (s.HostHeapPerService / 1024).ToString("F1", Invariant)))} KiB"
            : "";
        md.L($"**Target** ≤ 20 KiB of host heap per Service at 10 endpoints, judged on the first host of each process (this one's cold run and {results.ColdStarts.Count} fresh process(es)): {hostHeap:F1} KiB in the worst of {firstHosts.Count} ({Verdict(hostHeap <= 20)}){laterHeaps}.");
        md.L();
    }

    /// <summary>Issue 17, part 2: every cold run, each in a fresh process, against its own floor; the worst decides.</summary>
    private static void ColdStartTable(Markdown md, string journal, List<ColdStart> runs)
    {
        var first = runs[0].Run;
        md.L($"**Cold starts on {journal}, each in a fresh process** ({runs.Count} run(s) of `cold`, {first.Services:N0} Services × {first.Endpoints} endpoints created before the host starts{(journal == "PostgreSQL" ? "; the journal a private PostgreSQL started by the run, `fsync=off`" : "")}). **CPU stalled** is the share of the run's wall time in which some task on the machine waited for a CPU (`/proc/pressure/cpu`): the run's own threads and any other work on the same cores.");
        md.L();
        md.L($"| run (UTC) | converged in | floor: journal + Kubernetes | converged / floor | ≤ {FloorRatioTarget:F0} × floor | process CPU (JIT) | GC paused (gen 0/1/2) | intent write mean | host RSS (est.) | peak RSS | host heap / Service | CPU stalled |");
        md.L($"| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |");
        for (var i = 0; i < runs.Count; i++)
        {
            var (run, f) = (runs[i].Run, runs[i].Run.Floor);
            md.L($"| {i + 1} {runs[i].Started:HH:mm} | {(run.Converged ? $"{run.Seconds:F1} s" : $"NOT converged after {run.Seconds:F0} s")} | {f.Seconds:F1} s: {f.JournalWrites:N0} at {f.JournalCeiling:N0}/s ({f.JournalSeconds:F1} s) + {f.KubernetesWrites:N0} at {f.ApiWriteRate:N0}/s ({f.KubernetesSeconds:F1} s) | {Ratio(run):F2} | {Verdict(Ratio(run) <= FloorRatioTarget)} | {run.Cost.CpuSeconds:F1} s ({run.Cost.JitSeconds:F1} s) | {GcPaused(run.Cost)} | {run.JournalWriteMs:F0} ms | {MiB(run.HostRss)} | {MiB(run.PeakRss)} | {run.HostHeapPerService / 1024:F1} KiB | {(runs[i].CpuStalled is { } stalled ? $"{stalled:P0}" : "not reported")} |");
        }

        var worst = runs.MaxBy(c => Ratio(c.Run))!;
        var slowest = runs.MaxBy(c => c.Run.Converged ? c.Run.Seconds : double.PositiveInfinity)!;
        var largest = runs.MaxBy(c => c.Run.HostRss)!;
        md.L();
        md.L($"**Targets** (issue 17, part 2) on {journal}: every run within {FloorRatioTarget:F0} × its own floor: {Verdict(Ratio(worst.Run) <= FloorRatioTarget)} (the worst, run {runs.IndexOf(worst) + 1}: {worst.Run.Seconds:F1} s against a floor of {worst.Run.Floor.Seconds:F1} s, {Ratio(worst.Run):F2} ×); ≤ {ColdSecondsTarget:F0} s on this machine: {Verdict(slowest.Run.Converged && slowest.Run.Seconds <= ColdSecondsTarget)} (the slowest {slowest.Run.Seconds:F1} s); host RSS ≤ {MiB(HostRssTarget)}: {Verdict(largest.Run.HostRss <= HostRssTarget)} (at most {MiB(largest.Run.HostRss)} estimated).");
        md.L();

        static double Ratio(ScaleRun run) => run.Converged ? run.FloorRatio : double.PositiveInfinity;
    }

    /// <summary>The shipped host in its own process: the host's RSS measured, not estimated.</summary>
    private static void ProcessColdStartTable(Markdown md, List<ProcessColdRun> runs)
    {
        if (runs.Count == 0)
        {
            return;
        }

        md.L($"**The shipped host in its own process** ({runs.Count} run(s) of `cold-process`, {runs[0].Services:N0} Services × {runs[0].Endpoints} endpoints): `dotnet directlb.dll` started as a fresh process with the image's runtime setting, journal a private PostgreSQL, `--provider http` to the bench's simulated cloud (as the failover replicas run), after the bench's API test server was warmed in the bench's own process (lists of the whole cluster, a watch, 3 s of writes in another namespace). The clock runs from the host process's start; CPU and peak RSS (VmHWM at convergence) are the host process's own; the floor as above. Not the cold-start verdict (the provider is HTTP here, ~3 calls per Service, which the in-process runs make without a network): the host's RSS, which the runs above can only estimate.");
        md.L();
        md.L($"| run | converged in | floor: journal + Kubernetes | converged / floor | host process CPU | host process peak RSS |");
        md.L($"| --- | --- | --- | --- | --- | --- |");
        for (var i = 0; i < runs.Count; i++)
        {
            var (run, f) = (runs[i], runs[i].Floor);
            md.L($"| {i + 1} | {(run.Converged ? $"{run.Seconds:F1} s" : $"NOT converged after {run.Seconds:F0} s")} | {f.Seconds:F1} s: {f.JournalWrites:N0} at {f.JournalCeiling:N0}/s + {f.KubernetesWrites:N0} at {f.ApiWriteRate:N0}/s | {run.FloorRatio:F2} | {run.HostCpuSeconds:F1} s | {MiBTenths(run.HostPeakRss)} |");
        }

        var largest = runs.Max(r => r.HostPeakRss);
        md.L();
        md.L($"**Target** (issue 17, part 2) host RSS ≤ {MiB(HostRssTarget)}, measured: {Verdict(largest <= HostRssTarget)} (at most {MiBTenths(largest)}).");
        md.L();
    }

    private static string GcPaused(RunCost cost) => string.Create(Invariant, $"{cost.GcPauseSeconds:F1} s ({cost.Gen0}/{cost.Gen1}/{cost.Gen2})");
}
