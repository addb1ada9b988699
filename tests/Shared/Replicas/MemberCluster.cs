using DirectLB.KubeApiServer.Store;

namespace DirectLB.Tests.Shared.Replicas;

/// <summary>
/// A member cluster the replicas watch: the Kubernetes API test server with its kubeconfig, which can go away (its
/// listener closed, every watch cut: unreachable) and come back on the same port with the same objects, as a real
/// control plane restarts. Its <see cref="Store"/> outlives the server, so the cluster's workload can go on changing
/// while DirectLB cannot see it.
/// </summary>
public sealed class MemberCluster : IAsyncDisposable
{
    private readonly KubeApiServer.KubeApiServerOptions _options;
    private readonly Lock _gate = new();

    private MemberCluster(string id, KubeApiServer.KubeApiServerOptions options, KubeApiServer.KubeApiServer server, string kubeconfig)
    {
        Id = id;
        _options = options with { Port = server.Port, Store = server.Store };
        Server = server;
        Kubeconfig = kubeconfig;
    }

    public string Id { get; }

    /// <summary>The API server serving now (a new one after each restart), or the last one while it is down.</summary>
    public KubeApiServer.KubeApiServer Server { get; private set; }

    public ObjectStore Store => Server.Store;

    /// <summary>The kubeconfig file the replicas are given; it stays valid across restarts.</summary>
    public string Kubeconfig { get; }

    public bool Reachable { get; private set; } = true;

    public static async Task<MemberCluster> StartAsync(string id, KubeApiServer.KubeApiServerOptions options, string workDirectory)
    {
        var server = await KubeApiServer.KubeApiServer.StartAsync(options);
        return new MemberCluster(id, options, server, server.WriteKubeconfig(Path.Combine(workDirectory, $"kubeconfig-{id}"), id));
    }

    /// <summary>The API server goes away: its listener closes and open watches are cut. Nothing if it is away already.</summary>
    public async Task StopAsync()
    {
        lock (_gate)
        {
            if (!Reachable)
            {
                return;
            }

            Reachable = false;
        }

        await Server.DisposeAsync();
    }

    /// <summary>The API server comes back on its port with every object it held; nothing if it is serving.</summary>
    public async Task StartAgainAsync()
    {
        if (Reachable)
        {
            return;
        }

        Server = await KubeApiServer.KubeApiServer.StartAsync(_options);
        Reachable = true;
    }

    public async ValueTask DisposeAsync() => await StopAsync();
}
