using Akka.Actor;
using Akka.Cluster;
using Akka.Hosting;
using DirectLB.Actors.Domain;
using DirectLB.Actors.Kubernetes;

namespace DirectLB.Host.Hosting;

/// <summary>
/// Entities ask for their Service's state again through the proxy of the member-cluster singleton, which hands
/// the request to its watchers wherever in the Akka cluster they run.
/// </summary>
public sealed class SingletonStateSource(ActorSystem system, ActorRegistry registry) : IServiceStateSource
{
    public void RequestResend(ServiceKey key, TimeSpan after) =>
        system.Scheduler.ScheduleTellOnce(after, registry.Get<MemberClusterManager>(), new ResendServiceState(key), ActorRefs.NoSender);

    public void RequestResendOnNewOwner(ServiceKey key)
    {
        var cluster = Cluster.Get(system);
        if (cluster.State.Members.Any(m => m.Status == MemberStatus.Up && m.HasRole(AkkaComposition.Role) && !m.Address.Equals(cluster.SelfAddress)))
        {
            registry.Get<MemberClusterManager>().Tell(new ResendServiceState(key));
        }
    }
}
