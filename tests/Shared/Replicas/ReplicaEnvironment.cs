using DirectLB.EndToEnd.Tests.Support;
using DirectLB.KubeApiServer;
using DirectLB.Providers.Simulated;
using DirectLB.Providers.Simulated.Server;

namespace DirectLB.Tests.Shared.Replicas;

/// <summary>
/// What several real replicas share, all on loopback: a private PostgreSQL journal, one Kubernetes API test server
/// per member cluster and the simulated cloud served over HTTP (so every replica sees one cloud). Disposing it stops
/// every replica it started, then the rest, and deletes the work directory.
/// </summary>
public sealed class ReplicaEnvironment : IAsyncDisposable
{
    private readonly SimulatedCloudServer? _cloud;
    private readonly string _providerUrl;
    private readonly IReadOnlyList<string> _replicaSettings;

    private ReplicaEnvironment(
        string work, PostgresServer postgres, IReadOnlyList<MemberCluster> members, SimulatedCloudServer? cloud, string providerUrl, IReadOnlyList<string> replicaSettings)
    {
        Work = work;
        Postgres = postgres;
        Members = members;
        _cloud = cloud;
        _providerUrl = providerUrl;
        _replicaSettings = replicaSettings;
    }

    public string Work { get; }

    public PostgresServer Postgres { get; }

    /// <summary>The member clusters every replica watches, in the order they were given.</summary>
    public IReadOnlyList<MemberCluster> Members { get; }

    /// <summary>The first member cluster's API server.</summary>
    public KubeApiServer.KubeApiServer Api => Members[0].Server;

    /// <summary>The simulated cloud behind the HTTP API the replicas call.</summary>
    public SimulatedProvider Cloud => _cloud?.Provider ?? throw new InvalidOperationException("these replicas call load balancer nodes, not the simulated cloud");

    /// <summary>Every replica started so far, in start order (the first is the oldest member).</summary>
    public List<Replica> Replicas { get; } = [];

    /// <summary>
    /// Starts the shared services. <paramref name="replicaSettings"/> are arguments every replica gets after the
    /// connection ones (reconcile timings, cluster settings, log format).
    /// </summary>
    public static Task<ReplicaEnvironment> StartAsync(
        KubeApiServerOptions apiOptions,
        SimulatedProviderOptions cloudOptions,
        IReadOnlyList<string> replicaSettings) =>
        StartAsync([("east", apiOptions)], cloudOptions, replicaSettings);

    /// <summary>As above, with one API test server per member cluster (id and options; each needs its own store).</summary>
    public static async Task<ReplicaEnvironment> StartAsync(
        IReadOnlyList<(string Id, KubeApiServerOptions Options)> members,
        SimulatedProviderOptions cloudOptions,
        IReadOnlyList<string> replicaSettings)
    {
        var work = Directory.CreateTempSubdirectory("directlb-replicas-").FullName;
        var postgres = await PostgresServer.StartAsync();
        var clusters = new List<MemberCluster>();
        foreach (var (id, options) in members)
        {
            clusters.Add(await MemberCluster.StartAsync(id, options, work));
        }

        var cloud = await SimulatedCloudServer.StartAsync(new SimulatedCloudServerOptions { Provider = new SimulatedProvider(cloudOptions) });
        return new ReplicaEnvironment(work, postgres, clusters, cloud, cloud.BaseAddress.ToString(), replicaSettings);
    }

    /// <summary>One member cluster, and the replicas call the load balancer API(s) at <paramref name="providerUrl"/> (comma-separated nodes).</summary>
    public static async Task<ReplicaEnvironment> StartAsync(KubeApiServerOptions apiOptions, string providerUrl, IReadOnlyList<string> replicaSettings)
    {
        var work = Directory.CreateTempSubdirectory("directlb-replicas-").FullName;
        var postgres = await PostgresServer.StartAsync();
        var member = await MemberCluster.StartAsync("east", apiOptions, work);
        return new ReplicaEnvironment(work, postgres, [member], cloud: null, providerUrl, replicaSettings);
    }

    /// <summary>Starts a replica on <paramref name="akkaPort"/> with the shared settings, the given seed nodes and extra arguments.</summary>
    public Replica StartReplica(string name, int akkaPort, IEnumerable<int> seedPorts, params string[] extraArgs)
    {
        string[] args =
        [
            .. Members.Count == 1
                ? new[] { "--kubeconfig", Members[0].Kubeconfig, "--cluster-id", Members[0].Id }
                : Members.SelectMany(m => new[] { "--cluster", $"{m.Id}={m.Kubeconfig}" }),
            "--provider", "http", "--provider-url", _providerUrl,
            "--journal-provider", "postgresql", "--journal", Postgres.ConnectionString,
            "--hostname", "127.0.0.1",
            .. seedPorts.SelectMany(p => new[] { "--seed", Replica.SeedAddress(p) }),
            .. _replicaSettings,
            .. extraArgs,
        ];
        var replica = Replica.Start(name, akkaPort, args, Work);
        Replicas.Add(replica);
        return replica;
    }

    /// <summary>
    /// Starts <paramref name="count"/> replicas that seed each other and waits until all are Up and ready. The first
    /// forms the cluster (and creates the journal tables) before the others join, so it is the oldest member.
    /// </summary>
    public async Task<IReadOnlyList<Replica>> StartClusterAsync(int count, TimeSpan deadline)
    {
        var ports = Enumerable.Range(0, count).Select(_ => FreePort.Next()).ToList();
        var first = StartReplica("replica-1", ports[0], ports);
        var replicas = new List<Replica> { first };
        try
        {
            await Eventually.Until(first.IsReadyAsync, "replica-1 is ready", deadline);
            replicas.AddRange(ports.Skip(1).Select((port, i) => StartReplica($"replica-{i + 2}", port, ports)));
            await Eventually.Until(
                async () => await first.UpMembersAsync() == count && (await Task.WhenAll(replicas.Select(r => r.IsReadyAsync()))).All(ready => ready),
                $"{count} replicas are Up and ready",
                deadline);
        }
        catch (TimeoutException timeout)
        {
            // The replicas' own words are what tells a slow start from a stuck one; their work directory goes with them.
            throw new TimeoutException($"{timeout.Message}\n{string.Join('\n', replicas.Select(r => r.Tail()))}", timeout);
        }

        return replicas;
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var replica in Replicas)
        {
            await replica.DisposeAsync();
        }

        if (_cloud is not null)
        {
            await _cloud.DisposeAsync();
        }

        foreach (var member in Members)
        {
            await member.DisposeAsync();
        }

        await Postgres.DisposeAsync();
        Directory.Delete(Work, recursive: true);
    }
}
