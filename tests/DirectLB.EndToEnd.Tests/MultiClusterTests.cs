using DirectLB.Actors.Domain;
using DirectLB.EndToEnd.Tests.Support;
using DirectLB.KubeApiServer;
using DirectLB.KubeApiServer.Typed;
using DirectLB.Providers.Model;
using DirectLB.Providers.Simulated;
using k8s.Models;
using static DirectLB.EndToEnd.Tests.Support.KubeObjects;

namespace DirectLB.EndToEnd.Tests;

/// <summary>Two member clusters, east and west, each its own Kubernetes API test server, feeding one DirectLB.</summary>
[Trait("Category", "EndToEnd")]
public class MultiClusterTests : IAsyncLifetime
{
    private readonly SimulatedProvider _cloud = new();
    private readonly string _workDir = Directory.CreateTempSubdirectory("directlb-mc-").FullName;
    private readonly Dictionary<string, KubeApiServer.KubeApiServer> _clusters = [];
    private DirectLbUnderTest? _directLb;

    public async Task InitializeAsync()
    {
        foreach (var id in new[] { "east", "west" })
        {
            _clusters[id] = await StartApiAsync();
        }
    }

    public async Task DisposeAsync()
    {
        if (_directLb is not null)
        {
            await _directLb.DisposeAsync();
        }

        foreach (var api in _clusters.Values)
        {
            await api.DisposeAsync();
        }
    }

    private static Task<KubeApiServer.KubeApiServer> StartApiAsync(int port = 0, DirectLB.KubeApiServer.Store.ObjectStore? store = null) =>
        KubeApiServer.KubeApiServer.StartAsync(new KubeApiServerOptions { Port = port, Store = store, BookmarkInterval = TimeSpan.FromMilliseconds(500) });

    private string Kubeconfig(string id) => _clusters[id].WriteKubeconfig(Path.Combine(_workDir, $"{id}.kubeconfig"));

    private async Task StartDirectLbAsync(params string[] extra) =>
        _directLb = await DirectLbUnderTest.StartWithAsync(_workDir, _cloud, ["--cluster", $"east={Kubeconfig("east")}", "--cluster", $"west={Kubeconfig("west")}", .. extra]);

    /// <summary>The Service "web" in a cluster, created <paramref name="age"/> ago, with ready pods.</summary>
    private void Deploy(string cluster, TimeSpan age, IDictionary<string, string>? annotations = null, params string[] pods)
    {
        var service = LoadBalancerService("web", annotations);
        service.Metadata.CreationTimestamp = DateTime.UtcNow - age;
        _clusters[cluster].Store.Create(service);
        _clusters[cluster].Store.Create(Slice("web", $"web-{cluster}", [.. pods.Select(Ready)]));
    }

    private void Scale(string cluster, params string[] pods) =>
        _clusters[cluster].Store.Replace(Slice("web", $"web-{cluster}", [.. pods.Select(Ready)]));

    private string[] Targets() =>
        [.. _cloud.LoadBalancers.SelectMany(lb => lb.Listeners).SelectMany(l => l.Targets).Select(t => $"{t.ClusterId} {t.Key.Address}").Order()];

    private Task TargetsAre(params string[] expected) => Eventually.Assert(() => Assert.Equal(expected, Targets()));

    private V1Service? Web(string cluster) => _clusters[cluster].Store.Get<V1Service>(Namespace, "web");

    private IReadOnlyList<Corev1Event> Events(string cluster) => _clusters[cluster].Store.CoreEventsFor(Namespace, "web");

    [Fact]
    public async Task One_load_balancer_serves_the_pods_of_both_clusters_with_status_and_finalizer_in_each()
    {
        Deploy("east", TimeSpan.FromHours(2), pods: ["10.244.1.5", "10.244.1.6"]);
        Deploy("west", TimeSpan.FromHours(1), pods: ["10.245.1.5"]);
        await StartDirectLbAsync();

        await TargetsAre("east 10.244.1.5", "east 10.244.1.6", "west 10.245.1.5");
        var address = _cloud.LoadBalancers.Single().Address;
        foreach (var cluster in _clusters.Keys)
        {
            await Eventually.Assert(() => Assert.Equal(address, Web(cluster)?.Status?.LoadBalancer?.Ingress?.SingleOrDefault()?.Ip));
            Assert.Contains(ServiceClassFilter.Finalizer, Web(cluster)!.Metadata.Finalizers);
            await Eventually.Assert(() => Assert.Contains(Events(cluster), e => e.Reason == ServiceEventReason.EnsuredLoadBalancer));
        }
    }

