using DirectLB.Providers.Model;
using Microsoft.Extensions.Logging;

namespace DirectLB.Providers.HAProxy;

/// <summary>
/// Addresses from the VIP pools: per IP family the next free one, or one the caller asks for, at creation or later. A
/// dual-stack load balancer has one of each family, every frontend bound to both.
/// </summary>
public sealed partial class HAProxyProvider : IAddressFamiliesProvider
{
    /// <summary>The address must be in the VIP pool and free: a Service's requested address, or another node's VIP for it.</summary>
    public Task<LoadBalancerInfo> EnsureLoadBalancerAsync(LoadBalancerOwner owner, string name, string address, CancellationToken cancellationToken) =>
        EnsureLoadBalancerCoreAsync(owner, name, new AddressRequest(AddressRequest.FamilyOf(address), DualStack: false, address), cancellationToken);

    public Task<LoadBalancerInfo> EnsureLoadBalancerAsync(LoadBalancerOwner owner, string name, AddressRequest addresses, CancellationToken cancellationToken) =>
        EnsureLoadBalancerCoreAsync(owner, name, addresses, cancellationToken);

    private Task<LoadBalancerInfo> EnsureLoadBalancerCoreAsync(LoadBalancerOwner owner, string name, AddressRequest addresses, CancellationToken cancellationToken) =>
        UnderGateAsync(async () =>
        {
            if (_model.FindOwned(owner) is { } existing)
            {
                return existing;
            }

            var given = Assign(addresses, [], _model.LoadBalancers.Values);
            var created = new LoadBalancerInfo(NewId(owner), name, given[0], owner.ToTags(), []) { SecondaryAddress = given.ElementAtOrDefault(1) };

            // No listener yet means no frontend: recording it in the file is enough, no reload needed.
            await WriteConfigAsync(_model.With(created), cancellationToken);
            _logger.LogInformation("Created load balancer {Id} at {Address} for {Service}", created.Id, string.Join(", ", given), owner.ToTags()[LoadBalancerOwner.ServiceTag]);
            return _model.Get(created.Id);
        }, cancellationToken);

    /// <summary>
    /// Rebinds every frontend of the load balancer from the address of <paramref name="address"/>'s family to it, keeping
    /// the other family's address of a dual-stack load balancer.
    /// </summary>
    public Task<LoadBalancerInfo> MoveLoadBalancerAsync(LoadBalancerRef loadBalancer, string address, CancellationToken cancellationToken) =>
        UnderGateAsync(() =>
        {
            var current = GetOwned(loadBalancer);
            var kept = AddressRequest.Of(current.Addresses);
            var family = AddressRequest.FamilyOf(address);
            return ReaddressAsync(current, kept.Families.Contains(family) ? kept with { Address = address } : new AddressRequest(family, DualStack: false, address), cancellationToken);
        }, cancellationToken);

    public Task<LoadBalancerInfo> ReaddressLoadBalancerAsync(LoadBalancerRef loadBalancer, AddressRequest addresses, CancellationToken cancellationToken) =>
        UnderGateAsync(() => ReaddressAsync(GetOwned(loadBalancer), addresses, cancellationToken), cancellationToken);

    /// <summary>
    /// Under the gate. Rebinds every frontend to the new addresses in one seamless reload: a new address accepts before an
    /// old one stops, and connections made to an old one finish in the old worker.
    /// </summary>
    private async Task<LoadBalancerInfo> ReaddressAsync(LoadBalancerInfo current, AddressRequest addresses, CancellationToken cancellationToken)
    {
        var given = Assign(addresses, current.Addresses, _model.LoadBalancers.Values.Where(lb => lb.Id != current.Id));
        if (given.SequenceEqual(current.Addresses, StringComparer.Ordinal))
        {
            return current;
        }

        var moved = _model.With(current with { Address = given[0], SecondaryAddress = given.ElementAtOrDefault(1) });
        if (current.Listeners.Count == 0)
        {
            await WriteConfigAsync(moved, cancellationToken); // no frontend: nothing is bound yet
        }
        else
        {
            await ReloadWithAsync(moved, cancellationToken);
        }

        _logger.LogInformation("Moved load balancer {Id} from {Previous} to {Address}", current.Id, string.Join(", ", current.Addresses), string.Join(", ", given));
        return _model.Get(current.Id);
    }

    /// <summary>The addresses for the request: those held kept, the others the next free or the chosen one of their family's pool.</summary>
    private IReadOnlyList<string> Assign(AddressRequest request, IReadOnlyList<string> held, IEnumerable<LoadBalancerInfo> others)
    {
        var used = others.SelectMany(lb => lb.Addresses).ToList();
        return AddressAssignment.Resolve(request, held, (family, chosen) =>
        {
            var pool = PoolFor(family);
            return chosen is null ? pool.Next(used) : pool.Claim(chosen, used);
        });
    }

    /// <summary>IPv6 addresses come from <see cref="HAProxyProviderOptions.VipPool6"/>, IPv4 ones from the VIP pool.</summary>
    private VipPool PoolFor(IpFamily family) =>
        family == IpFamily.IPv4 ? _vips
        : _vips6 ?? throw new AddressUnavailableException("this HAProxy has no IPv6 VIP pool (--vip-pool6)");
}
