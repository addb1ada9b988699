using System.Diagnostics;
using DirectLB.EndToEnd.Tests.Support;
using DirectLB.Providers.Model;

namespace DirectLB.Bench;

/// <summary>One rollout of the gate benchmark: how long the gates took and how long the whole rollout did.</summary>
public sealed record GateRolloutRun(
    bool Gated,
    int Pods,
    double HealthDelaySeconds,
    IReadOnlyList<double> GateOpenSeconds,
    double RolloutSeconds,
    double ConvergedSeconds,
    bool Converged)
{
    public double P50 => GateOpenSeconds.Count == 0 ? 0 : Stats.Percentile(GateOpenSeconds, 50);

    public double P99 => GateOpenSeconds.Count == 0 ? 0 : Stats.Percentile(GateOpenSeconds, 99);
}

/// <summary>
/// A 300-pod Service rolled with maxSurge 25 % and maxUnavailable 0, against a simulated cloud whose targets turn healthy
/// 2 s after they are registered. With the gate, each new pod is created with ready containers and DirectLB's gate;
/// it becomes ready (and an old pod terminates) the moment its gate opens, as the ReplicaSet controller would do it.
/// Without it, each new pod is ready at once and the old ones terminate at once: Kubernetes is done long before the
/// load balancer has checked anything. The rollout is timed until Kubernetes is done, and until every new target is
/// healthy in the cloud.
/// </summary>
public static class GateRolloutBenchmark
{
    public const int Pods = 300;
    private const int Surge = Pods / 4;
    private static readonly TimeSpan HealthDelay = TimeSpan.FromSeconds(2);
    private static readonly TimeSpan Poll = TimeSpan.FromMilliseconds(20);

    public static async Task<GateRolloutRun> RunAsync(BenchOptions options, bool gated)
    {
        var pods = options.Smoke ? 40 : Pods;
        var surge = pods / 4;
        await using var cluster = await BenchCluster.CreateAsync(options, HealthDelay);
        var fleet = cluster.Fleet;
        fleet.Create(0, pods);
        await cluster.StartHostAsync();
        if (!await cluster.WaitConvergedAsync(1, pods, TimeSpan.FromSeconds(60), TimeSpan.FromMilliseconds(50)))
        {
            throw new InvalidOperationException($"the {pods}-pod Service did not converge");
        }

        var service = Fleet.ServiceName(0);
        var gateLatencies = new List<double>();
        var started = Stopwatch.GetTimestamp();
        var old = new Queue<string>(fleet.Pods(0).Select(p => p.Addresses[0]));
        while (old.Count > 0)
        {
            var wave = Enumerable.Range(0, Math.Min(surge, old.Count)).Select(_ => fleet.NewAddress()).ToList();
            if (!gated)
            {
                var leaving = Enumerable.Range(0, wave.Count).Select(_ => old.Dequeue()).ToHashSet();
                fleet.Change(0, list =>
                {
                    list.AddRange(wave.Select(Fleet.Ready));
                    list.RemoveAll(p => leaving.Contains(p.Addresses[0]));
                });
                continue;
            }

            var readySince = wave.ToDictionary(a => a, a => CreateGatedPod(cluster, service, a));
            fleet.Change(0, list => list.AddRange(wave.Select(Fleet.Gated)));
            var waiting = wave.ToHashSet();
            var deadline = Stopwatch.GetTimestamp() + (60 * Stopwatch.Frequency);
            while (waiting.Count > 0 && Stopwatch.GetTimestamp() < deadline)
            {
                await Task.Delay(Poll);
                var opened = waiting.Where(a => GateOpen(cluster, service, a)).ToList();
                if (opened.Count == 0)
                {
                    continue;
                }

                gateLatencies.AddRange(opened.Select(a => Stopwatch.GetElapsedTime(readySince[a]).TotalSeconds));
                var leaving = opened.Select(_ => old.Dequeue()).ToHashSet();
                fleet.Change(0, list =>
                {
                    foreach (var address in opened)
                    {
                        list[list.FindIndex(p => p.Addresses[0] == address)] = Fleet.Ready(address);
                    }

                    list.RemoveAll(p => leaving.Contains(p.Addresses[0]));
                });
                waiting.ExceptWith(opened);
            }

            if (waiting.Count > 0)
            {
                throw new InvalidOperationException($"{waiting.Count} gates did not open within 60 s");
            }
        }

        var rollout = Stopwatch.GetElapsedTime(started).TotalSeconds;
        var wanted = fleet.Pods(0).Select(p => new TargetKey(p.Addresses[0], 8080)).ToHashSet();
        var converged = await WaitHealthyAsync(cluster, wanted, TimeSpan.FromSeconds(60));
        var run = new GateRolloutRun(gated, pods, HealthDelay.TotalSeconds, gateLatencies, rollout, Stopwatch.GetElapsedTime(started).TotalSeconds, converged);
        Console.WriteLine(
            $"gate rollout ({(gated ? "with" : "without")} the gate, {pods} pods, health delay {HealthDelay.TotalSeconds:F0} s): " +
            (gated ? $"gate open p50 {run.P50:F2} s p99 {run.P99:F2} s; " : "") +
            $"Kubernetes done in {rollout:F1} s, every new target healthy in the cloud at {run.ConvergedSeconds:F1} s{(converged ? "" : " (NOT converged)")}");
        return run;
    }

    private static long CreateGatedPod(BenchCluster cluster, string service, string address)
    {
        KubeObjects.CreatePod(cluster.Api.Store, KubeObjects.GatedPod(Fleet.PodName(address), address, service, containersReady: true, cluster.Fleet.Namespace));
        return Stopwatch.GetTimestamp();
    }

    private static bool GateOpen(BenchCluster cluster, string service, string address) =>
        KubeObjects.GateOf(cluster.Api.Store, cluster.Fleet.Namespace, Fleet.PodName(address), service)?.Status == "True";

    private static async Task<bool> WaitHealthyAsync(BenchCluster cluster, HashSet<TargetKey> wanted, TimeSpan timeout)
    {
        var deadline = Stopwatch.GetTimestamp() + (long)(timeout.TotalSeconds * Stopwatch.Frequency);
        while (Stopwatch.GetTimestamp() < deadline)
        {
            var lb = cluster.Cloud.LoadBalancers.Single();
            var found = await cluster.Cloud.FindLoadBalancerAsync(lb.Ref.Owner, CancellationToken.None);
            var listener = found?.Listeners.SingleOrDefault();
            if (listener is not null && listener.Targets.Select(t => t.Key).ToHashSet().SetEquals(wanted)
                && wanted.All(t => listener.HealthOf(t) == TargetHealth.Healthy))
            {
                return true;
            }

            await Task.Delay(Poll);
        }

        return false;
    }
}
