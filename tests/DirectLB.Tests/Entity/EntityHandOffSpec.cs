using Akka.Actor;
using DirectLB.Tests.Support;
using static DirectLB.Tests.Support.Fixtures;

namespace DirectLB.Tests.Entity;

/// <summary>
/// Sharding stops an entity (with a PoisonPill) when it hands its shard to another replica (its replica leaves, or a
/// rebalance): the entity asks for its Service to be sent again at once, which starts it on the new owner instead of
/// at the Service's next change. A finished entity, or one stopped by a journal failure (it asks for its own resend
/// after a pause, ServiceLoadBalancerSpec), asks for nothing.
/// </summary>
public class EntityHandOffSpec : EntitySpec
{
    [Fact]
    public void A_handed_off_entity_asks_for_its_Service_on_the_new_owner()
    {
        var entity = EntityWithLoadBalancer();
        Watch(entity);

        entity.Tell(PoisonPill.Instance);

        ExpectTerminated(entity, Deadline);
        Assert.Equal([Key], StateSource.OnNewOwner);
        Assert.Empty(StateSource.Requests);
    }

    [Fact]
    public void A_handed_off_entity_whose_Service_is_gone_asks_for_nothing()
    {
        var entity = EntityWithLoadBalancer();
        entity.Tell(Observed(Service(deleting: true, resourceVersion: "20"), Ready("10.244.1.5")));
        AwaitAssert(() => Assert.Contains($"remove-finalizer {Cluster} {Key}", Writer.Writes), Deadline);
        // The entity leaves the status board as it finishes (before any hand-off could reach it).
        AwaitAssert(() => Assert.Null(Board.Find(Key)), Deadline);
        Watch(entity);

        entity.Tell(PoisonPill.Instance);

        ExpectTerminated(entity, Deadline);
        Assert.Empty(StateSource.OnNewOwner);
    }

    private IActorRef EntityWithLoadBalancer()
    {
        var entity = StartEntity();
        entity.Tell(Observed(Service(), Ready("10.244.1.5")));
        AwaitTargets(Serving("10.244.1.5"));
        return entity;
    }
}
