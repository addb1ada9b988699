using DirectLB.Actors.Domain;

namespace DirectLB.Actors.Entity;

/// <summary>Every message routed to a Service's entity carries the Service's key: the extractor needs nothing else.</summary>
public interface IServiceCommand
{
    ServiceKey Key { get; }
}

/// <summary>A member cluster's current view of the Service: its spec and all its EndpointSlices.</summary>
public sealed record ServiceObserved(ServiceKey Key, ClusterObservation Observation) : IServiceCommand;

/// <summary>The Service no longer exists in the member cluster.</summary>
public sealed record ServiceGone(ServiceKey Key, string ClusterId) : IServiceCommand;

/// <summary>Asks the entity for a <see cref="LoadBalancerStatusReport"/>.</summary>
public sealed record GetLoadBalancerStatus(ServiceKey Key) : IServiceCommand;
