using DirectLB.Actors.Domain;
using DirectLB.EndToEnd.Tests.Support;
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
    private TwoClusterWorld _world = null!;

    private SimulatedProvider Cloud => _world.Cloud;

    private IEnumerable<string> Clusters => _world.ClusterIds;

    public async Task InitializeAsync() => _world = await TwoClusterWorld.StartAsync("directlb-mc-", overHttp: false);

    public async Task DisposeAsync() => await _world.DisposeAsync();

    private string Kubeconfig(string id) => _world.Kubeconfig(id);

    private Task StartDirectLbAsync(params string[] extra) => _world.StartDirectLbAsync(extra);

    /// <summary>The Service "web" in a cluster, created <paramref name="age"/> ago, with ready pods.</summary>
    private void Deploy(string cluster, TimeSpan age, IDictionary<string, string>? annotations = null, params string[] pods)
    {
        var service = LoadBalancerService("web", annotations);
        service.Metadata.CreationTimestamp = DateTime.UtcNow - age;
        _world[cluster].Store.Create(service);
        _world[cluster].Store.Create(Slice("web", $"web-{cluster}", [.. pods.Select(Ready)]));
    }

    private void Scale(string cluster, params string[] pods) =>
        _world[cluster].Store.Replace(Slice("web", $"web-{cluster}", [.. pods.Select(Ready)]));

    private string[] Targets() =>
        [.. Cloud.LoadBalancers.SelectMany(lb => lb.Listeners).SelectMany(l => l.Targets).Select(t => $"{t.ClusterId} {t.Key.Address}").Order()];

    private Task TargetsAre(params string[] expected) => Eventually.Assert(() => Assert.Equal(expected, Targets()));

    private V1Service? Web(string cluster) => _world[cluster].Store.Get<V1Service>(Namespace, "web");

    private IReadOnlyList<Corev1Event> Events(string cluster) => _world[cluster].Store.CoreEventsFor(Namespace, "web");

    [Fact]
    public async Task One_load_balancer_serves_the_pods_of_both_clusters_with_status_and_finalizer_in_each()
    {
        Deploy("east", TimeSpan.FromHours(2), pods: ["10.244.1.5", "10.244.1.6"]);
        Deploy("west", TimeSpan.FromHours(1), pods: ["10.245.1.5"]);
        await StartDirectLbAsync();

        await TargetsAre("east 10.244.1.5", "east 10.244.1.6", "west 10.245.1.5");
        var address = Cloud.LoadBalancers.Single().Address;
        foreach (var cluster in Clusters)
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
        await _world.StopClusterAsync("west");
        await Eventually.Until(async () => !(await _world.DirectLb!.WatcherStatusAsync("west")).Connected, "the west watcher notices its API server is gone");
        await Eventually.Until(() => Events("east").Any(e => e.Reason == ServiceEventReason.MemberClusterUnreachable), "east's Service is told west is unreachable");
        Assert.Equal(["east 10.244.1.5", "west 10.245.1.5", "west 10.245.1.6"], Targets());
        var changesBefore = Cloud.CallCount(ProviderCallKind.ChangeTargets);

        Scale("west", "10.245.1.6", "10.245.1.7");
        await _world.StartClusterAgainAsync("west");

        await TargetsAre("east 10.244.1.5", "west 10.245.1.6", "west 10.245.1.7");
        // One batched change for west's two moved pods; east's target was never touched (no flapping).
        Assert.Equal(changesBefore + 1, Cloud.CallCount(ProviderCallKind.ChangeTargets));
    }

    [Fact]
    public async Task After_the_stale_limit_an_unreachable_cluster_loses_its_targets_until_it_is_back()
    {
        Deploy("east", TimeSpan.FromHours(2), pods: ["10.244.1.5"]);
        Deploy("west", TimeSpan.FromHours(1), pods: ["10.245.1.5"]);
        await StartDirectLbAsync("--cluster-stale-after", "00:00:01");
        await TargetsAre("east 10.244.1.5", "west 10.245.1.5");
        await _world.StopClusterAsync("west");
        await TargetsAre("east 10.244.1.5");
        // Events reach the API server on their own path, after the change they announce may already be applied.
        await Eventually.Until(() => Events("east").Any(e => e.Reason == ServiceEventReason.MemberClusterStale), "east's Service is told west is stale");

        await _world.StartClusterAgainAsync("west");
        await TargetsAre("east 10.244.1.5", "west 10.245.1.5");
    }

    [Fact]
    public async Task A_service_deleted_in_one_cluster_leaves_that_cluster_and_the_load_balancer_serves_on()
    {
        Deploy("east", TimeSpan.FromHours(2), pods: ["10.244.1.5"]);
        Deploy("west", TimeSpan.FromHours(1), pods: ["10.245.1.5"]);
        await StartDirectLbAsync();
        await TargetsAre("east 10.244.1.5", "west 10.245.1.5");

        _world["west"].Store.Delete<V1Service>(Namespace, "web");

        await Eventually.Until(() => Web("west") is null, "west's Service is released (finalizer removed) and gone");
        await TargetsAre("east 10.244.1.5");
        Assert.Single(Cloud.LoadBalancers);
    }

    [Fact]
    public async Task Conflicting_ports_follow_the_oldest_service_and_the_other_cluster_is_warned()
    {
        Deploy("east", TimeSpan.FromHours(2), pods: ["10.244.1.5"]);
        var west = LoadBalancerService("web");
        west.Spec.Ports[0].Port = 8443;
        west.Metadata.CreationTimestamp = DateTime.UtcNow;
        _world["west"].Store.Create(west);
        _world["west"].Store.Create(Slice("web", "web-west", Ready("10.245.1.5")));
        await StartDirectLbAsync();

        await TargetsAre("east 10.244.1.5", "west 10.245.1.5");
        Assert.Equal(80, Cloud.LoadBalancers.Single().Listeners.Single().Spec.Key.Port);
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

        await Eventually.Until(() => Cloud.LoadBalancers.Count == 2 && Cloud.LoadBalancers.All(lb => lb.Listeners.Any(l => l.Targets.Count == 1)), "two load balancers, one target each");
        Assert.Equal(["east", "west"], Cloud.LoadBalancers.Select(lb => lb.Tags[LoadBalancerOwner.ClusterTag]).Order().ToArray());
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
            var targets = Cloud.LoadBalancers.Single().Listeners.Single().Targets;
            var east = targets.Where(t => t.ClusterId == "east").Sum(t => t.Weight);
            Assert.InRange(east / (double)targets.Sum(t => t.Weight), 0.69, 0.71);
        });
    }

    [Fact]
    public async Task Member_clusters_registered_by_secret_join_and_leave_at_run_time()
    {
        await using var home = await TwoClusterWorld.StartApiAsync();
        home.Store.EnsureNamespaces("directlb");
        Deploy("east", TimeSpan.FromHours(2), pods: ["10.244.1.5"]);
        Deploy("west", TimeSpan.FromHours(1), pods: ["10.245.1.5"]);
        await _world.StartDirectLbWithAsync(
        [
            "--cluster", $"east={Kubeconfig("east")}",
            "--member-secrets-kubeconfig", home.WriteKubeconfig(Path.Combine(_world.WorkDir, "home.kubeconfig")),
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
        Assert.Single(Cloud.LoadBalancers);
    }
}