    [Fact]
    public async Task An_unreachable_cluster_keeps_its_targets_and_converges_when_it_is_back()
    {
        Deploy("east", TimeSpan.FromHours(2), pods: ["10.244.1.5"]);
        Deploy("west", TimeSpan.FromHours(1), pods: ["10.245.1.5", "10.245.1.6"]);
        await StartDirectLbAsync();
        await TargetsAre("east 10.244.1.5", "west 10.245.1.5", "west 10.245.1.6");
        var westPort = _clusters["west"].Port;

        await _clusters["west"].StopAsync();
        await Eventually.Until(async () => !(await _directLb!.WatcherStatusAsync("west")).Connected, "the west watcher notices its API server is gone");
        await Eventually.Until(() => Events("east").Any(e => e.Reason == ServiceEventReason.MemberClusterUnreachable), "east's Service is told west is unreachable");
        Assert.Equal(["east 10.244.1.5", "west 10.245.1.5", "west 10.245.1.6"], Targets());
        var changesBefore = _cloud.CallCount(ProviderCallKind.ChangeTargets);

        Scale("west", "10.245.1.6", "10.245.1.7");
        _clusters["west"] = await StartApiAsync(westPort, _clusters["west"].Store);

        await TargetsAre("east 10.244.1.5", "west 10.245.1.6", "west 10.245.1.7");
        // One batched change for west's two moved pods; east's target was never touched (no flapping).
        Assert.Equal(changesBefore + 1, _cloud.CallCount(ProviderCallKind.ChangeTargets));
    }

    [Fact]
    public async Task After_the_stale_limit_an_unreachable_cluster_loses_its_targets_until_it_is_back()
    {
        Deploy("east", TimeSpan.FromHours(2), pods: ["10.244.1.5"]);
        Deploy("west", TimeSpan.FromHours(1), pods: ["10.245.1.5"]);
        await StartDirectLbAsync("--cluster-stale-after", "00:00:01");
        await TargetsAre("east 10.244.1.5", "west 10.245.1.5");
        var westPort = _clusters["west"].Port;

        await _clusters["west"].StopAsync();
        await TargetsAre("east 10.244.1.5");
        Assert.Contains(Events("east"), e => e.Reason == ServiceEventReason.MemberClusterStale);

        _clusters["west"] = await StartApiAsync(westPort, _clusters["west"].Store);
        await TargetsAre("east 10.244.1.5", "west 10.245.1.5");
    }

    [Fact]
    public async Task A_service_deleted_in_one_cluster_leaves_that_cluster_and_the_load_balancer_serves_on()
    {
        Deploy("east", TimeSpan.FromHours(2), pods: ["10.244.1.5"]);
        Deploy("west", TimeSpan.FromHours(1), pods: ["10.245.1.5"]);
        await StartDirectLbAsync();
        await TargetsAre("east 10.244.1.5", "west 10.245.1.5");

        _clusters["west"].Store.Delete<V1Service>(Namespace, "web");

        await Eventually.Until(() => Web("west") is null, "west's Service is released (finalizer removed) and gone");
        await TargetsAre("east 10.244.1.5");
        Assert.Single(_cloud.LoadBalancers);
    }

    [Fact]
    public async Task Conflicting_ports_follow_the_oldest_service_and_the_other_cluster_is_warned()
    {
        Deploy("east", TimeSpan.FromHours(2), pods: ["10.244.1.5"]);
        var west = LoadBalancerService("web");
        west.Spec.Ports[0].Port = 8443;
        west.Metadata.CreationTimestamp = DateTime.UtcNow;
        _clusters["west"].Store.Create(west);
        _clusters["west"].Store.Create(Slice("web", "web-west", Ready("10.245.1.5")));
        await StartDirectLbAsync();

        await TargetsAre("east 10.244.1.5", "west 10.245.1.5");
        Assert.Equal(80, _cloud.LoadBalancers.Single().Listeners.Single().Spec.Key.Port);
        await Eventually.Until(() => Events("west").Any(e => e.Reason == ServiceEventReason.ConflictingServiceSpec && e.Type == "Warning"), "west is told its spec lost");
        Assert.DoesNotContain(Events("east"), e => e.Reason == ServiceEventReason.ConflictingServiceSpec);
    }

