using DirectLB.Providers.Model;

namespace DirectLB.Providers.Http.Contract;

/// <summary>
/// Body of <c>GET /v1/capabilities</c>. Capabilities added later are optional and default to false, so a server written
/// before them is never handed a setting it would ignore.
/// </summary>
public sealed record CapabilitiesDto(
    bool SupportsWeights,
    bool SupportsDrain,
    int MaxTargetsPerLoadBalancer,
    IReadOnlyList<TransportProtocol> Protocols,
    bool SupportsSourceRanges = false,
    bool SupportsSessionAffinity = false,
    bool SupportsRequestedAddress = false);
