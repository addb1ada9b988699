using Akka.Actor;
using DirectLB.Actors.Domain;
using DirectLB.Actors.Entity;
using DirectLB.Providers.Model;
using DirectLB.Providers.Simulated;
using DirectLB.Tests.Support;
using static DirectLB.Tests.Support.Fixtures;

namespace DirectLB.Tests.Entity;

/// <summary>
/// The entity converges on the load balancer as it is: it reads it back and repairs what was changed behind its back,
/// and never acts on a load balancer whose tags name someone else.
/// </summary>
public class ReadBackSpec() : EntitySpec(new SimulatedProviderOptions { HealthyAfter = TimeSpan.FromMilliseconds(300) })
{
    private static readonly ReconcileOptions Reading = FastOptions with { ReadBackInterval = TimeSpan.FromMilliseconds(300) };

    private LoadBalancerInfo TheLoadBalancer => Cloud.LoadBalancers.Single();

    [Fact]
    public async Task A_target_removed_behind_its_back_is_registered_again_and_said_so()
    {
        var entity = StartEntity(options: Reading);
        entity.Tell(Observed(Service(), Ready("10.244.1.5"), Ready("10.244.1.6")));
        AwaitTargets(Serving("10.244.1.5"), Serving("10.244.1.6"));

        await Cloud.ChangeTargetsAsync(TheLoadBalancer.Ref, Http, [], [new TargetKey("10.244.1.6", 8080)], CancellationToken.None);
        Assert.Single(CloudTargets());

        AwaitTargets(Serving("10.244.1.5"), Serving("10.244.1.6"));
        var drift = Assert.Single(Writer.Events, e => e.Reason == ServiceEventReason.LoadBalancerDrift);
        Assert.True(drift.IsWarning);
        Assert.Contains("target 10.244.1.6:8080 of TCP/80 is missing", drift.Message);
    }

    [Fact]
    public async Task A_foreign_target_leaves_and_a_changed_weight_or_drain_state_is_put_back()
    {
        var entity = StartEntity(options: Reading);
        entity.Tell(Observed(Service(), Ready("10.244.1.5"), Ready("10.244.1.6")));
        AwaitTargets(Serving("10.244.1.5"), Serving("10.244.1.6"));

        await Cloud.ChangeTargetsAsync(
            TheLoadBalancer.Ref,
            Http,
            [Serving("10.244.9.9"), Serving("10.244.1.5") with { Weight = 7 }, Draining("10.244.1.6")],
            [],
            CancellationToken.None);

        AwaitTargets(Serving("10.244.1.5"), Serving("10.244.1.6"));
        var drift = Assert.Single(Writer.Events, e => e.Reason == ServiceEventReason.LoadBalancerDrift).Message;
        Assert.Contains("target 10.244.9.9:8080 of TCP/80 is not ours", drift);
        Assert.Contains("target 10.244.1.5:8080 of TCP/80 is serving with weight 7, not serving with weight 1", drift);
        Assert.Contains("target 10.244.1.6:8080 of TCP/80 is draining with weight 1, not serving with weight 1", drift);
    }

    [Fact]
    public async Task A_load_balancer_deleted_behind_its_back_is_provisioned_again_and_the_status_follows_its_new_address()
    {
        var entity = StartEntity(options: Reading);
        entity.Tell(Observed(Service(), Ready("10.244.1.5")));
        AwaitTargets(Serving("10.244.1.5"));
        var first = TheLoadBalancer;
        AwaitAssert(() => Assert.Contains($"ingress {Cluster} {Key} [{first.Address}]", Writer.Writes), Deadline);

        await Cloud.EnsureLoadBalancerDeletedAsync(first.Ref, CancellationToken.None);

        AwaitAssert(() => Assert.Equal([Serving("10.244.1.5")], TheLoadBalancer.Listeners.Single().Targets), Deadline);
        var second = TheLoadBalancer;
        Assert.NotEqual((first.Id, first.Address), (second.Id, second.Address));
        AwaitAssert(() => Assert.Contains($"ingress {Cluster} {Key} [{second.Address}]", Writer.Writes), Deadline);
        Assert.Contains(Writer.Events, e => e.Reason == ServiceEventReason.LoadBalancerDrift && e.Message.Contains($"load balancer {first.Id} is gone"));
    }

