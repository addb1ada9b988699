using DirectLB.Providers.Model;

namespace DirectLB.Providers.Http.Contract;

/// <summary>Body of <c>GET /v1/capabilities</c>.</summary>
public sealed record CapabilitiesDto(
    bool SupportsWeights,
    bool SupportsDrain,
    int MaxTargetsPerLoadBalancer,
    IReadOnlyList<TransportProtocol> Protocols);
