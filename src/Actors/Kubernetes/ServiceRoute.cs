using Akka.Actor;
using Akka.Cluster;

namespace DirectLB.Actors.Kubernetes;

/// <summary>
/// Where a replica's watchers send what they observe: the replica's own shard region, which routes each message to the
/// replica that owns its Service, and once that region has stopped, another replica's. A replica that is stopped
/// (SIGTERM) hands its shards over and stops its region first, and leaves the Akka cluster, which moves its watchers,
/// only about a second later; what its watchers observe meanwhile, and the changes they held for an entity's
/// acknowledgement, would otherwise be lost until the moved watchers' first sync. The sender is kept, so entities still
/// acknowledge to the watcher.
/// </summary>
public sealed class ServiceRoute : ReceiveActor
{
    public ServiceRoute(IActorRef region, Func<ActorSelection?> elsewhere)
    {
        Context.Watch(region);
        Receive<Terminated>(t => t.ActorRef.Equals(region), _ => Become(() => Elsewhere(elsewhere)));
        ReceiveAny(message => region.Forward(message));
    }

    public static Props Props(IActorRef region, Func<ActorSelection?> elsewhere) =>
        Akka.Actor.Props.Create(() => new ServiceRoute(region, elsewhere));

    /// <summary>Another replica's region of <paramref name="typeName"/> (the oldest other one with <paramref name="role"/>), if there is one.</summary>
    public static Func<ActorSelection?> OtherReplicasRegion(ActorSystem system, string typeName, string role) => () =>
    {
        var cluster = Cluster.Get(system);
        var other = cluster.State.Members
            .Where(m => m.Status == MemberStatus.Up && m.HasRole(role) && !m.Address.Equals(cluster.SelfAddress))
            .OrderBy(m => m, Member.AgeOrdering)
            .FirstOrDefault();
        return other is null ? null : system.ActorSelection(new RootActorPath(other.Address) / "system" / "sharding" / typeName);
    };

    private void Elsewhere(Func<ActorSelection?> elsewhere) =>
        ReceiveAny(message =>
        {
            if (elsewhere() is { } other)
            {
                other.Tell(message, Sender);
            }
            else
            {
                Unhandled(message);
            }
        });
}
