using DirectLB.EndToEnd.Tests.Support;
using DirectLB.KubeApiServer;
using DirectLB.KubeApiServer.Services;
using DirectLB.KubeApiServer.Store;
using DirectLB.KubeApiServer.Typed;
using DirectLB.Tests.Shared.Replicas;
using k8s.Models;

namespace DirectLB.Traffic.Tests.Support;

/// <summary>
/// One test's world: a Kubernetes API test server, a short work directory (Unix socket paths are limited to 107
/// bytes) holding the kubeconfig, the journal and HAProxy's state, and the pods. DirectLB itself is started by
/// the test, in process or as a child process, with <see cref="DirectLbArguments"/>. At the end the HAProxy
/// DirectLB left running (it outlives DirectLB on purpose) is killed through its pid file.
/// </summary>
public sealed class TrafficWorld : IAsyncDisposable
{
    // Apart from the HAProxy provider tests' 127.0.100.0/24, since test assemblies run side by side.
    public const string VipPool = "127.0.102.0/24";

    private readonly List<PodSet> _podSets = [];

    private TrafficWorld(KubeApiServer.KubeApiServer api, string workDirectory)
    {
        Api = api;
        WorkDirectory = workDirectory;
        HAProxy = new HAProxyState(Path.Combine(workDirectory, "haproxy"));
        Kubeconfig = api.WriteKubeconfig(Path.Combine(workDirectory, "kubeconfig"));
    }

    public KubeApiServer.KubeApiServer Api { get; }

    public string WorkDirectory { get; }

    public HAProxyState HAProxy { get; }

    public string Kubeconfig { get; }

    public string JournalPath => Path.Combine(WorkDirectory, "journal.db");

    /// <param name="network">The cluster's Service network: single-stack IPv4 unless a test needs dual stack.</param>
    public static async Task<TrafficWorld> StartAsync(ServiceNetwork? network = null)
    {
        var workDirectory = Path.Combine(Path.GetTempPath(), "dlb-tr", Guid.NewGuid().ToString("N")[..10]);
        Directory.CreateDirectory(workDirectory);
        var api = await KubeApiServer.KubeApiServer.StartAsync(new KubeApiServerOptions
        {
            BookmarkInterval = TimeSpan.FromMilliseconds(500),
            // Pods on loopback: test traffic stays on this machine.
            Store = new ObjectStore(new ObjectStoreOptions { ServiceNetwork = network ?? ServiceNetwork.SingleStack, LoopbackEndpoints = true }),
        });
        return new TrafficWorld(api, workDirectory);
    }

    /// <summary>DirectLB's command line as a user would type it for HAProxy, with fast reconcile timings for tests.</summary>
    public string[] DirectLbArguments(string logLevel = "Warning", params string[] extra) =>
    [
        "--kubeconfig", Kubeconfig,
        "--cluster-id", "east",
        "--provider", "haproxy",
        "--haproxy-state", HAProxy.Directory,
        "--vip-pool", VipPool,
        "--journal", $"Data Source={JournalPath}",
        "--listen", "http://127.0.0.1:0",
        "--DirectLB:Reconcile:Debounce=00:00:00.020",
        "--DirectLB:Reconcile:MinBackoff=00:00:00.100",
        "--DirectLB:Reconcile:MaxBackoff=00:00:01",
        $"--Serilog:MinimumLevel:Default={logLevel}",
        .. extra,
    ];

    /// <summary>
    /// Creates a LoadBalancer Service of DirectLB's class on a free front port, and returns that port. <paramref name="spec"/>
    /// sets what else the test needs in its spec.
    /// </summary>
    public int CreateService(string name, IDictionary<string, string>? annotations = null, Action<V1ServiceSpec>? spec = null) =>
        CreateService(Api.Store, name, annotations, spec);

    /// <summary>As <see cref="CreateService(string, IDictionary{string, string}?, Action{V1ServiceSpec}?)"/>, in any API server's store.</summary>
    public static int CreateService(ObjectStore store, string name, IDictionary<string, string>? annotations = null, Action<V1ServiceSpec>? spec = null)
    {
        var port = FreePort.Next();
        store.EnsureNamespaces(KubeObjects.Namespace);
        var service = KubeObjects.LoadBalancerService(name, annotations);
        service.Spec.Ports[0].Port = port;
        spec?.Invoke(service.Spec);
        store.Create(service);
        return port;
    }

    /// <summary>Changes a Service with a merge patch, as <c>kubectl patch --type merge</c> does.</summary>
    public void Patch(string service, string patchJson) =>
        Api.Store.Patch<V1Service>(KubeObjects.Namespace, service, KubeApiServer.Patching.PatchType.Merge, patchJson);

    /// <summary>The load balancer's address, once DirectLB published it in the Service's status.</summary>
    public Task<string> AddressOfAsync(string service) => AddressOfAsync(Api.Store, service);

    public static async Task<string> AddressOfAsync(ObjectStore store, string service)
    {
        string? address = null;
        await Eventually.Until(
            () => (address = store.Get<V1Service>(KubeObjects.Namespace, service)?.Status?.LoadBalancer?.Ingress?.FirstOrDefault()?.Ip) is not null,
            $"{service} has an address in status.loadBalancer.ingress");
        return address!;
    }

    /// <summary>
    /// A Service's pods, on 127.0.<paramref name="addressBlock"/>.N. Each test takes its own block from 160 up,
    /// clear of the HAProxy provider tests' backends (127.0.50-149) when suites run side by side.
    /// </summary>
    public PodSet Pods(string service, int addressBlock, bool gated = false)
    {
        var pods = new PodSet(Api.Store, service, addressBlock, gated);
        _podSets.Add(pods);
        return pods;
    }

    public async ValueTask DisposeAsync()
    {
        await HAProxy.KillAsync();
        foreach (var pods in _podSets)
        {
            await pods.DisposeAsync();
        }

        await Api.DisposeAsync();
        try
        {
            Directory.Delete(WorkDirectory, recursive: true);
        }
        catch (IOException)
        {
            // SQLite or a dying process may still hold a file for a moment; the temp directory is cleaned by the OS.
        }
    }
}
