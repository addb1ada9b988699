using DirectLB.Providers.Model;

namespace DirectLB.Providers.Simulated;

/// <summary>
/// Addresses, as a cloud hands them out: one per IP family asked for, from that family's pool, or the one the caller
/// chose. A cloud re-associates addresses without touching listeners and targets.
/// </summary>
public sealed partial class SimulatedProvider : IChosenAddressProvider, IAddressFamiliesProvider
{
    public Task<LoadBalancerInfo> EnsureLoadBalancerAsync(LoadBalancerOwner owner, string name, string address, CancellationToken cancellationToken) =>
        EnsureLoadBalancerCoreAsync(owner, name, new AddressRequest(AddressRequest.FamilyOf(address), DualStack: false, address), cancellationToken);

    public Task<LoadBalancerInfo> EnsureLoadBalancerAsync(LoadBalancerOwner owner, string name, AddressRequest addresses, CancellationToken cancellationToken) =>
        EnsureLoadBalancerCoreAsync(owner, name, addresses, cancellationToken);

    /// <summary>The address of its family is replaced; the load balancer keeps its families (or takes the new address's alone).</summary>
    public async Task<LoadBalancerInfo> MoveLoadBalancerAsync(LoadBalancerRef loadBalancer, string address, CancellationToken cancellationToken)
    {
        await EnterAsync(ProviderCallKind.EnsureLoadBalancer, cancellationToken);
        lock (_gate)
        {
            var lb = GetOwned(loadBalancer);
            var kept = AddressRequest.Of(lb.Addresses);
            var family = AddressRequest.FamilyOf(address);
            return Readdress(lb, kept.Families.Contains(family) ? kept with { Address = address } : new AddressRequest(family, DualStack: false, address));
        }
    }

    public async Task<LoadBalancerInfo> ReaddressLoadBalancerAsync(LoadBalancerRef loadBalancer, AddressRequest addresses, CancellationToken cancellationToken)
    {
        await EnterAsync(ProviderCallKind.EnsureLoadBalancer, cancellationToken);
        lock (_gate)
        {
            return Readdress(GetOwned(loadBalancer), addresses);
        }
    }

    private async Task<LoadBalancerInfo> EnsureLoadBalancerCoreAsync(LoadBalancerOwner owner, string name, AddressRequest addresses, CancellationToken cancellationToken)
    {
        await EnterAsync(ProviderCallKind.EnsureLoadBalancer, cancellationToken);
        lock (_gate)
        {
            if (FindOwned(owner) is { } existing)
            {
                return existing.ToInfo(Health);
            }

            var given = Assign(addresses, []);
            var id = $"{_idPrefix}{Interlocked.Increment(ref _nextId):D6}";
            var created = new SimulatedLoadBalancer(id, name, given[0], owner.ToTags()) { SecondaryAddress = given.ElementAtOrDefault(1) };
            _loadBalancers.Add(id, created);
            Index(created);
            return created.ToInfo(Health);
        }
    }

    /// <summary>Under the gate. The new addresses are taken before the old ones are given back.</summary>
    private LoadBalancerInfo Readdress(SimulatedLoadBalancer lb, AddressRequest addresses)
    {
        var held = lb.Addresses;
        var given = Assign(addresses, held);
        foreach (var released in held.Except(given))
        {
            PoolOf(released).Return(released);
        }

        lb.Address = given[0];
        lb.SecondaryAddress = given.ElementAtOrDefault(1);
        return lb.ToInfo(Health);
    }

    /// <summary>Under the gate. A refusal gives back what was taken for the request, so nothing changes.</summary>
    private List<string> Assign(AddressRequest request, IReadOnlyList<string> held)
    {
        var taken = new List<string>();
        try
        {
            return [.. AddressAssignment.Resolve(request, held, (family, chosen) =>
            {
                var pool = PoolOf(family);
                var address = chosen is null ? pool.Take() : pool.Claim(chosen, held: null);
                taken.Add(address);
                return address;
            })];
        }
        catch (ProviderException)
        {
            taken.ForEach(a => PoolOf(a).Return(a));
            throw;
        }
    }

    private AddressPool PoolOf(IpFamily family) =>
        family == IpFamily.IPv4 ? _addresses
        : _addresses6 ?? throw new AddressUnavailableException("the simulated cloud has no IPv6 address pool (AddressPool6)");

    private AddressPool PoolOf(string address) => PoolOf(AddressRequest.FamilyOf(address));

    private static AddressPool Pool(string cidr, IpFamily family)
    {
        var pool = new AddressPool(cidr);
        return pool.Family == family ? pool : throw new ArgumentException($"address pool '{cidr}' is not {family}");
    }
}
