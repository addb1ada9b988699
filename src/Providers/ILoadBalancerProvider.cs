using DirectLB.Providers.Model;

namespace DirectLB.Providers;

/// <summary>
/// An external load balancer API, spoken in load balancers, listeners and targets.
/// Every verb is idempotent: creating what exists returns it (matched by ownership tags), deleting what is
/// gone succeeds, registering a registered target updates it. So a retry, or a new owner after failover,
/// converges instead of creating a twin.
/// </summary>
public interface ILoadBalancerProvider
{
    /// <summary>Short name used in logs and metrics ("simulated", "haproxy", ...).</summary>
    string Name { get; }

    ProviderCapabilities Capabilities { get; }

    /// <summary>Reads back the load balancer owned by <paramref name="owner"/>, or null when none exists.</summary>
    Task<LoadBalancerInfo?> FindLoadBalancerAsync(LoadBalancerOwner owner, CancellationToken cancellationToken);

    /// <summary>Returns the load balancer owned by <paramref name="owner"/>, creating it when none exists.</summary>
    Task<LoadBalancerInfo> EnsureLoadBalancerAsync(LoadBalancerOwner owner, string name, CancellationToken cancellationToken);

    /// <summary>Creates the listener, or updates it to <paramref name="listener"/> when it exists.</summary>
    Task EnsureListenerAsync(string loadBalancerId, ListenerSpec listener, CancellationToken cancellationToken);

    /// <summary>Removes the listener and its targets; succeeds when it is already gone.</summary>
    Task EnsureListenerDeletedAsync(string loadBalancerId, ListenerKey listener, CancellationToken cancellationToken);

    /// <summary>
    /// One batched target change on one listener: <paramref name="upserts"/> are registered or updated
    /// (weight, drain state), <paramref name="removals"/> deregistered (absent ones are ignored).
    /// </summary>
    Task ChangeTargetsAsync(
        string loadBalancerId,
        ListenerKey listener,
        IReadOnlyList<TargetSpec> upserts,
        IReadOnlyList<TargetKey> removals,
        CancellationToken cancellationToken);

    /// <summary>
    /// Open connections per target of one listener, so a draining target can leave as soon as its last connection
    /// ends rather than at its drain delay. Null when the provider cannot tell (the default): then only the pod
    /// leaving or the delay passing ends a drain.
    /// </summary>
    Task<IReadOnlyDictionary<TargetKey, int>?> CountConnectionsAsync(string loadBalancerId, ListenerKey listener, CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyDictionary<TargetKey, int>?>(null);

    /// <summary>Deletes the load balancer with its listeners and targets; succeeds when it is already gone.</summary>
    Task EnsureLoadBalancerDeletedAsync(string loadBalancerId, CancellationToken cancellationToken);
}
