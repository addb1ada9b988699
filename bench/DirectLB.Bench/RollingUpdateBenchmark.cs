using System.Diagnostics;
using DirectLB.Providers.Model;
using DirectLB.Providers.Simulated;

namespace DirectLB.Bench;

/// <summary>Provider calls of one rolling update, by kind, next to one call per endpoint change.</summary>
public sealed record RollingUpdateRun(
    int Pods,
    int EndpointChanges,
    double Seconds,
    bool Converged,
    IReadOnlyDictionary<ProviderCallKind, long> Calls,
    long DebounceWindows)
{
    public long TotalCalls => Calls.Values.Sum();
}

/// <summary>
/// A rolling update of a 100-pod Service with maxSurge 25 %, as the EndpointSlice controller reports it: 25 new pods
/// become ready one by one, 25 old ones turn terminating one by one, then those leave one by one; four rounds.
/// Each step is one slice write, 10 ms apart (a fast rollout: 100 pod transitions a second).
/// </summary>
public static class RollingUpdateBenchmark
{
    private const int Pods = 100;
    private const int Surge = 25;
    private static readonly TimeSpan Step = TimeSpan.FromMilliseconds(10);

    public static async Task<RollingUpdateRun> RunAsync(BenchOptions options)
    {
        await using var cluster = await BenchCluster.CreateAsync(options);
        var fleet = cluster.Fleet;
        fleet.Create(0, Pods);
        await cluster.StartHostAsync();
        if (!await cluster.WaitConvergedAsync(1, Pods, TimeSpan.FromSeconds(60), TimeSpan.FromMilliseconds(50)))
        {
            throw new InvalidOperationException("the 100-pod Service did not converge");
        }

        // Let the first round's status and event writes settle, so only the rollout's calls are counted.
        await Task.Delay(options.Debounce * 5);
        var before = Snapshot(cluster.Cloud);
        var changes = 0;
        var started = Stopwatch.GetTimestamp();
        for (var round = 0; round < Pods / Surge; round++)
        {
            var old = fleet.Pods(0).Take(Surge).Select(p => p.Addresses[0]).ToList();
            for (var i = 0; i < Surge; i++)
            {
                var address = fleet.NewAddress();
                changes += await ChangeAsync(fleet, pods => pods.Add(Fleet.Ready(address)));
            }

            foreach (var address in old)
            {
                changes += await ChangeAsync(fleet, pods => pods[pods.FindIndex(p => p.Addresses[0] == address)] = Fleet.Terminating(address));
            }

            foreach (var address in old)
            {
                changes += await ChangeAsync(fleet, pods => pods.RemoveAt(pods.FindIndex(p => p.Addresses[0] == address)));
            }
        }

        var wanted = fleet.Pods(0).Select(p => p.Addresses[0]).Order(StringComparer.Ordinal).ToList();
        var converged = await WaitTargetsAsync(cluster.Cloud, wanted, TimeSpan.FromSeconds(30));
        var seconds = Stopwatch.GetElapsedTime(started).TotalSeconds;
        var after = Snapshot(cluster.Cloud);
        var calls = after.ToDictionary(c => c.Key, c => c.Value - before[c.Key]);
        var windows = (long)Math.Ceiling(seconds / options.Debounce.TotalSeconds);
        var run = new RollingUpdateRun(Pods, changes, seconds, converged, calls, windows);
        Console.WriteLine(
            $"rolling update: {changes} endpoint changes in {seconds:F2} s -> {run.TotalCalls} provider calls " +
            $"({string.Join(", ", calls.Where(c => c.Value > 0).Select(c => $"{c.Key} {c.Value}"))}); naive {changes}; " +
            $"{windows} debounce windows; {(converged ? "converged" : "NOT converged")}");
        return run;
    }

    private static async Task<int> ChangeAsync(Fleet fleet, Action<List<k8s.Models.V1Endpoint>> change)
    {
        fleet.Change(0, change);
        await Task.Delay(Step);
        return 1;
    }

    private static Dictionary<ProviderCallKind, long> Snapshot(SimulatedProvider cloud) =>
        Enum.GetValues<ProviderCallKind>().ToDictionary(k => k, cloud.CallCount);

    private static async Task<bool> WaitTargetsAsync(SimulatedProvider cloud, List<string> wanted, TimeSpan timeout)
    {
        var deadline = Stopwatch.GetTimestamp() + (long)(timeout.TotalSeconds * Stopwatch.Frequency);
        while (Stopwatch.GetTimestamp() < deadline)
        {
            // Every wanted pod serving and nothing else, not even a draining target.
            var targets = cloud.LoadBalancers.Single().Listeners.SelectMany(l => l.Targets)
                .Select(t => t.State == TargetState.Serving ? t.Key.Address : $"{t.Key.Address} draining")
                .Order(StringComparer.Ordinal);
            if (targets.SequenceEqual(wanted))
            {
                return true;
            }

            await Task.Delay(20);
        }

        return false;
    }
}
