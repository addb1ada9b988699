using DirectLB.EndToEnd.Tests.Support;
using DirectLB.KubeApiServer;
using DirectLB.Providers.Simulated;
using DirectLB.Providers.Simulated.Server;
using Xunit;
using Xunit.Abstractions;

namespace DirectLB.Failover.Tests.Support;

/// <summary>
/// Per test: a private PostgreSQL, the Kubernetes API test server and the simulated cloud (served over HTTP, so
/// every replica shares it), and the replicas the test starts, which are all gone afterwards.
/// </summary>
public abstract class ReplicaTest(ITestOutputHelper output, int serviceCount) : IAsyncLifetime
{
    protected static readonly TimeSpan StableAfter = TimeSpan.FromSeconds(5);

    protected string Work { get; } = Directory.CreateTempSubdirectory("directlb-failover-").FullName;

    protected List<Replica> Replicas { get; } = [];

    protected PostgresServer Postgres { get; private set; } = null!;

    protected KubeApiServer.KubeApiServer Api { get; private set; } = null!;

    protected ServiceFleet Fleet { get; private set; } = null!;

    protected ITestOutputHelper Output => output;

    protected SimulatedProvider Provider => _cloud.Provider;

    private SimulatedCloudServer _cloud = null!;

    public async Task InitializeAsync()
    {
        Postgres = await PostgresServer.StartAsync();
        Api = await KubeApiServer.KubeApiServer.StartAsync(new KubeApiServerOptions { BookmarkInterval = TimeSpan.FromMilliseconds(500) });
        // A little latency per call, so that kills land while provider calls are in flight.
        _cloud = await SimulatedCloudServer.StartAsync(new SimulatedCloudServerOptions
        {
            Provider = new SimulatedProvider(new SimulatedProviderOptions { Latency = TimeSpan.FromMilliseconds(10) }),
        });
        Fleet = new ServiceFleet(Api.Store, serviceCount);
    }

    public async Task DisposeAsync()
    {
        foreach (var replica in Replicas)
        {
            await replica.DisposeAsync();
        }

        await _cloud.DisposeAsync();
        await Api.DisposeAsync();
        await Postgres.DisposeAsync();
        Directory.Delete(Work, recursive: true);
    }

    /// <summary>Starts a replica on <paramref name="akkaPort"/> with the shared settings, the given seed nodes and extra arguments.</summary>
    protected Replica StartReplica(string name, int akkaPort, IEnumerable<int> seedPorts, params string[] extraArgs)
    {
        string[] args =
        [
            "--kubeconfig", Api.WriteKubeconfig(Path.Combine(Work, "kubeconfig")), "--cluster-id", "east",
            "--provider", "http", "--provider-url", _cloud.BaseAddress.ToString(),
            "--journal-provider", "postgresql", "--journal", Postgres.ConnectionString,
            "--hostname", "127.0.0.1",
            .. seedPorts.SelectMany(p => new[] { "--seed", Replica.SeedAddress(p) }),
            $"--DirectLB:Cluster:StableAfter={StableAfter}",
            "--DirectLB:Reconcile:Debounce=00:00:00.050",
            "--DirectLB:Reconcile:MinBackoff=00:00:00.200",
            "--DirectLB:Reconcile:MaxBackoff=00:00:02",
            .. extraArgs,
        ];
        var replica = Replica.Start(name, akkaPort, args, Work);
        Replicas.Add(replica);
        return replica;
    }

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
