using DirectLB.Actors.Domain;
using DirectLB.Actors.Entity;
using DirectLB.Actors.Planning;
using DirectLB.Providers.Model;
using static DirectLB.Tests.Support.Fixtures;

namespace DirectLB.Tests.Entity;

public class ReconcileDecisionTests
{
    private static ReconcileStep Next(
        ClusterObservation? observation,
        ServiceLoadBalancerState? state = null,
        KubernetesWrites? writes = null,
        bool readBackDue = false,
        LoadBalancerRef? orphan = null)
    {
        ClusterObservation[] observations = observation is null ? [] : [observation];
        var desired = DesiredStateBuilder.Build(Key, observations, Filter, Planner, Capabilities);
        return ReconcileDecision.Next(
            observations, state ?? ServiceLoadBalancerState.Empty, desired, writes ?? KubernetesWrites.None, Filter, Now, readBackDue: readBackDue, orphan: orphan);
    }

    private static ServiceLoadBalancerState WithApplied(AppliedLoadBalancer applied) => ServiceLoadBalancerState.Empty with { Applied = applied };

    [Fact]
    public void The_finalizer_is_added_before_the_load_balancer_is_created()
    {
        var step = Next(Observation(Service(finalizer: false, resourceVersion: "7")));

        Assert.Equal(new WriteService(Cluster, KubernetesWriteKind.AddFinalizer, "7", []), step);
    }

    [Fact]
    public void Once_the_finalizer_is_written_the_load_balancer_is_created()
    {
        var writes = KubernetesWrites.None.Add(Cluster, KubernetesWriteKind.AddFinalizer, "7");

        var step = Next(Observation(Service(finalizer: false, resourceVersion: "7")), writes: writes);

        Assert.IsType<ProvisionLoadBalancer>(Assert.IsType<CallProvider>(step).Operation);
    }

    [Fact]
    public void A_finalizer_removed_by_someone_else_is_added_again()
    {
        var writes = KubernetesWrites.None.Add(Cluster, KubernetesWriteKind.AddFinalizer, "7");

        var step = Next(Observation(Service(finalizer: false, resourceVersion: "9")), writes: writes);

        Assert.Equal(KubernetesWriteKind.AddFinalizer, Assert.IsType<WriteService>(step).Kind);
    }

    [Fact]
    public void When_in_sync_the_address_is_published_in_status()
    {
        var step = Next(Observation(Service(), Slice("a", [Ready("10.244.1.5")])), WithApplied(Applied(AppliedServing("10.244.1.5"))));

        var write = Assert.IsType<WriteService>(step);
        Assert.Equal(KubernetesWriteKind.SetIngress, write.Kind);
        Assert.Equal(["127.0.201.1"], write.Addresses.ToArray());
    }

    [Fact]
    public void A_dual_stack_load_balancer_publishes_each_address_primary_first()
    {
        var dual = Applied(AppliedServing("10.244.1.5")) with { SecondaryAddress = "fd00:db8:201::1" };

        var step = Next(Observation(Service(), Slice("a", [Ready("10.244.1.5")])), WithApplied(dual));

        Assert.Equal(["127.0.201.1", "fd00:db8:201::1"], Assert.IsType<WriteService>(step).Addresses.ToArray());
    }

    [Fact]
    public void Status_is_not_written_again_when_it_already_holds_the_address()
    {
        var step = Next(Observation(Service(ingress: ["127.0.201.1"]), Slice("a", [Ready("10.244.1.5")])), WithApplied(Applied(AppliedServing("10.244.1.5"))));

        Assert.Equal(new InSync(null), step);
    }

    [Fact]
    public void A_status_without_ipMode_is_written_again_once_and_not_again_where_the_API_server_drops_it()
    {
        var published = Service(ingress: ["127.0.201.1"]) with { IngressIpModes = [""] };
        var state = WithApplied(Applied(AppliedServing("10.244.1.5")));

        var step = Next(Observation(published, Slice("a", [Ready("10.244.1.5")])), state);
        var written = KubernetesWrites.None.Add(Cluster, KubernetesWriteKind.SetIngress, published.ResourceVersion, "127.0.201.1");
        var again = Next(Observation(published, Slice("a", [Ready("10.244.1.5")])), state, writes: written);

        var write = Assert.IsType<WriteService>(step);
        Assert.Equal((KubernetesWriteKind.SetIngress, "127.0.201.1"), (write.Kind, write.Detail));
        Assert.Equal(new InSync(null), again);
    }

