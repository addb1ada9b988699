using DirectLB.Providers.Model;

namespace DirectLB.Providers;

/// <summary>
/// A provider that can be asked which IP families a load balancer's addresses are of: one address of one family, or
/// one of each (dual stack). A provider that implements it declares <see cref="ProviderCapabilities.AddressFamilies"/>.
/// </summary>
public interface IAddressFamiliesProvider
{
    /// <summary>
    /// As <see cref="ILoadBalancerProvider.EnsureLoadBalancerAsync"/>, but a load balancer created now gets the addresses
    /// <paramref name="addresses"/> asks for. One that exists already is returned as it is, whatever its addresses.
    /// </summary>
    /// <exception cref="AddressUnavailableException">A family the provider gives no address of, or the chosen address is outside the pool or taken.</exception>
    Task<LoadBalancerInfo> EnsureLoadBalancerAsync(LoadBalancerOwner owner, string name, AddressRequest addresses, CancellationToken cancellationToken);

    /// <summary>
    /// Gives the load balancer the addresses <paramref name="addresses"/> asks for, with its listeners and targets: an
    /// address it has of a family that stays is kept (unless another one of that family is chosen), a new one serves
    /// before an old one is released, and the address of a family no longer asked for is released.
    /// </summary>
    /// <exception cref="AddressUnavailableException">As on create; nothing changed.</exception>
    Task<LoadBalancerInfo> ReaddressLoadBalancerAsync(LoadBalancerRef loadBalancer, AddressRequest addresses, CancellationToken cancellationToken);
}
