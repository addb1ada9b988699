using DirectLB.Providers.Model;

namespace DirectLB.Providers.Http.Contract;

/// <summary>
/// Body of <c>GET /v1/capabilities</c>. Capabilities added later are optional and default to false (or none), so a server
/// written before them is never handed a setting it would ignore. <see cref="AddressFamilies"/>: the IP families a load
/// balancer can be asked to have an address of (both: dual stack); absent, none is ever asked for.
/// </summary>
public sealed record CapabilitiesDto(
    bool SupportsWeights,
    bool SupportsDrain,
    int MaxTargetsPerLoadBalancer,
    IReadOnlyList<TransportProtocol> Protocols,
    bool SupportsSourceRanges = false,
    bool SupportsSessionAffinity = false,
    bool SupportsRequestedAddress = false,
    IReadOnlyList<IpFamily>? AddressFamilies = null);
