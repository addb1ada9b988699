using DirectLB.Actors.Domain;
using DirectLB.Actors.Serialization;
using DirectLB.Providers.Model;

namespace DirectLB.Actors.Entity;

/// <summary>
/// Every message routed to a Service's entity carries the Service's key: the extractor needs nothing else.
/// The entity may live on another replica, so each one is a wire message with its own manifest.
/// </summary>
public interface IServiceCommand : IDirectLbMessage
{
    ServiceKey Key { get; }
}

/// <summary>
/// A member cluster's current view of the Service: its spec and all its EndpointSlices. <see cref="ChangedAt"/> is
/// when the watch event that caused it arrived (null for a resend of unchanged state), for latency metrics. With
/// <see cref="Acknowledge"/>, the sender (a watcher) waits for <see cref="ObservationTaken"/> before it sends the
/// Service's next state, so a busy entity's mailbox holds one observation per member cluster, not every change.
/// </summary>
public sealed record ServiceObserved(ServiceKey Key, ClusterObservation Observation, DateTimeOffset? ChangedAt = null, bool Acknowledge = false) : IServiceCommand;

/// <summary>The entity's answer to a <see cref="ServiceObserved"/> that asked for one: it has taken the observation in.</summary>
public sealed record ObservationTaken(ServiceKey Key, string ClusterId) : IDirectLbMessage;

/// <summary>The Service no longer exists in the member cluster.</summary>
public sealed record ServiceGone(ServiceKey Key, string ClusterId) : IServiceCommand;

/// <summary>The member cluster's API server cannot be reached: its last known endpoints stay (fail static).</summary>
public sealed record ClusterUnreachable(ServiceKey Key, string ClusterId, string Error) : IServiceCommand;

/// <summary>The member cluster has been unreachable longer than allowed: its endpoints stop counting until it is back.</summary>
public sealed record ClusterStale(ServiceKey Key, string ClusterId) : IServiceCommand;

/// <summary>Asks the entity for a <see cref="LoadBalancerStatusReport"/>.</summary>
public sealed record GetLoadBalancerStatus(ServiceKey Key) : IServiceCommand;

/// <summary>
/// The orphan collector found this load balancer, tagged for this Service by this installation, while the Service
/// exists in no member cluster: the entity (the one writer for its Service) deletes it, unless a member cluster
/// wants it again by the time this arrives, in which case it is adopted.
/// </summary>
public sealed record CollectOrphan(ServiceKey Key, string LoadBalancerId, LoadBalancerOwner Owner) : IServiceCommand;