    [Fact]
    public void A_held_status_write_lets_the_targets_change_first_then_waits_for_its_retry_time()
    {
        var held = KubernetesWrites.None.HoldIngress(Cluster, Now + TimeSpan.FromMinutes(1));
        var observation = Observation(Service(), Slice("a", [Ready("10.244.1.5"), Ready("10.244.1.6")]));

        var targets = Next(observation, WithApplied(Applied(AppliedServing("10.244.1.5"))), writes: held);
        var waiting = Next(observation, WithApplied(Applied(AppliedServing("10.244.1.5"), AppliedServing("10.244.1.6"))), writes: held);
        var due = ReconcileDecision.Next(
            [observation], WithApplied(Applied(AppliedServing("10.244.1.5"), AppliedServing("10.244.1.6"))),
            DesiredStateBuilder.Build(Key, [observation], Filter, Planner, Capabilities), held, Filter, Now + TimeSpan.FromMinutes(1));

        Assert.IsType<ChangeTargets>(Assert.IsType<CallProvider>(targets).Operation);
        Assert.Equal(new InSync(Now + TimeSpan.FromMinutes(1)), waiting);
        Assert.Equal(KubernetesWriteKind.SetIngress, Assert.IsType<WriteService>(due).Kind);
    }

    [Fact]
    public void Clearing_the_status_of_a_Service_that_left_is_never_held()
    {
        var held = KubernetesWrites.None.HoldIngress(Cluster, Now + TimeSpan.FromMinutes(1));

        var step = Next(Observation(Service(type: "ClusterIP", ingress: ["127.0.201.1"])), writes: held);

        Assert.Equal(new WriteService(Cluster, KubernetesWriteKind.SetIngress, "10", []), step);
    }

    [Fact]
    public void An_in_doubt_operation_is_read_back_before_anything_else()
    {
        var state = WithApplied(Applied()) with { InFlight = new PendingOperation(3, new DeleteListener("lb-1", Http)) };

        var step = Next(Observation(Service()), state);

        Assert.Equal(new ReadBack(Owner), step);
    }

    [Fact]
    public void A_due_read_back_comes_before_any_change()
    {
        var step = Next(Observation(Service(), Slice("a", [Ready("10.244.1.5"), Ready("10.244.1.6")])), WithApplied(Applied(AppliedServing("10.244.1.5"))), readBackDue: true);

        Assert.Equal(new ReadBack(Owner), step);
    }

    [Fact]
    public void With_nothing_applied_there_is_nothing_to_read_back()
    {
        var step = Next(Observation(Service(), Slice("a", [Ready("10.244.1.5")])), readBackDue: true);

        Assert.IsType<ProvisionLoadBalancer>(Assert.IsType<CallProvider>(step).Operation);
    }

    [Fact]
    public void A_read_back_goes_by_the_owner_the_service_wants_now_not_the_one_journaled()
    {
        var journaled = Applied() with { Owner = Owner with { Installation = null, ServiceUid = "uid-old" } };

        var step = Next(Observation(Service()), WithApplied(journaled), readBackDue: true);

        Assert.Equal(new ReadBack(Owner), step);
    }

    [Fact]
    public void An_orphan_is_deleted_by_its_own_owner_once_no_cluster_holds_the_service()
    {
        var orphan = new LoadBalancerRef("lb-9", Owner with { ServiceUid = "uid-gone" });

        var step = Next(null, orphan: orphan);

        Assert.Equal(new CallProvider(new DeleteLoadBalancer("lb-9", orphan.Owner)), step);
    }

