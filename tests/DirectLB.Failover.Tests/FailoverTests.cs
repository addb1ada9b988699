using System.Diagnostics;
using System.Net.Http.Json;
using DirectLB.EndToEnd.Tests.Support;
using DirectLB.Failover.Tests.Support;
using DirectLB.KubeApiServer;
using DirectLB.Providers.Simulated;
using DirectLB.Providers.Simulated.Server;
using Xunit;
using Xunit.Abstractions;

namespace DirectLB.Failover.Tests;

/// <summary>
/// Three real replicas share a PostgreSQL journal and one simulated cloud (over the HTTP provider) while 200
/// Services roll. One replica is SIGKILLed mid-churn, another SIGTERMed later; nothing may be lost or doubled.
/// </summary>
[Trait("Category", "Failover")]
public sealed class FailoverTests(ITestOutputHelper output) : IAsyncLifetime
{
    private const int ServiceCount = 200;
    private static readonly TimeSpan StableAfter = TimeSpan.FromSeconds(5);

    private readonly string _work = Directory.CreateTempSubdirectory("directlb-failover-").FullName;
    private readonly List<Replica> _replicas = [];
    private PostgresServer _postgres = null!;
    private KubeApiServer.KubeApiServer _api = null!;
    private SimulatedCloudServer _cloud = null!;
    private ServiceFleet _fleet = null!;

    private SimulatedProvider Provider => _cloud.Provider;

    public async Task InitializeAsync()
    {
        _postgres = await PostgresServer.StartAsync();
        _api = await KubeApiServer.KubeApiServer.StartAsync(new KubeApiServerOptions { BookmarkInterval = TimeSpan.FromMilliseconds(500) });
        // A little latency per call, so that kills land while provider calls are in flight.
        _cloud = await SimulatedCloudServer.StartAsync(new SimulatedCloudServerOptions
        {
            Provider = new SimulatedProvider(new SimulatedProviderOptions { Latency = TimeSpan.FromMilliseconds(10) }),
        });
        _fleet = new ServiceFleet(_api.Store, ServiceCount);
    }

    public async Task DisposeAsync()
    {
        foreach (var replica in _replicas)
        {
            await replica.DisposeAsync();
        }

        await _cloud.DisposeAsync();
        await _api.DisposeAsync();
        await _postgres.DisposeAsync();
        Directory.Delete(_work, recursive: true);
    }

    [Fact]
    public async Task A_killed_replica_loses_nothing_and_a_terminated_one_hands_over_without_a_gap()
    {
        try
        {
            await StartReplicasAsync();
            _fleet.CreateAll();
            await new ConvergenceClockFor(this).AllServicesAsync(TimeSpan.FromSeconds(120), "all 200 Services have their load balancer");

            var (victim, killedAfter) = await KillMidChurnAsync();
            var survivors = _replicas.Where(r => r != victim).ToList();
            await AssertOwnedOnceAsync(survivors);

            var handover = await TerminateAsync(survivors[0]);

            await new ConvergenceClockFor(this).AllServicesAsync(TimeSpan.FromSeconds(60), "the final state is the desired state");
            AssertCloudHoldsExactlyTheDesiredState();
            var audit = await JournalAudit.RunAsync(_postgres.ConnectionString);
            Assert.True(audit.Events > ServiceCount, $"the journal holds only {audit.Events} events");
            Assert.Empty(audit.Problems);

            output.WriteLine($"failover after SIGKILL: {killedAfter.TotalSeconds:F1} s until all of {victim.Name}'s Services reconciled again (stable-after {StableAfter.TotalSeconds:F0} s)");
            output.WriteLine($"hand-over after SIGTERM: longest reconcile {handover.TotalSeconds:F1} s");
            output.WriteLine($"journal: {audit.Events} events, {audit.RedoneIntents} in-doubt intents redone by a read-back");
        }
        catch (Exception) when (Dump())
        {
            throw;
        }
    }

    private async Task StartReplicasAsync()
    {
        var ports = Enumerable.Range(0, 3).Select(_ => FreePort.Next()).ToList();
        var kubeconfig = _api.WriteKubeconfig(Path.Combine(_work, "kubeconfig"));
        string[] args =
        [
            "--kubeconfig", kubeconfig, "--cluster-id", "east",
            "--provider", "http", "--provider-url", _cloud.BaseAddress.ToString(),
            "--journal-provider", "postgresql", "--journal", _postgres.ConnectionString,
            "--hostname", "127.0.0.1",
            .. ports.SelectMany(p => new[] { "--seed", Replica.SeedAddress(p) }),
            $"--DirectLB:Cluster:StableAfter={StableAfter}",
            "--DirectLB:Reconcile:Debounce=00:00:00.050",
            "--DirectLB:Reconcile:MinBackoff=00:00:00.200",
            "--DirectLB:Reconcile:MaxBackoff=00:00:02",
        ];

        // The first replica creates the journal tables; the others join the cluster it formed.
        _replicas.Add(Replica.Start("replica-1", ports[0], args, _work));
        await Eventually.Until(_replicas[0].IsReadyAsync, "replica-1 is ready", TimeSpan.FromSeconds(60));
        _replicas.Add(Replica.Start("replica-2", ports[1], args, _work));
        _replicas.Add(Replica.Start("replica-3", ports[2], args, _work));
        await Eventually.Until(async () => await UpMembersAsync(_replicas[0]) == 3 && (await Task.WhenAll(_replicas.Select(r => r.IsReadyAsync()))).All(r => r),
            "three replicas are Up and ready", TimeSpan.FromSeconds(60));
    }