    [Fact]
    public async Task Scope_cluster_gives_each_cluster_its_own_load_balancer()
    {
        var perCluster = new Dictionary<string, string> { [ServiceScope.Annotation] = ServiceScope.PerCluster };
        Deploy("east", TimeSpan.FromHours(2), perCluster, "10.244.1.5");
        Deploy("west", TimeSpan.FromHours(1), perCluster, "10.245.1.5");
        await StartDirectLbAsync();

        await Eventually.Until(() => _cloud.LoadBalancers.Count == 2 && _cloud.LoadBalancers.All(lb => lb.Listeners.Any(l => l.Targets.Count == 1)), "two load balancers, one target each");
        Assert.Equal(["east", "west"], _cloud.LoadBalancers.Select(lb => lb.Tags[LoadBalancerOwner.ClusterTag]).Order().ToArray());
        await Eventually.Assert(() => Assert.NotEqual(
            Web("east")?.Status?.LoadBalancer?.Ingress?.SingleOrDefault()?.Ip,
            Web("west")?.Status?.LoadBalancer?.Ingress?.SingleOrDefault()?.Ip));
    }

    [Fact]
    public async Task Cluster_weights_split_traffic_by_cluster_whatever_the_pod_counts()
    {
        var shares = new Dictionary<string, string> { ["directlb.io/cluster-weights"] = "east=70,west=30" };
        Deploy("east", TimeSpan.FromHours(2), shares, "10.244.1.5");
        Deploy("west", TimeSpan.FromHours(1), shares, "10.245.1.5", "10.245.1.6", "10.245.1.7");
        await StartDirectLbAsync();

        await TargetsAre("east 10.244.1.5", "west 10.245.1.5", "west 10.245.1.6", "west 10.245.1.7");
        await Eventually.Assert(() =>
        {
            var targets = _cloud.LoadBalancers.Single().Listeners.Single().Targets;
            var east = targets.Where(t => t.ClusterId == "east").Sum(t => t.Weight);
            Assert.InRange(east / (double)targets.Sum(t => t.Weight), 0.69, 0.71);
        });
    }

    [Fact]
    public async Task Member_clusters_registered_by_secret_join_and_leave_at_run_time()
    {
        await using var home = await StartApiAsync();
        Deploy("east", TimeSpan.FromHours(2), pods: ["10.244.1.5"]);
        Deploy("west", TimeSpan.FromHours(1), pods: ["10.245.1.5"]);
        _directLb = await DirectLbUnderTest.StartWithAsync(_workDir, _cloud,
        [
            "--cluster", $"east={Kubeconfig("east")}",
            "--member-secrets-kubeconfig", home.WriteKubeconfig(Path.Combine(_workDir, "home.kubeconfig")),
            "--member-secrets-namespace", "directlb",
        ]);
        await TargetsAre("east 10.244.1.5");

        home.Store.Create(new V1Secret
        {
            ApiVersion = "v1",
            Kind = "Secret",
            Metadata = new V1ObjectMeta
            {
                Name = "member-west",
                NamespaceProperty = "directlb",
                Labels = new Dictionary<string, string> { ["directlb.io/member-cluster"] = "true", ["directlb.io/cluster-id"] = "west" },
            },
            Data = new Dictionary<string, byte[]> { ["kubeconfig"] = File.ReadAllBytes(Kubeconfig("west")) },
        });
        await TargetsAre("east 10.244.1.5", "west 10.245.1.5");

        home.Store.Delete<V1Secret>("directlb", "member-west");
        await TargetsAre("east 10.244.1.5");
        Assert.Single(_cloud.LoadBalancers);
    }
}
