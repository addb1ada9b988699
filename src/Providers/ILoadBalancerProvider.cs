using DirectLB.Providers.Model;

namespace DirectLB.Providers;

/// <summary>
/// An external load balancer API, spoken in load balancers, listeners and targets.
/// Every verb is idempotent: creating what exists returns it (matched by ownership tags), deleting what is
/// gone succeeds, registering a registered target updates it. So a retry, or a new owner after failover,
/// converges instead of creating a twin. Every verb that acts by id takes a <see cref="LoadBalancerRef"/> and
/// checks the owner's tags before it acts: a load balancer that carries another owner's tags is never changed
/// or deleted (<see cref="LoadBalancerNotOwnedException"/>).
/// </summary>
public interface ILoadBalancerProvider
{
    /// <summary>Short name used in logs and metrics ("simulated", "haproxy", ...).</summary>
    string Name { get; }

    ProviderCapabilities Capabilities { get; }

    /// <summary>
    /// Reads back the load balancer owned by <paramref name="owner"/> as it is now (what runs, not what was last
    /// written), with each target's health where the provider can tell; null when none exists.
    /// </summary>
    Task<LoadBalancerInfo?> FindLoadBalancerAsync(LoadBalancerOwner owner, CancellationToken cancellationToken);

    /// <summary>
    /// One page of the load balancers tagged with <paramref name="installation"/>, and nothing else: what the orphan
    /// collector walks. <paramref name="continueToken"/> is the previous page's <see cref="LoadBalancerPage.Continue"/>.
    /// </summary>
    Task<LoadBalancerPage> ListLoadBalancersAsync(Installation installation, string? continueToken, CancellationToken cancellationToken);

    /// <summary>Returns the load balancer owned by <paramref name="owner"/>, creating it when none exists.</summary>
    Task<LoadBalancerInfo> EnsureLoadBalancerAsync(LoadBalancerOwner owner, string name, CancellationToken cancellationToken);

    /// <summary>Creates the listener, or updates it to <paramref name="listener"/> when it exists.</summary>
    Task EnsureListenerAsync(LoadBalancerRef loadBalancer, ListenerSpec listener, CancellationToken cancellationToken);

    /// <summary>Removes the listener and its targets; succeeds when it is already gone.</summary>
    Task EnsureListenerDeletedAsync(LoadBalancerRef loadBalancer, ListenerKey listener, CancellationToken cancellationToken);

    /// <summary>
    /// One batched target change on one listener: <paramref name="upserts"/> are registered or updated
    /// (weight, drain state), <paramref name="removals"/> deregistered (absent ones are ignored).
    /// </summary>
    Task ChangeTargetsAsync(
        LoadBalancerRef loadBalancer,
        ListenerKey listener,
        IReadOnlyList<TargetSpec> upserts,
        IReadOnlyList<TargetKey> removals,
        CancellationToken cancellationToken);

    /// <summary>
    /// Open connections per target of one listener, so a draining target can leave as soon as its last connection
    /// ends rather than at its drain delay. Null when the provider cannot tell (the default): then only the pod
    /// leaving or the delay passing ends a drain.
    /// </summary>
    Task<IReadOnlyDictionary<TargetKey, int>?> CountConnectionsAsync(LoadBalancerRef loadBalancer, ListenerKey listener, CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyDictionary<TargetKey, int>?>(null);

    /// <summary>Deletes the load balancer with its listeners and targets; succeeds when it is already gone.</summary>
    Task EnsureLoadBalancerDeletedAsync(LoadBalancerRef loadBalancer, CancellationToken cancellationToken);
}
