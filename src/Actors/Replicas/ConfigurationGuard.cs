using Akka.Actor;
using Akka.Cluster;
using Microsoft.Extensions.Logging;

namespace DirectLB.Actors.Replicas;

/// <summary>
/// Keeps replicas with a different configuration out of the Akka cluster. Each replica carries, as member
/// roles, a fingerprint of the settings all replicas must share (<see cref="ConfigurationRoles"/>). A member
/// that is Up downs a replica that joins with other values, and a joining replica that finds the cluster
/// configured otherwise leaves by itself; either way both sides log which setting differs. Entities of a
/// replica with another load balancer class or journal would fight the others over the same Services.
/// </summary>
public sealed class ConfigurationGuard : ReceiveActor
{
    private readonly Cluster _cluster = Cluster.Get(Context.System);
    private readonly ILogger _log;

    public ConfigurationGuard(ILoggerFactory loggers)
    {
        _log = loggers.CreateLogger<ConfigurationGuard>();
        Receive<ClusterEvent.IMemberEvent>(e => Check(e.Member));
    }

    public static Props Props(ILoggerFactory loggers) => Akka.Actor.Props.Create(() => new ConfigurationGuard(loggers));

    protected override void PreStart() =>
        _cluster.Subscribe(Self, ClusterEvent.SubscriptionInitialStateMode.InitialStateAsEvents, typeof(ClusterEvent.IMemberEvent));

    protected override void PostStop() => _cluster.Unsubscribe(Self);

    private void Check(Member other)
    {
        var self = _cluster.SelfMember;
        if (other.Address == self.Address || other.Status is MemberStatus.Down or MemberStatus.Removed or MemberStatus.Exiting)
        {
            return;
        }

        var differences = ConfigurationRoles.Differences(self.Roles, other.Roles);
        if (differences.IsEmpty)
        {
            return;
        }

        var which = string.Join(", ", differences);
        if (self.Status == MemberStatus.Up && other.Status is MemberStatus.Joining or MemberStatus.WeaklyUp)
        {
            _log.LogError(
                "refusing replica {Replica}: its configuration differs from this cluster's in {Settings}; it is downed (give every replica the same settings)",
                other.Address, which);
            _cluster.Down(other.Address);
        }
        else if (self.Status is MemberStatus.Joining or MemberStatus.WeaklyUp && other.Status == MemberStatus.Up)
        {
            _log.LogError(
                "this replica's configuration differs from the cluster's it joins (at {Replica}) in {Settings}; leaving it (give every replica the same settings)",
                other.Address, which);
            _cluster.Leave(self.Address);
        }
    }
}
