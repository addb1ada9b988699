using System.Collections.Immutable;
using DirectLB.Actors.Domain;
using DirectLB.Actors.Serialization;
using k8s;

namespace DirectLB.Actors.Kubernetes;

/// <summary>Start (or, with new credentials, restart) watching a member cluster.</summary>
public sealed record AddMemberCluster(string ClusterId, KubernetesClientConfiguration Config, string Source);

/// <summary>Stop watching a member cluster: its Services leave their load balancers.</summary>
public sealed record RemoveMemberCluster(string ClusterId);

/// <summary>Asks which member clusters are watched; answered with <see cref="MemberClusterList"/>.</summary>
public sealed record GetMemberClusters
{
    public static GetMemberClusters Instance { get; } = new();
}

public sealed record MemberClusterList(IReadOnlyDictionary<string, string> SourceById);

/// <summary>
/// Asks the member-cluster singleton, from any replica, how each watcher is doing; answered with
/// <see cref="AllWatcherStatuses"/>.
/// </summary>
public sealed record GetAllWatcherStatuses : IDirectLbMessage
{
    public static GetAllWatcherStatuses Instance { get; } = new();
}

/// <summary>Every member cluster's watch state, wherever in the Akka cluster its watcher runs.</summary>
public sealed record AllWatcherStatuses(ImmutableArray<WatcherStatus> Watchers) : IDirectLbMessage;

/// <summary>Asks the member-cluster singleton, from any replica, which Services exist; answered with <see cref="ServiceInventory"/>.</summary>
public sealed record GetServiceInventory : IDirectLbMessage
{
    public static GetServiceInventory Instance { get; } = new();
}

/// <summary>
/// The entity keys of every Service DirectLB serves in any member cluster. <see cref="Incomplete"/> names what keeps
/// the view from being whole (a member cluster not listed yet or unreachable, member Secrets not read yet): while it
/// is not empty, a Service missing from <see cref="Routes"/> may still exist.
/// </summary>
public sealed record ServiceInventory(ImmutableArray<string> Incomplete, ImmutableArray<ServiceKey> Routes) : IDirectLbMessage;
