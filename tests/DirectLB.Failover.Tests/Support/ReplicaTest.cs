using DirectLB.EndToEnd.Tests.Support;
using DirectLB.KubeApiServer;
using DirectLB.Providers.Simulated;
using DirectLB.Tests.Shared.Replicas;
using Xunit;
using Xunit.Abstractions;

namespace DirectLB.Failover.Tests.Support;

/// <summary>
/// Per test: a <see cref="ReplicaEnvironment"/> (private PostgreSQL, Kubernetes API test server, simulated cloud over
/// HTTP) and the replicas the test starts, which are all gone afterwards.
/// </summary>
public abstract class ReplicaTest(ITestOutputHelper output, int serviceCount) : IAsyncLifetime
{
    protected static readonly TimeSpan StableAfter = TimeSpan.FromSeconds(5);

    private ReplicaEnvironment _environment = null!;

    protected List<Replica> Replicas => _environment.Replicas;

    protected PostgresServer Postgres => _environment.Postgres;

    protected ServiceFleet Fleet { get; private set; } = null!;

    protected ITestOutputHelper Output => output;

    protected SimulatedProvider Provider => _environment.Cloud;

    public async Task InitializeAsync()
    {
        _environment = await ReplicaEnvironment.StartAsync(
            new KubeApiServerOptions { BookmarkInterval = TimeSpan.FromMilliseconds(500) },
            // A little latency per call, so that kills land while provider calls are in flight.
            new SimulatedProviderOptions { Latency = TimeSpan.FromMilliseconds(10) },
            [
                $"--DirectLB:Cluster:StableAfter={StableAfter}",
                "--DirectLB:Reconcile:Debounce=00:00:00.050",
                "--DirectLB:Reconcile:MinBackoff=00:00:00.200",
                "--DirectLB:Reconcile:MaxBackoff=00:00:02",
            ]);
        Fleet = new ServiceFleet(_environment.Api.Store, serviceCount);
    }

    public async Task DisposeAsync() => await _environment.DisposeAsync();

    /// <summary>Starts a replica on <paramref name="akkaPort"/> with the shared settings, the given seed nodes and extra arguments.</summary>
    protected Replica StartReplica(string name, int akkaPort, IEnumerable<int> seedPorts, params string[] extraArgs) =>
        _environment.StartReplica(name, akkaPort, seedPorts, extraArgs);

    /// <summary>Starts <paramref name="count"/> replicas, the first forming the cluster, and waits until all are Up and ready.</summary>
    protected Task<IReadOnlyList<Replica>> StartClusterAsync(int count) => _environment.StartClusterAsync(count, TimeSpan.FromSeconds(60));

    /// <summary>Waits until every Service of the fleet has exactly its ready endpoints in the cloud.</summary>
    protected Task AllServicesConvergedAsync(TimeSpan deadline, string what) =>
        Eventually.Until(
            () =>
            {
                var byName = Cloud.ByName(Provider);
                return Fleet.Names.All(name => Cloud.Matches(Fleet, byName, name));
            },
            what,
            deadline);

    /// <summary>
    /// The journal once every in-doubt intent has been dealt with. An entity stopped with a call in flight (killed,
    /// handed over, or stopped because the outcome could not be journaled) leaves an intent without outcome until
    /// it is woken again (by the watchers' resend after a replica's removal, or after its own backoff): until then
    /// the cloud can already be right while the journal is not.
    /// </summary>
    protected async Task<JournalAuditResult> SettledJournalAsync()
    {
        JournalAuditResult audit = null!;
        try
        {
            await Eventually.Until(
                async () => (audit = await JournalAudit.RunAsync(Postgres.ConnectionString)).Problems.Count == 0,
                "every intent in the journal is completed or redone",
                TimeSpan.FromSeconds(30));
        }
        catch (TimeoutException)
        {
            // The caller's assertion names the intents left open.
        }

        return audit;
    }

    /// <summary>Used as an exception filter: prints every replica's log tail when a test fails, and lets the failure through.</summary>
    protected bool DumpLogs()
    {
        foreach (var replica in Replicas)
        {
            output.WriteLine(replica.Tail());
        }

        return false;
    }
}
