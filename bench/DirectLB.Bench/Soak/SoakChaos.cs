using System.Diagnostics;
using DirectLB.Providers;
using DirectLB.Providers.Model;
using DirectLB.Tests.Shared.Replicas;

namespace DirectLB.Bench.Soak;

/// <summary>
/// Runs the fault schedule against the soak's world, each fault at its moment; a fault that lasts (a replica or a
/// cluster away) runs on while the next ones start. Logs what ran, as it ran, for the report.
/// </summary>
public sealed class SoakChaos(ReplicaEnvironment environment, SoakReplicas replicas)
{
    private readonly List<string> _ran = [];
    private readonly List<Task> _lasting = [];
    private readonly Stopwatch _clock = new();

    /// <summary>What ran, one line per fault, "+63 s SIGKILL replica-2, back after 12 s".</summary>
    public IReadOnlyList<string> Ran
    {
        get
        {
            lock (_ran)
            {
                return [.. _ran];
            }
        }
    }

    public int Count(string prefix) => Ran.Count(line => line.Contains(prefix, StringComparison.Ordinal));

    public async Task RunAsync(IReadOnlyList<SoakFault> schedule)
    {
        _clock.Start();
        foreach (var fault in schedule)
        {
            var wait = fault.At - _clock.Elapsed;
            if (wait > TimeSpan.Zero)
            {
                await Task.Delay(wait);
            }

            _lasting.Add(RunOneAsync(fault));
        }

        await Task.WhenAll(_lasting);
    }

    private async Task RunOneAsync(SoakFault fault)
    {
        var members = environment.Members;
        switch (fault.Kind)
        {
            case FaultKind.KillReplica:
                if (!await replicas.KillAndRestartAsync(fault.Pick, fault.Duration, victim => Log($"SIGKILL {victim}, started again {fault.Duration.TotalSeconds:F0} s later")))
                {
                    Log("SIGKILL skipped: not all replicas Up within 2 minutes");
                }

                break;
            case FaultKind.CutWatches:
                var cut = members[fault.Pick % members.Count];
                try
                {
                    if (cut.Reachable)
                    {
                        cut.Server.DropWatches();
                        Log($"watches cut on {cut.Id}");
                    }
                    else
                    {
                        Log($"watch cut on {cut.Id} skipped: the cluster is unreachable at the time");
                    }
                }
                catch (ObjectDisposedException)
                {
                    Log($"watch cut on {cut.Id} skipped: its API server stopped meanwhile");
                }

                break;
            case FaultKind.RestartApiServer:
            case FaultKind.ClusterUnreachable:
                var member = members[fault.Pick % members.Count];
                if (!member.Reachable)
                {
                    Log($"{fault.Kind} of {member.Id} skipped: already away");
                    break;
                }

                Log(fault.Kind == FaultKind.ClusterUnreachable
                    ? $"member cluster {member.Id} unreachable (API server stopped) for {fault.Duration.TotalSeconds:F0} s"
                    : $"API server of {member.Id} restarted, away {fault.Duration.TotalSeconds:F0} s");
                await member.StopAsync();
                await Task.Delay(fault.Duration);
                await member.StartAgainAsync();
                break;
            case FaultKind.RestartPostgres:
                Log($"PostgreSQL stopped (fast shutdown), started again after {fault.Duration.TotalSeconds:F0} s");
                await environment.Postgres.StopAsync();
                await Task.Delay(fault.Duration);
                await environment.Postgres.StartAgainAsync();
                break;
            case FaultKind.RemoveTarget:
            case FaultKind.DeleteLoadBalancer:
                await OutOfBandAsync(fault);
                break;
        }
    }

    /// <summary>Someone at the cloud console: the call is retried through the cloud's own random faults.</summary>
    private async Task OutOfBandAsync(SoakFault fault)
    {
        var cloud = environment.Cloud;
        var lbs = cloud.LoadBalancers.Where(lb => lb.Listeners.Any(l => l.Targets.Count > 0)).OrderBy(lb => lb.Id, StringComparer.Ordinal).ToList();
        if (lbs.Count == 0 || LoadBalancerOwner.FromTags(lbs[fault.Pick % lbs.Count].Tags) is not { } owner)
        {
            Log($"{fault.Kind} skipped: no load balancer with targets");
            return;
        }

        var lb = lbs[fault.Pick % lbs.Count];
        var reference = new LoadBalancerRef(lb.Id, owner);
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                if (fault.Kind == FaultKind.DeleteLoadBalancer)
                {
                    await cloud.EnsureLoadBalancerDeletedAsync(reference, CancellationToken.None);
                    Log($"out of band: load balancer {lb.Name} deleted");
                }
                else
                {
                    var listener = lb.Listeners.First(l => l.Targets.Count > 0);
                    var target = listener.Targets[fault.Pick % listener.Targets.Count].Key;
                    await cloud.ChangeTargetsAsync(reference, listener.Spec.Key, [], [target], CancellationToken.None);
                    Log($"out of band: target {target} removed from {lb.Name}");
                }

                return;
            }
            catch (ProviderException ex) when (attempt < 20)
            {
                if (ex is LoadBalancerNotFoundException)
                {
                    Log($"{fault.Kind} skipped: {lb.Name} went away meanwhile");
                    return;
                }

                await Task.Delay(TimeSpan.FromMilliseconds(200));
            }
        }
    }

    private void Log(string what)
    {
        var line = $"+{_clock.Elapsed.TotalSeconds:F0} s {what}";
        lock (_ran)
        {
            _ran.Add(line);
        }

        Console.WriteLine($"soak: {line}");
    }
}
