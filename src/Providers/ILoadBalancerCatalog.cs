using DirectLB.Providers.Model;

namespace DirectLB.Providers;

/// <summary>
/// What a provider that holds its load balancers itself (the simulated cloud, a local HAProxy) can tell without a
/// verb that counts as a call: the contract server (<c>Http/Server</c>) reads it to answer <c>GET /v1/loadbalancers/{id}</c>
/// and to tell a created load balancer (201) from one that existed (200).
/// </summary>
public interface ILoadBalancerCatalog
{
    /// <summary>The load balancer with this id as it runs now, with its targets' health; null when none has it.</summary>
    Task<LoadBalancerInfo?> GetLoadBalancerAsync(string id, CancellationToken cancellationToken);

    /// <summary>Whether a load balancer owned by <paramref name="owner"/> exists now.</summary>
    bool Holds(LoadBalancerOwner owner);
}
