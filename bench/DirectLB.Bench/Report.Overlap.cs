using DirectLB.Tests.Shared.Overlap;

namespace DirectLB.Bench;

/// <summary>The failover section's overlap run: two incarnations of one Service at once, with and without the fence.</summary>
public static partial class Report
{
    private static void Overlap(Markdown md, BenchOptions options, BenchResults results)
    {
        if (results.Overlaps.Count == 0)
        {
            return;
        }

        // A part of the failover section, or a section of its own when the overlap ran alone (`overlap`).
        var heading = results.Failovers.Count > 0 ? "### Two incarnations of one Service at once" : "## 4. Failover: two incarnations of one Service at once";
        md.L($"{heading}");
        md.L();
        md.L($"The removal margin (`DirectLB:Cluster:RemovalMargin`, {FailoverSettings.For(options).ProductionRemovalMargin.TotalSeconds:F1} s) lets a downed replica that still runs keep a Service's entity alive after a survivor has taken the Service over. What then keeps two replicas from acting for it: each entity journals its intent at its next sequence number before every provider call, and the journal keeps (persistence id, sequence number) unique. The run (`tests/Shared/Overlap/IncarnationOverlap.cs`, which `tests/DirectLB.Failover.Tests/EntityOverlapTests.cs` asserts) makes the overlap happen for each of N Services: two actor systems on one PostgreSQL journal and one cloud; the old incarnation converges on one pod, the new one recovers the journal and converges on two, then the old one, still alive, hears of a third pod the new owner never saw (a downed replica's last watch event). Then once more with the uniqueness dropped from the journal table:");
        md.L();
        md.L($"| journal | Services | stale incarnations that acted | stopped | asked for their Service to be sent again | stale target changes in the cloud | load balancers (created) | journal rows (distinct) | new incarnations that say they are in sync | stale event → settled |");
        md.L($"| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |");
        foreach (var o in results.Overlaps)
        {
            md.L($"| {(o.Fenced ? "unique (persistence id, sequence number), as in production" : "uniqueness dropped")} | {o.Services} | {o.StaleActed} | {o.StaleStopped} | {o.StaleAskedForResend} | {o.StaleChangeCalls} | {o.LoadBalancers} ({o.LoadBalancerCreates}) | {o.JournalRows} ({o.DistinctJournalRows}) | {o.CurrentInSync} | {o.Settled.TotalMilliseconds:F0} ms |");
        }

        md.L();
        var fenced = results.Overlaps.Where(o => o.Fenced).ToList();
        var unfenced = results.Overlaps.Where(o => !o.Fenced).ToList();
        md.L($"**Target** (issue 17, part 1): never two replicas acting for one Service at the same time: no stale incarnation calls the provider once the new owner has journaled: **{Verdict(fenced.Count > 0 && fenced.All(o => o.StaleActed == 0 && o.StaleChangeCalls == 0))}** ({fenced.Sum(o => o.StaleActed)} of {fenced.Sum(o => o.Services)} acted). Without the fence {unfenced.Sum(o => o.StaleActed)} of {unfenced.Sum(o => o.Services)} stale incarnations wrote a sequence number the journal already held and moved their load balancer to their stale view, while {unfenced.Sum(o => o.CurrentInSync)} new owners still said they were in sync (an owner finds out at its next read-back). What the fence does not cover: a call the old incarnation had already started when the new one recovered (README, \"Two incarnations of one Service\").");
        md.L();
    }
}
