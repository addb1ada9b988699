using DirectLB.Providers.Model;

namespace DirectLB.Providers;

/// <summary>
/// A provider whose load balancers' addresses come from a pool it keeps, and that can give a load balancer an address
/// chosen by the caller: how several load balancer nodes come to serve one VIP for a Service, and how a Service's
/// <c>spec.loadBalancerIP</c> (or <c>directlb.io/address</c>) is honoured. A provider that implements it declares
/// <see cref="ProviderCapabilities.SupportsRequestedAddress"/>.
/// </summary>
public interface IChosenAddressProvider
{
    /// <summary>
    /// As <see cref="ILoadBalancerProvider.EnsureLoadBalancerAsync"/>, but a load balancer created now gets
    /// <paramref name="address"/>. One that exists already is returned as it is, whatever its address.
    /// </summary>
    /// <exception cref="AddressUnavailableException">The address is outside the pool or taken by another load balancer.</exception>
    Task<LoadBalancerInfo> EnsureLoadBalancerAsync(LoadBalancerOwner owner, string name, string address, CancellationToken cancellationToken);

    /// <summary>
    /// Gives the load balancer <paramref name="address"/> instead of the one it has, with its listeners and targets:
    /// the new address serves before the old one is released. Moving to the address it has already does nothing.
    /// </summary>
    /// <exception cref="AddressUnavailableException">The address is outside the pool or taken by another load balancer; nothing changed.</exception>
    Task<LoadBalancerInfo> MoveLoadBalancerAsync(LoadBalancerRef loadBalancer, string address, CancellationToken cancellationToken);
}
