using Akka.Actor;
using Akka.Cluster;
using DirectLB.Providers;

namespace DirectLB.Actors.Observability;

/// <summary>
/// Answers, on every replica, what its status board holds, so that the status page of any replica can list every
/// Service of the Akka cluster by asking each replica (see README, "Status page"). It reads the board only: the
/// entities never wait for it.
/// </summary>
public sealed class ServiceStatusResponder : ReceiveActor
{
    /// <summary>The responder's name under <c>/user</c> on every replica.</summary>
    public const string Name = "service-status";

    /// <param name="nodes">The load balancer nodes' state on this replica, if there are several nodes (known once the provider started).</param>
    public ServiceStatusResponder(ServiceStatusBoard board, Func<ILoadBalancerNodes?> nodes)
    {
        var owner = Cluster.Get(Context.System).SelfAddress.ToString();
        Receive<GetServiceRows>(query => Sender.Tell(ServiceRowSelection.Select(board, owner, nodes(), query)));
    }

    public static Props Props(ServiceStatusBoard board, Func<ILoadBalancerNodes?> nodes) =>
        Akka.Actor.Props.Create(() => new ServiceStatusResponder(board, nodes));
}
