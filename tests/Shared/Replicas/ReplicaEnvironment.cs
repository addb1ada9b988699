using DirectLB.EndToEnd.Tests.Support;
using DirectLB.KubeApiServer;
using DirectLB.Providers.Simulated;
using DirectLB.Providers.Simulated.Server;

namespace DirectLB.Tests.Shared.Replicas;

/// <summary>
/// What several real replicas share, all on loopback: a private PostgreSQL journal, the Kubernetes API test server
/// and the simulated cloud served over HTTP (so every replica sees one cloud). Disposing it stops every replica it
/// started, then the rest, and deletes the work directory.
/// </summary>
public sealed class ReplicaEnvironment : IAsyncDisposable
{
    private readonly SimulatedCloudServer _cloud;
    private readonly IReadOnlyList<string> _replicaSettings;

    private ReplicaEnvironment(PostgresServer postgres, KubeApiServer.KubeApiServer api, SimulatedCloudServer cloud, IReadOnlyList<string> replicaSettings)
    {
        Postgres = postgres;
        Api = api;
        _cloud = cloud;
        _replicaSettings = replicaSettings;
    }

    public string Work { get; } = Directory.CreateTempSubdirectory("directlb-replicas-").FullName;

    public PostgresServer Postgres { get; }

    public KubeApiServer.KubeApiServer Api { get; }

    /// <summary>The simulated cloud behind the HTTP API the replicas call.</summary>
    public SimulatedProvider Cloud => _cloud.Provider;

    /// <summary>Every replica started so far, in start order (the first is the oldest member).</summary>
    public List<Replica> Replicas { get; } = [];

    /// <summary>
    /// Starts the shared services. <paramref name="replicaSettings"/> are arguments every replica gets after the
    /// connection ones (reconcile timings, cluster settings, log format).
    /// </summary>
    public static async Task<ReplicaEnvironment> StartAsync(
        KubeApiServerOptions apiOptions,
        SimulatedProviderOptions cloudOptions,
        IReadOnlyList<string> replicaSettings)
    {
        var postgres = await PostgresServer.StartAsync();
        var api = await KubeApiServer.KubeApiServer.StartAsync(apiOptions);
        var cloud = await SimulatedCloudServer.StartAsync(new SimulatedCloudServerOptions { Provider = new SimulatedProvider(cloudOptions) });
        return new ReplicaEnvironment(postgres, api, cloud, replicaSettings);
    }

    /// <summary>Starts a replica on <paramref name="akkaPort"/> with the shared settings, the given seed nodes and extra arguments.</summary>
    public Replica StartReplica(string name, int akkaPort, IEnumerable<int> seedPorts, params string[] extraArgs)
    {
        string[] args =
        [
            "--kubeconfig", Api.WriteKubeconfig(Path.Combine(Work, "kubeconfig")), "--cluster-id", "east",
            "--provider", "http", "--provider-url", _cloud.BaseAddress.ToString(),
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
        await Eventually.Until(first.IsReadyAsync, "replica-1 is ready", deadline);
        var replicas = new List<Replica> { first };
        replicas.AddRange(ports.Skip(1).Select((port, i) => StartReplica($"replica-{i + 2}", port, ports)));
        await Eventually.Until(
            async () => await first.UpMembersAsync() == count && (await Task.WhenAll(replicas.Select(r => r.IsReadyAsync()))).All(ready => ready),
            $"{count} replicas are Up and ready",
            deadline);
        return replicas;
    }

    public async ValueTask DisposeAsync()
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
}
