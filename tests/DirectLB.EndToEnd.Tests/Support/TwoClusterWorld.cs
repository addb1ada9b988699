using DirectLB.KubeApiServer;
using DirectLB.KubeApiServer.Store;
using DirectLB.KubeApiServer.Typed;
using DirectLB.Providers.Model;
using DirectLB.Providers.Simulated;
using DirectLB.Providers.Simulated.Server;

namespace DirectLB.EndToEnd.Tests.Support;

/// <summary>
/// Two member clusters, "east" and "west", each its own Kubernetes API test server, a simulated cloud, and DirectLB
/// under test, started and stopped at will as an operator would. The cloud is either handed to DirectLB in process or,
/// as a real deployment talks to it, served over the HTTP contract (<c>--provider http</c>). A member cluster can be
/// stopped and started again on the same port with the objects it held, as an API server that goes away and returns.
/// </summary>
public sealed class TwoClusterWorld : IAsyncDisposable
{
    private readonly Dictionary<string, KubeApiServer.KubeApiServer> _clusters = [];
    private SimulatedCloudServer? _server;

    private TwoClusterWorld(SimulatedProvider cloud, string workDirPrefix)
    {
        Cloud = cloud;
        WorkDir = Directory.CreateTempSubdirectory(workDirPrefix).FullName;
    }

    public SimulatedProvider Cloud { get; }

    public string WorkDir { get; }

    /// <summary>The running DirectLB, or null between a stop and the next start.</summary>
    public DirectLbUnderTest? DirectLb { get; private set; }

    public KubeApiServer.KubeApiServer this[string cluster] => _clusters[cluster];

    public IEnumerable<string> ClusterIds => _clusters.Keys;

    /// <param name="overHttp">Serve the cloud over the HTTP contract and point DirectLB at it, rather than hand it over in process.</param>
    public static async Task<TwoClusterWorld> StartAsync(string workDirPrefix, bool overHttp, SimulatedProviderOptions? cloud = null)
    {
        var world = new TwoClusterWorld(new SimulatedProvider(cloud ?? new SimulatedProviderOptions()), workDirPrefix);
        if (overHttp)
        {
            world._server = await SimulatedCloudServer.StartAsync(new SimulatedCloudServerOptions { Provider = world.Cloud });
        }

        foreach (var id in new[] { "east", "west" })
        {
            world._clusters[id] = await StartApiAsync();
        }

        return world;
    }

    /// <summary>An API test server as the member clusters run (bookmarks every half second, the Services' namespace), not one of them.</summary>
    public static async Task<KubeApiServer.KubeApiServer> StartApiAsync(int port = 0, ObjectStore? store = null)
    {
        var api = await KubeApiServer.KubeApiServer.StartAsync(new KubeApiServerOptions { Port = port, Store = store, BookmarkInterval = TimeSpan.FromMilliseconds(500) });
        api.Store.EnsureNamespaces(KubeObjects.Namespace);
        return api;
    }

    public string Kubeconfig(string cluster) => _clusters[cluster].WriteKubeconfig(Path.Combine(WorkDir, $"{cluster}.kubeconfig"));

    /// <summary>Starts DirectLB watching both clusters, with <paramref name="extra"/> arguments after the world's own.</summary>
    public async Task<DirectLbUnderTest> StartDirectLbAsync(params string[] extra)
    {
        string[] provider = _server is null ? [] : ["--provider", "http", "--provider-url", _server.BaseAddress.ToString()];
        return await StartDirectLbWithAsync(["--cluster", $"east={Kubeconfig("east")}", "--cluster", $"west={Kubeconfig("west")}", .. provider, .. extra]);
    }

    /// <summary>Starts DirectLB with exactly these member-cluster and other arguments (the cloud as the world serves it).</summary>
    public async Task<DirectLbUnderTest> StartDirectLbWithAsync(IEnumerable<string> args) =>
        DirectLb = await DirectLbUnderTest.StartWithAsync(WorkDir, _server is null ? Cloud : null, args);

    public async Task StopDirectLbAsync()
    {
        if (DirectLb is not null)
        {
            await DirectLb.DisposeAsync();
            DirectLb = null;
        }
    }

    /// <summary>Stops a member cluster's API server; <see cref="StartClusterAgainAsync"/> brings it back as it was.</summary>
    public Task StopClusterAsync(string cluster) => _clusters[cluster].StopAsync();

    public async Task StartClusterAgainAsync(string cluster)
    {
        var stopped = _clusters[cluster];
        _clusters[cluster] = await StartApiAsync(stopped.Port, stopped.Store);
    }

    /// <summary>The load balancer the cloud holds for the Service <paramref name="service"/>, by its owner tag.</summary>
    public LoadBalancerInfo? LoadBalancerOf(string service) =>
        Cloud.LoadBalancers.SingleOrDefault(lb => lb.Tags.GetValueOrDefault(LoadBalancerOwner.ServiceTag) == $"{KubeObjects.Namespace}/{service}");

    /// <summary>The targets of the Service's load balancer, as <c>address:port</c>, in order; none when it has none.</summary>
    public string[] TargetsOf(string service) =>
        LoadBalancerOf(service)?.Listeners.SelectMany(l => l.Targets).Select(t => t.Key.ToString()).Order().ToArray() ?? [];

    public async ValueTask DisposeAsync()
    {
        await StopDirectLbAsync();
        foreach (var api in _clusters.Values)
        {
            await api.DisposeAsync();
        }

        if (_server is not null)
        {
            await _server.DisposeAsync();
        }
    }
}
