using System.Diagnostics;
using DirectLB.EndToEnd.Tests.Support;
using DirectLB.Failover.Tests.Support;
using DirectLB.Tests.Shared.Replicas;
using Xunit;
using Xunit.Abstractions;

namespace DirectLB.Failover.Tests;

/// <summary>
/// Three real replicas share a PostgreSQL journal and one simulated cloud (over the HTTP provider) while 200
/// Services roll. One replica is SIGKILLed mid-churn, another SIGTERMed later; nothing may be lost or doubled.
/// </summary>
[Trait("Category", "Failover")]
public sealed class FailoverTests(ITestOutputHelper output) : ReplicaTest(output, ServiceCount)
{
    private const int ServiceCount = 200;

    [Fact]
    public async Task A_killed_replica_loses_nothing_and_a_terminated_one_hands_over_without_a_gap()
    {
        try
        {
            await StartReplicasAsync();
            Fleet.CreateAll();
            await AllServicesConvergedAsync(TimeSpan.FromSeconds(120), "all 200 Services have their load balancer");

            var (victim, removedAfter, killedAfter) = await KillMidChurnAsync();
            var survivors = Replicas.Where(r => r != victim).ToList();
            await AssertOwnedOnceAsync(survivors);

            var handover = await TerminateAsync(survivors[0]);

            await AllServicesConvergedAsync(TimeSpan.FromSeconds(60), "the final state is the desired state");
            AssertCloudHoldsExactlyTheDesiredState();
            var audit = await SettledJournalAsync();
            Assert.True(audit.Events > ServiceCount, $"the journal holds only {audit.Events} events");
            Assert.True(audit.Problems.Count == 0, string.Join("\n", audit.Problems));

            Output.WriteLine($"failover after SIGKILL: {victim.Name} removed from the cluster after {removedAfter.TotalSeconds:F1} s (stable-after {StableAfter.TotalSeconds:F0} s); all its Services reconciled again after {killedAfter.TotalSeconds:F1} s");
            Output.WriteLine($"hand-over after SIGTERM: longest reconcile {handover.TotalSeconds:F1} s");
            Output.WriteLine($"journal: {audit.Events} events, {audit.RedoneIntents} in-doubt intents redone by a read-back");
        }
        catch (Exception) when (DumpLogs())
        {
            throw;
        }
    }

    private async Task StartReplicasAsync()
    {
        await StartClusterAsync(3);

        // One watcher for the one member cluster, on the oldest replica; every replica reports it.
        foreach (var replica in Replicas)
        {
            Assert.Equal([new WatchedCluster("east", Synced: true)], await replica.ClustersAsync());
        }
    }

    /// <summary>
    /// Kills the oldest replica (it hosts the watchers' singleton and the shard coordinator too) while Services
    /// roll, then rolls each of its Services once more: they can only converge on a new owner.
    /// </summary>
    private async Task<(Replica Victim, TimeSpan Removed, TimeSpan Failover)> KillMidChurnAsync()
    {
        var victim = Replicas[0];
        using var churn = new CancellationTokenSource();
        var churning = ChurnAsync(churn.Token);
        await Eventually.Until(() => Provider.TotalCalls > 0 && Churned >= 100, "the churn is under way", TimeSpan.FromSeconds(30));
        var owned = (await victim.OwnedServicesAsync()).Select(s => s.Key).ToList();
        Assert.NotEmpty(owned);

        var clock = new ConvergenceClock(Fleet, Provider);
        var killed = Stopwatch.StartNew();
        victim.Kill();
        var rolledAtKill = Churned;
        await Eventually.Until(() => Churned >= rolledAtKill + 50, "the churn goes on past the kill");
        await churn.CancelAsync();
        await churning;
        foreach (var key in owned)
        {
            clock.Roll(key.Split('/')[1]);
        }

        var survivor = Replicas[1];
        await Eventually.Until(async () => (await survivor.MembersAsync()).Count == 2, $"{victim.Name} is removed from the cluster", TimeSpan.FromSeconds(60));
        var removed = killed.Elapsed;

        // A SIGKILLed process leaves a port that refuses connections: a survivor downs it on that proof, without
        // waiting for the failure detector and stable-after (DeadReplicaProbe), and the split brain resolver never has to.
        var victimAddress = Replica.SeedAddress(victim.AkkaPort);
        var survivorLines = Replicas.Where(r => r != victim).SelectMany(r => r.ReadLog().Split('\n')).Where(l => l.Contains(victimAddress, StringComparison.Ordinal)).ToList();
        Assert.Contains(survivorLines, l => l.Contains("connections to its cluster port", StringComparison.Ordinal) && l.Contains("downing it now", StringComparison.Ordinal));
        Assert.DoesNotContain(survivorLines, l => l.Contains("SBR took decision", StringComparison.Ordinal) && l.Contains("downing [" + victimAddress, StringComparison.Ordinal));
        await clock.AllConvergedAsync(TimeSpan.FromSeconds(90));
        return (victim, removed, killed.Elapsed);
    }