    /// <summary>
    /// Kills the oldest replica (it hosts the watchers' singleton and the shard coordinator too) while Services
    /// roll, then rolls each of its Services once more: they can only converge on a new owner.
    /// </summary>
    private async Task<(Replica Victim, TimeSpan Failover)> KillMidChurnAsync()
    {
        var victim = _replicas[0];
        using var churn = new CancellationTokenSource();
        var churning = ChurnAsync(churn.Token);
        await Eventually.Until(() => Provider.TotalCalls > 0 && Churned >= 100, "the churn is under way", TimeSpan.FromSeconds(30));
        var owned = (await victim.OwnedServicesAsync()).Select(s => s.Key).ToList();
        Assert.NotEmpty(owned);

        var clock = new ConvergenceClock(_fleet, Provider);
        var killed = Stopwatch.StartNew();
        victim.Kill();
        await churning.WaitAsync(TimeSpan.FromSeconds(2)).ContinueWith(_ => { }); // let the churn run on past the kill
        await churn.CancelAsync();
        await churning;
        foreach (var key in owned)
        {
            clock.Roll(key.Split('/')[1]);
        }

        await clock.AllConvergedAsync(TimeSpan.FromSeconds(90));
        return (victim, killed.Elapsed);
    }

    /// <summary>
    /// SIGTERMs a replica and, from that moment, rolls its Services one by one: each must converge within seconds
    /// while its shard moves (coordinated shutdown hands shards over before the process exits).
    /// </summary>
    private async Task<TimeSpan> TerminateAsync(Replica leaving)
    {
        var owned = (await leaving.OwnedServicesAsync()).Select(s => s.Key.Split('/')[1]).ToList();
        Assert.NotEmpty(owned);
        var clock = new ConvergenceClock(_fleet, Provider);
        leaving.Terminate();
        var exited = leaving.WaitForExitAsync(CancellationToken.None);
        foreach (var name in owned.Take(60))
        {
            clock.Roll(name);
            await Task.WhenAny(exited, Task.Delay(100)); // pacing the rollouts across the hand-over, not waiting for a condition
        }

        await exited.WaitAsync(TimeSpan.FromSeconds(60));
        await clock.AllConvergedAsync(TimeSpan.FromSeconds(60));
        var longest = clock.Took.Values.Max();
        Assert.True(longest < TimeSpan.FromSeconds(10), $"a Service waited {longest.TotalSeconds:F1} s to reconcile during the hand-over");
        return longest;
    }

    private int Churned { get; set; }

    /// <summary>Endpoint churn: a random Service rolls every 20 ms.</summary>
    private Task ChurnAsync(CancellationToken stop) => Task.Run(async () =>
    {
        var random = new Random(5);
        while (!stop.IsCancellationRequested)
        {
            _fleet.Roll(random.Next(ServiceCount));
            Churned++;
            await Task.Delay(20, CancellationToken.None);
        }
    });

    /// <summary>Every Service of the dead replica is owned by exactly one survivor, in sync.</summary>
    private async Task AssertOwnedOnceAsync(IReadOnlyList<Replica> survivors)
    {
        await Eventually.Assert(() =>
        {
            var owned = survivors.SelectMany(r => r.OwnedServicesAsync().GetAwaiter().GetResult()).ToList();
            Assert.Equal(_fleet.Names.Select(ServiceFleet.KeyOf).Order(), owned.Select(s => s.Key).Order());
            Assert.All(owned, s => Assert.True(s.InSync, $"{s.Key} is not in sync: {s.LastError}"));
        }, TimeSpan.FromSeconds(60));
    }

    private void AssertCloudHoldsExactlyTheDesiredState()
    {
        Assert.Empty(Cloud.Duplicates(Provider));
        var byName = Cloud.ByName(Provider);
        Assert.Equal(_fleet.Names.Select(Cloud.LoadBalancerName).Order(), byName.Keys.Order());
        Assert.All(_fleet.Names, name => Assert.Equal(_fleet.ExpectedTargets(name).Order(), ServiceFleet.ActualTargets(byName[Cloud.LoadBalancerName(name)]).Order()));
    }

    private static async Task<int> UpMembersAsync(Replica replica)
    {
        try
        {
            using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
            var members = await http.GetFromJsonAsync<List<Member>>($"http://127.0.0.1:{replica.HttpPort}/api/replicas");
            return members?.Count(m => m.Status == "Up") ?? 0;
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
        {
            return 0;
        }
    }

    private bool Dump()
    {
        foreach (var replica in _replicas)
        {
            output.WriteLine(replica.Tail());
        }

        return false;
    }

    private sealed record Member(string Address, string Status);

    /// <summary>Waits until every Service of the fleet matches its desired state in the cloud.</summary>
    private sealed class ConvergenceClockFor(FailoverTests test)
    {
        public Task AllServicesAsync(TimeSpan deadline, string what) =>
            Eventually.Until(
                () =>
                {
                    var byName = Cloud.ByName(test.Provider);
                    return test._fleet.Names.All(name => Cloud.Matches(test._fleet, byName, name));
                },
                what,
                deadline);
    }
}
