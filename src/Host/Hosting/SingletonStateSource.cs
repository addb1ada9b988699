using Akka.Actor;
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
}
