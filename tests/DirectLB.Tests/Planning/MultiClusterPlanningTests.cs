using DirectLB.Actors.Domain;
using DirectLB.Actors.Planning;
using DirectLB.Providers.Model;
using static DirectLB.Tests.Support.Fixtures;

namespace DirectLB.Tests.Planning;

public class MultiClusterPlanningTests
{
    private static DesiredState Build(params ClusterObservation[] clusters) =>
        DesiredStateBuilder.Build(Key, clusters, Filter, new PlannerOptions(), Capabilities);

    private static ClusterObservation East(params EndpointSnapshot[] pods) =>
        ObservationIn("east", Service(createdAt: Now.AddDays(-2)), Slice("e", pods));

    private static ClusterObservation West(params EndpointSnapshot[] pods) =>
        ObservationIn("west", Service(createdAt: Now.AddDays(-1), uid: "uid-west"), Slice("w", pods));

    [Fact]
    public void One_load_balancer_serves_the_pods_of_every_member_cluster_each_target_naming_its_cluster()
    {
        var targets = Build(East(Ready("10.244.1.5")), West(Ready("10.245.1.5"), Ready("10.245.1.6"))).LoadBalancer!.Listeners.Values.Single().Targets.Values;

        Assert.Equal(
            ["east 10.244.1.5:8080", "west 10.245.1.5:8080", "west 10.245.1.6:8080"],
            targets.Select(t => $"{t.ClusterId} {t.Key}").Order().ToArray());
        Assert.All(targets, t => Assert.Equal(1, t.Weight));
    }

    [Fact]
    public void The_oldest_service_defines_the_ports_and_the_others_are_told_they_lost()
    {
        var westWithOtherPorts = ObservationIn("west", Service(createdAt: Now.AddDays(-1), ports: [Port("http", 8080)]), Slice("w", [Ready("10.245.1.5")]));

        var desired = Build(westWithOtherPorts, East(Ready("10.244.1.5")));

        Assert.Equal(80, desired.LoadBalancer!.Listeners.Keys.Single().Port);
        Assert.Equal(["west"], desired.SpecConflicts.Keys.ToArray());
        Assert.Contains("cluster east", desired.SpecConflicts["west"]);
    }

    [Fact]
    public void The_load_balancer_is_owned_by_all_clusters_unless_scoped_to_one()
    {
        Assert.Equal(LoadBalancerOwner.AllClusters, Build(East()).LoadBalancer!.Owner.ClusterScope);

        var scoped = DesiredStateBuilder.Build(Key with { Cluster = "east" }, [East()], Filter, new PlannerOptions(), Capabilities).LoadBalancer!;
        Assert.Equal("east", scoped.Owner.ClusterScope);
        Assert.Equal("shop-web-east", scoped.Name);
    }

    [Fact]
    public void A_stale_cluster_keeps_the_load_balancer_but_loses_its_targets()
    {
        var desired = Build(East(Ready("10.244.1.5")) with { Stale = true }, West(Ready("10.245.1.5")));

        Assert.Equal(["10.245.1.5:8080"], desired.LoadBalancer!.Listeners.Values.Single().Targets.Keys.Select(k => k.ToString()).ToArray());
        Assert.NotNull(Build(East(Ready("10.244.1.5")) with { Stale = true }).LoadBalancer);
    }

    [Fact]
    public void A_service_deleted_in_one_cluster_leaves_the_others_serving()
    {
        var deletedInWest = ObservationIn("west", Service(deleting: true), Slice("w", [Ready("10.245.1.5")]));

        var targets = Build(East(Ready("10.244.1.5")), deletedInWest).LoadBalancer!.Listeners.Values.Single().Targets;

        Assert.Equal(["10.244.1.5:8080"], targets.Keys.Select(k => k.ToString()).ToArray());
    }

    [Theory]
    [InlineData(2, 5)]
    [InlineData(1, 9)]
    [InlineData(6, 1)]
    public void Cluster_shares_hold_whatever_the_pod_counts(int eastPods, int westPods)
    {
        var shares = new Dictionary<string, string> { [ServiceAnnotations.ClusterWeights] = "east=70,west=30" };
        var east = ObservationIn("east", Service(createdAt: Now.AddDays(-2), annotations: shares),
            Slice("e", [.. Enumerable.Range(1, eastPods).Select(i => Ready($"10.244.1.{i}"))]));
        var west = ObservationIn("west", Service(annotations: shares),
            Slice("w", [.. Enumerable.Range(1, westPods).Select(i => Ready($"10.245.1.{i}"))]));

        var targets = Build(east, west).LoadBalancer!.Listeners.Values.Single().Targets.Values.ToList();

        double total = targets.Sum(t => t.Weight);
        var eastShare = targets.Where(t => t.ClusterId == "east").Sum(t => t.Weight) / total;
        Assert.InRange(eastShare, 0.69, 0.71);
        Assert.All(targets, t => Assert.InRange(t.Weight, 1, ShareWeights.MaxWeight));
    }

    [Fact]
    public void Shares_that_leave_out_a_cluster_with_pods_are_an_error()
    {
        var shares = new Dictionary<string, string> { [ServiceAnnotations.ClusterWeights] = "east=100" };
        var east = ObservationIn("east", Service(createdAt: Now.AddDays(-2), annotations: shares), Slice("e", [Ready("10.244.1.5")]));

        var desired = Build(east, West(Ready("10.245.1.5")));

        Assert.Contains(desired.Errors, e => e.Contains("no share to member cluster(s) west"));
    }

    [Fact]
    public void A_long_member_cluster_id_left_out_of_the_shares_is_quoted_short_in_the_error()
    {
        var shares = new Dictionary<string, string> { [ServiceAnnotations.ClusterWeights] = "east=100" };
        var east = ObservationIn("east", Service(createdAt: Now.AddDays(-2), annotations: shares), Slice("e", [Ready("10.244.1.5")]));
        var longId = new string('w', 3000);
        var other = ObservationIn(longId, Service(createdAt: Now.AddDays(-1), uid: "uid-west"), Slice("w", [Ready("10.245.1.5")]));

        var desired = Build(east, other);

        var error = Assert.Single(desired.Errors, e => e.Contains("no share to member cluster(s)"));
        Assert.InRange(error.Length, 1, 1024);
        Assert.Contains("(3000 characters)", error);
    }

    [Fact]
    public void Scope_routes_a_service_to_a_per_cluster_entity_only_when_asked()
    {
        var perCluster = Service(annotations: new Dictionary<string, string> { [ServiceScope.Annotation] = ServiceScope.PerCluster });

        Assert.Equal(Key with { Cluster = "east" }, ServiceScope.RouteOf(Key, "east", perCluster));
        Assert.Equal(Key, ServiceScope.RouteOf(Key, "east", Service()));
        Assert.Equal(Key with { Cluster = "east" }, ServiceKey.Parse("shop/web@east"));
        Assert.Equal("shop/web@east", (Key with { Cluster = "east" }).ToString());
    }
}
