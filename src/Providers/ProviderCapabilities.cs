using DirectLB.Providers.Model;

namespace DirectLB.Providers;

/// <summary>
/// What a provider can do, declared so the planner refuses what it cannot instead of assuming.
/// <see cref="SupportsSourceRanges"/> says the load balancer refuses clients outside a listener's source ranges: a
/// provider that would ignore them must not get them, since an ignored firewall rule is an open door.
/// <see cref="SupportsSessionAffinity"/> says it keeps a client on one target (ClientIP affinity with a timeout).
/// <see cref="SupportsRequestedAddress"/> says a load balancer can be given an address the caller chose, at creation and
/// later (<see cref="IChosenAddressProvider"/>).
/// <see cref="AddressFamilies"/> are the IP families a load balancer can be asked to have an address of
/// (<see cref="IAddressFamiliesProvider"/>); both means dual stack. Empty: the provider gives one address of its own
/// choosing (or the requested one) and is never asked for families.
/// </summary>
public sealed record ProviderCapabilities(
    bool SupportsWeights,
    bool SupportsDrain,
    int MaxTargetsPerLoadBalancer,
    IReadOnlySet<TransportProtocol> Protocols)
{
    public bool SupportsSourceRanges { get; init; }

    public bool SupportsSessionAffinity { get; init; }

    public bool SupportsRequestedAddress { get; init; }

    public IReadOnlySet<IpFamily> AddressFamilies { get; init; } = new HashSet<IpFamily>();

    /// <summary>Whether a load balancer can have an address of each family: an IPv4 and an IPv6 one.</summary>
    public bool SupportsDualStack => AddressFamilies.Contains(IpFamily.IPv4) && AddressFamilies.Contains(IpFamily.IPv6);

    public bool Supports(TransportProtocol protocol) => Protocols.Contains(protocol);
}
