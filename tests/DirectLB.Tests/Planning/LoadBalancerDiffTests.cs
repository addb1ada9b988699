using System.Collections.Immutable;
using DirectLB.Actors.Planning;
using DirectLB.Providers.Model;
using static DirectLB.Tests.Support.Fixtures;

namespace DirectLB.Tests.Planning;

public class LoadBalancerDiffTests
{
    private static DesiredLoadBalancer DesiredWith(params DirectLB.Actors.Domain.EndpointSnapshot[] endpoints) =>
        Desired(Observation(Service(), Slice("a", endpoints))).LoadBalancer!;

    [Fact]
    public void Nothing_applied_means_one_provision_with_listeners_and_the_targets_that_serve()
    {
        var ops = LoadBalancerDiff.Between(DesiredWith(Ready("10.244.1.6"), Ready("10.244.1.5"), Terminating("10.244.1.7")), null, Now);

        var provision = Assert.IsType<ProvisionLoadBalancer>(Assert.Single(ops));
        Assert.Equal((Owner, "shop-web"), (provision.Owner, provision.Name));
        var listener = Assert.Single(provision.Listeners);
        Assert.Equal(HttpSpec, listener.Spec);
        // The terminating pod was never registered: there is nothing of it to drain.
        Assert.Equal([Serving("10.244.1.5"), Serving("10.244.1.6")], listener.Targets.ToArray());
    }

    [Fact]
    public void A_load_balancer_without_its_listeners_gets_them_before_targets()
    {
        var created = Applied() with { Listeners = ImmutableDictionary<ListenerKey, AppliedListener>.Empty };

        var ops = LoadBalancerDiff.Between(DesiredWith(Ready("10.244.1.5")), created, Now);

        Assert.Equal([new EnsureListener("lb-1", HttpSpec)], ops.ToArray());
    }

    [Fact]
    public void New_and_gone_endpoints_are_one_batched_target_change()
    {
        var applied = Applied(AppliedServing("10.244.1.5"), AppliedServing("10.244.1.6"));

        var ops = LoadBalancerDiff.Between(DesiredWith(Ready("10.244.1.5"), Ready("10.244.1.7")), applied, Now);

        var change = Assert.IsType<ChangeTargets>(Assert.Single(ops));
        Assert.Equal([Serving("10.244.1.7")], change.Upserts.ToArray());
        Assert.Equal([new TargetKey("10.244.1.6", 8080)], change.Removals.ToArray());
    }

    [Fact]
    public void In_sync_means_no_operations()
    {
        var applied = Applied(AppliedServing("10.244.1.5"));

        Assert.Empty(LoadBalancerDiff.Between(DesiredWith(Ready("10.244.1.5")), applied, Now));
    }

    [Fact]
    public void A_terminating_endpoint_is_drained_not_removed()
    {
        var applied = Applied(AppliedServing("10.244.1.5"));

        var change = Assert.IsType<ChangeTargets>(Assert.Single(LoadBalancerDiff.Between(DesiredWith(Terminating("10.244.1.5")), applied, Now)));

        Assert.Equal([Draining("10.244.1.5")], change.Upserts.ToArray());
        Assert.Empty(change.Removals.ToArray());
    }

    [Fact]
    public void A_draining_target_stays_until_its_delay_passes_then_leaves()
    {
        var applied = Applied(AppliedDraining("10.244.1.5", Now));
        var desired = DesiredWith(Terminating("10.244.1.5"));

        Assert.Empty(LoadBalancerDiff.Between(desired, applied, Now + TimeSpan.FromSeconds(29)));
        var change = Assert.IsType<ChangeTargets>(Assert.Single(LoadBalancerDiff.Between(desired, applied, Now + TimeSpan.FromSeconds(30))));
        Assert.Equal([new TargetKey("10.244.1.5", 8080)], change.Removals.ToArray());
    }

    [Fact]
    public void A_draining_target_with_no_connection_left_leaves_before_its_delay()
    {
        var applied = Applied(AppliedDraining("10.244.1.5", Now), AppliedDraining("10.244.1.6", Now));
        var desired = DesiredWith(Terminating("10.244.1.5"), Terminating("10.244.1.6"));
        var idle = new HashSet<(ListenerKey, TargetKey)> { (Http, new TargetKey("10.244.1.5", 8080)) };

        var change = Assert.IsType<ChangeTargets>(Assert.Single(LoadBalancerDiff.Between(desired, applied, Now.AddSeconds(1), idle)));

        Assert.Equal([new TargetKey("10.244.1.5", 8080)], change.Removals.ToArray());
    }

    [Fact]
    public void A_draining_target_whose_pod_is_gone_leaves_at_once()
    {
        var applied = Applied(AppliedDraining("10.244.1.5", Now), AppliedServing("10.244.1.6"));

        var change = Assert.IsType<ChangeTargets>(Assert.Single(LoadBalancerDiff.Between(DesiredWith(Ready("10.244.1.6")), applied, Now)));

        Assert.Equal([new TargetKey("10.244.1.5", 8080)], change.Removals.ToArray());
    }

    [Fact]
    public void A_terminating_endpoint_never_registered_is_not_added()
    {
        Assert.Empty(LoadBalancerDiff.Between(DesiredWith(Terminating("10.244.1.5")), Applied(), Now));
    }

    [Fact]
    public void A_pod_that_becomes_ready_again_stops_draining()
    {
        var applied = Applied(AppliedDraining("10.244.1.5", Now));

        var change = Assert.IsType<ChangeTargets>(Assert.Single(LoadBalancerDiff.Between(DesiredWith(Ready("10.244.1.5")), applied, Now)));

        Assert.Equal([Serving("10.244.1.5")], change.Upserts.ToArray());
    }

    [Fact]
    public void The_next_drain_deadline_is_the_earliest_drain_start_plus_the_delay()
    {
        var applied = Applied(AppliedDraining("10.244.1.5", Now), AppliedDraining("10.244.1.6", Now.AddSeconds(5)));

        var deadline = LoadBalancerDiff.NextDrainDeadline(DesiredWith(Terminating("10.244.1.5"), Terminating("10.244.1.6")), applied);

        Assert.Equal(Now.AddSeconds(30), deadline);
    }

    [Fact]
    public void A_removed_port_deletes_its_listener_after_the_others_are_ensured()
    {
        var applied = Applied(AppliedServing("10.244.1.5"));
        var desired = Desired(Observation(
            Service(ports: [Port("https", 443)]),
            Slice("a", [Ready("10.244.1.5")], new DirectLB.Actors.Domain.EndpointPortSnapshot("https", "TCP", 8443)))).LoadBalancer!;

        var ops = LoadBalancerDiff.Between(desired, applied, Now);

        Assert.IsType<EnsureListener>(ops[0]);
        Assert.Equal(new DeleteListener("lb-1", Http), ops[^1]);
    }

    [Fact]
    public void Deletion_is_diffing_against_nothing()
    {
        Assert.Equal([new DeleteLoadBalancer("lb-1")], LoadBalancerDiff.Between(null, Applied(), Now).ToArray());
        Assert.Empty(LoadBalancerDiff.Between(null, null, Now));
    }
}
