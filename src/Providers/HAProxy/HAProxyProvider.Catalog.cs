using DirectLB.Providers.Model;

namespace DirectLB.Providers.HAProxy;

/// <summary>
/// The catalog a contract server reads (<c>directlb lb-agent</c>): one load balancer by id as it runs, and whether an
/// owner has one. Both read the model the provider keeps; neither changes anything.
/// </summary>
public sealed partial class HAProxyProvider : ILoadBalancerCatalog
{
    public Task<LoadBalancerInfo?> GetLoadBalancerAsync(string id, CancellationToken cancellationToken) =>
        UnderGateAsync(async () =>
            _model.LoadBalancers.TryGetValue(id, out var lb) ? Running(lb, await _servers.ReadAsync(cancellationToken)) : null,
            cancellationToken);

    /// <summary>Reads the model without the gate: it is replaced whole, never changed in place.</summary>
    public bool Holds(LoadBalancerOwner owner) => Volatile.Read(ref _model).FindOwned(owner) is not null;
}
