using DirectLB.Providers.Model;

namespace DirectLB.Providers;

/// <summary>
/// A provider whose load balancers' addresses come from a pool it keeps, and that can give a new load balancer an
/// address chosen by the caller: how several load balancer nodes come to serve one VIP for a Service.
/// </summary>
public interface IChosenAddressProvider
{
    /// <summary>
    /// As <see cref="ILoadBalancerProvider.EnsureLoadBalancerAsync"/>, but a load balancer created now gets
    /// <paramref name="address"/>. One that exists already is returned as it is, whatever its address.
    /// </summary>
    /// <exception cref="ProviderException">The address is outside the pool or taken by another load balancer (not retryable).</exception>
    Task<LoadBalancerInfo> EnsureLoadBalancerAsync(LoadBalancerOwner owner, string name, string address, CancellationToken cancellationToken);
}
