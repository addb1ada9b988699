using Akka.Actor;
using DirectLB.Actors.Domain;
using DirectLB.Actors.Kubernetes;
using DirectLB.KubeApiServer.Typed;
using k8s;
using k8s.Models;
using Microsoft.Extensions.Logging.Abstractions;
using static DirectLB.Tests.Support.Fixtures;

namespace DirectLB.Tests.Kubernetes;

/// <summary>A real API test server with a client and writer for member cluster <see cref="Fixtures.Cluster"/>, for watcher specs.</summary>
public sealed class WatcherApi : IAsyncDisposable
{
    private readonly string _directory;

    private WatcherApi(KubeApiServer.KubeApiServer api, k8s.Kubernetes client, string directory)
    {
        (Server, Client, _directory) = (api, client, directory);
        var clusters = new MemberClusters();
        clusters.Set(Cluster, client);
        Writer = new KubernetesServiceWriter(clusters, TimeProvider.System);
    }

    public KubeApiServer.KubeApiServer Server { get; }

    public k8s.Kubernetes Client { get; }

    public KubernetesServiceWriter Writer { get; }

    public static async Task<WatcherApi> StartAsync()
    {
        var api = await KubeApiServer.KubeApiServer.StartAsync();
        api.Store.EnsureNamespaces(Key.Namespace);
        var directory = Directory.CreateTempSubdirectory("watcher-spec-").FullName;
        var client = new k8s.Kubernetes(KubernetesClientConfiguration.BuildConfigFromConfigFile(api.WriteKubeconfig(Path.Combine(directory, "kubeconfig"))));
        return new WatcherApi(api, client, directory);
    }

    public void CreateService(ServiceKey key, string address, string? loadBalancerClass = ServiceClassFilter.DefaultClass)
    {
        Server.Store.Create(new V1Service
        {
            Metadata = new V1ObjectMeta { Name = key.Name, NamespaceProperty = key.Namespace },
            Spec = new V1ServiceSpec
            {
                Type = "LoadBalancer",
                LoadBalancerClass = loadBalancerClass,
                Ports = [new V1ServicePort { Name = "http", Port = 80, Protocol = "TCP" }],
            },
        });
        Server.Store.Create(Slice(key, address));
    }

    /// <summary>A watcher of this API server feeding <paramref name="entities"/> in place of the Service entities, with no debounce or stale limit.</summary>
    public Props WatcherProps(IActorRef entities, InformerOptions? options = null) =>
        ClusterWatcher.Props(Cluster, Client, entities, Filter, options ?? new InformerOptions(), TimeSpan.Zero, TimeSpan.Zero, Writer, NullLoggerFactory.Instance);

    public void ReplacePods(ServiceKey key, string address) => Server.Store.Replace(Slice(key, address));

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await Server.DisposeAsync();
        Directory.Delete(_directory, recursive: true);
    }

    private static V1EndpointSlice Slice(ServiceKey key, string address) => new()
    {
        Metadata = new V1ObjectMeta
        {
            Name = $"{key.Name}-abc",
            NamespaceProperty = key.Namespace,
            Labels = new Dictionary<string, string> { ["kubernetes.io/service-name"] = key.Name },
        },
        AddressType = "IPv4",
        Ports = [new Discoveryv1EndpointPort { Name = "http", Port = 8080, Protocol = "TCP" }],
        Endpoints = [new V1Endpoint { Addresses = [address], Conditions = new V1EndpointConditions { Ready = true, Serving = true } }],
    };
}