    [Fact]
    public async Task Each_targets_health_comes_from_the_load_balancer()
    {
        var entity = StartEntity(options: Reading);
        entity.Tell(Observed(Service(), Ready("10.244.1.5")));
        AwaitTargets(Serving("10.244.1.5"));

        Cloud.SetTargetHealth(new TargetKey("10.244.1.5", 8080), TargetHealth.Unhealthy);
        await AwaitAssertAsync(
            async () => Assert.Equal(
                TargetHealth.Unhealthy,
                (await entity.Ask<LoadBalancerStatusReport>(new GetLoadBalancerStatus(Key), Deadline)).HealthOf(new TargetKey("10.244.1.5", 8080))),
            Deadline);

        Cloud.SetTargetHealth(new TargetKey("10.244.1.5", 8080), null);
        await AwaitAssertAsync(
            async () => Assert.Equal(
                TargetHealth.Healthy,
                (await entity.Ask<LoadBalancerStatusReport>(new GetLoadBalancerStatus(Key), Deadline)).HealthOf(new TargetKey("10.244.1.5", 8080))),
            Deadline);
    }

    [Fact]
    public void A_provision_whose_outcome_was_lost_in_a_failover_is_read_back_and_finished_on_the_same_load_balancer()
    {
        var gated = new GatedProvider(Cloud) { HoldTargetChanges = true };
        var first = StartEntity(gated);
        first.Tell(Observed(Service(), Ready("10.244.1.5")));
        AwaitCondition(() => gated.HeldCalls == 1 && Cloud.LoadBalancers.Count == 1, Deadline);
        StopAndWait(first);

        gated.HoldTargetChanges = false;
        var second = StartEntity(gated);
        second.Tell(Observed(Service(), Ready("10.244.1.5")));

        AwaitTargets(Serving("10.244.1.5"));
        Assert.Single(Cloud.LoadBalancers);
        Assert.Equal(1, Cloud.CallCount(ProviderCallKind.EnsureLoadBalancer));
        Assert.Equal(1, Cloud.CallCount(ProviderCallKind.FindLoadBalancer));
    }

    [Fact]
    public async Task A_journaled_id_that_the_cloud_gave_to_another_service_is_never_acted_on()
    {
        var entity = StartEntity(options: Reading);
        entity.Tell(Observed(Service(), Ready("10.244.1.5")));
        AwaitTargets(Serving("10.244.1.5"));
        var journaled = TheLoadBalancer.Id;
        StopAndWait(entity);

        // A new cloud that starts counting ids again: the next load balancer it creates, for another Service, gets the id
        // this Service's journal still holds.
        var reusing = new SimulatedProvider(new SimulatedProviderOptions { IdPrefix = journaled[..^6] });
        var other = await reusing.EnsureLoadBalancerAsync(Owner with { Name = "api", ServiceUid = "uid-api" }, "shop-api", CancellationToken.None);
        Assert.Equal(journaled, other.Id);

        var restarted = StartEntity(reusing, Reading);
        restarted.Tell(Observed(Service(deleting: true, resourceVersion: "20"), Ready("10.244.1.5")));

        AwaitAssert(() => Assert.Contains($"remove-finalizer {Cluster} {Key}", Writer.Writes), Deadline);
        Assert.Equal([other.Id], reusing.LoadBalancers.Select(lb => lb.Id).ToArray());
        Assert.Equal(0, reusing.CallCount(ProviderCallKind.DeleteLoadBalancer));
    }

    [Fact]
    public async Task An_orphan_is_deleted_by_the_entity_when_no_member_cluster_holds_its_service()
    {
        var orphan = await Cloud.EnsureLoadBalancerAsync(Owner, "shop-web", CancellationToken.None);
        var entity = StartEntity(options: Reading);

        entity.Tell(new CollectOrphan(Key, orphan.Id, orphan.Ref.Owner));

        AwaitAssert(() => Assert.Empty(Cloud.LoadBalancers), Deadline);
        Assert.Equal(1, Cloud.CallCount(ProviderCallKind.DeleteLoadBalancer));
    }

    [Fact]
    public async Task An_orphan_whose_service_came_back_is_adopted_not_deleted()
    {
        var orphan = await Cloud.EnsureLoadBalancerAsync(Owner, "shop-web", CancellationToken.None);
        var entity = StartEntity(options: Reading);
        entity.Tell(Observed(Service(), Ready("10.244.1.5")));

        entity.Tell(new CollectOrphan(Key, orphan.Id, orphan.Ref.Owner));

        AwaitTargets(Serving("10.244.1.5"));
        Assert.Equal(orphan.Id, TheLoadBalancer.Id);
        Assert.Equal(0, Cloud.CallCount(ProviderCallKind.DeleteLoadBalancer));
    }
}