    /// <summary>
    /// SIGTERMs a replica and, from that moment, rolls its Services one by one: each must converge within seconds
    /// while its shard moves (coordinated shutdown hands shards over before the process exits).
    /// </summary>
    private async Task<TimeSpan> TerminateAsync(Replica leaving)
    {
        var owned = (await leaving.OwnedServicesAsync()).Select(s => s.Key.Split('/')[1]).ToList();
        Assert.NotEmpty(owned);
        var clock = new ConvergenceClock(Fleet, Provider);
        leaving.Terminate();
        var exited = leaving.WaitForExitAsync(CancellationToken.None);
        foreach (var name in owned.Take(60))
        {
            clock.Roll(name);
            await Task.WhenAny(exited, Task.Delay(100)); // pacing the rollouts across the hand-over, not waiting for a condition
        }

        await exited.WaitAsync(TimeSpan.FromSeconds(60));
        Assert.Equal(0, leaving.ExitCode);
        await clock.AllConvergedAsync(TimeSpan.FromSeconds(60));

        // A bound, not the hand-over's measure: a Service found again through failure detection would take detection,
        // StableAfter and the removal margin (9 s at the least here) plus its recovery, and could pass it on a quiet
        // machine. The failover bench's SIGTERM phase measures the hand-over itself (docs/benchmarks.md, "Failover").
        var longest = clock.Took.Values.Max();
        Assert.True(longest < TimeSpan.FromSeconds(15), $"a Service waited {longest.TotalSeconds:F1} s to reconcile during the hand-over");
        return longest;
    }

    private int _churned;

    private int Churned => Volatile.Read(ref _churned);

    /// <summary>Endpoint churn: a random Service rolls every 20 ms.</summary>
    private Task ChurnAsync(CancellationToken stop) => Task.Run(async () =>
    {
        var random = new Random(5);
        while (!stop.IsCancellationRequested)
        {
            Fleet.Roll(random.Next(ServiceCount));
            Interlocked.Increment(ref _churned);
            await Task.Delay(20, CancellationToken.None);
        }
    });

    /// <summary>Every Service of the dead replica is owned by exactly one survivor, in sync.</summary>
    private async Task AssertOwnedOnceAsync(IReadOnlyList<Replica> survivors)
    {
        await Eventually.Assert(() =>
        {
            var owned = survivors.SelectMany(r => r.OwnedServicesAsync().GetAwaiter().GetResult()).ToList();
            Assert.Equal(Fleet.Names.Select(ServiceFleet.KeyOf).Order(), owned.Select(s => s.Key).Order());
            Assert.All(owned, s => Assert.True(s.InSync, $"{s.Key} is not in sync: {s.LastError}"));
        }, TimeSpan.FromSeconds(60));
    }

    private void AssertCloudHoldsExactlyTheDesiredState()
    {
        Assert.True(Cloud.Duplicates(Provider).Count == 0, "duplicate load balancers: " + string.Join(", ", Cloud.Duplicates(Provider)));
        var byName = Cloud.ByName(Provider);
        Assert.Equal(Fleet.Names.Select(Cloud.LoadBalancerName).Order(), byName.Keys.Order());
        Assert.All(Fleet.Names, name => Assert.Equal(Fleet.ExpectedTargets(name).Order(), ServiceFleet.ActualTargets(byName[Cloud.LoadBalancerName(name)]).Order()));
    }
}