    [Fact]
    public void An_orphan_whose_service_is_back_is_not_deleted()
    {
        var orphan = new LoadBalancerRef("lb-9", Owner);

        var step = Next(Observation(Service(), Slice("a", [Ready("10.244.1.5")])), orphan: orphan);

        Assert.IsType<ProvisionLoadBalancer>(Assert.IsType<CallProvider>(step).Operation);
    }

    [Fact]
    public void An_in_doubt_provision_is_read_back_by_its_owner()
    {
        var state = ServiceLoadBalancerState.Empty with { InFlight = new PendingOperation(1, new ProvisionLoadBalancer(Owner, "shop-web", [])) };

        Assert.Equal(new ReadBack(Owner), Next(Observation(Service()), state));
    }

    [Fact]
    public void An_in_doubt_create_journaled_by_an_earlier_version_is_read_back_by_its_owner()
    {
        var state = ServiceLoadBalancerState.Empty with { InFlight = new PendingOperation(1, new CreateLoadBalancer(Owner, "shop-web")) };

        Assert.Equal(new ReadBack(Owner), Next(Observation(Service()), state));
    }

    [Fact]
    public void Invalid_configuration_keeps_the_last_good_load_balancer()
    {
        var annotations = new Dictionary<string, string> { ["directlb.io/drain-delay"] = "soon" };

        var step = Next(Observation(Service(annotations: annotations), Slice("a", [Ready("10.244.1.9")])), WithApplied(Applied(AppliedServing("10.244.1.5"))));

        Assert.Contains("drain-delay", Assert.IsType<KeepLastGood>(step).Errors.Single());
    }

    [Fact]
    public void A_deleted_service_loses_its_load_balancer_before_its_finalizer()
    {
        var deleting = Observation(Service(deleting: true, resourceVersion: "12"));

        Assert.Equal(new CallProvider(new DeleteLoadBalancer("lb-1")), Next(deleting, WithApplied(Applied())));
        Assert.Equal(new WriteService(Cluster, KubernetesWriteKind.RemoveFinalizer, "12", []), Next(deleting));
    }

    [Fact]
    public void A_service_that_stops_qualifying_has_its_status_cleared_then_its_finalizer_removed()
    {
        var changed = Observation(Service(type: "ClusterIP", ingress: ["127.0.201.1"], resourceVersion: "20"));

        Assert.Equal(new WriteService(Cluster, KubernetesWriteKind.SetIngress, "20", []), Next(changed));
        var cleared = KubernetesWrites.None.Add(Cluster, KubernetesWriteKind.SetIngress, "20");
        Assert.Equal(KubernetesWriteKind.RemoveFinalizer, Assert.IsType<WriteService>(Next(changed, writes: cleared)).Kind);
    }

    [Fact]
    public void A_service_gone_from_the_cluster_with_nothing_applied_is_finished()
    {
        Assert.IsType<Finished>(Next(null));
    }

    [Fact]
    public void A_cluster_whose_service_was_deleted_is_released_once_its_targets_left()
    {
        var east = ObservationIn("east", Service(ingress: ["127.0.201.1"]), Slice("e", [Ready("10.244.1.5")]));
        var west = ObservationIn("west", Service(deleting: true, resourceVersion: "30"), Slice("w", [Ready("10.245.1.5")]));
        ClusterObservation[] both = [east, west];
        var desired = DesiredStateBuilder.Build(Key, both, Filter, Planner, Capabilities);
        var withWestTarget = ServiceLoadBalancerState.Empty with
        {
            Applied = Applied(AppliedServing("10.244.1.5"), new AppliedTarget(Serving("10.245.1.5") with { ClusterId = "west" }, null)),
        };

        var first = ReconcileDecision.Next(both, withWestTarget, desired, KubernetesWrites.None, Filter, Now);
        var second = ReconcileDecision.Next(both, ServiceLoadBalancerState.Empty with { Applied = Applied(AppliedServing("10.244.1.5")) }, desired, KubernetesWrites.None, Filter, Now);

        Assert.IsType<ChangeTargets>(Assert.IsType<CallProvider>(first).Operation);
        Assert.Equal(new WriteService("west", KubernetesWriteKind.RemoveFinalizer, "30", []), second);
    }
}
