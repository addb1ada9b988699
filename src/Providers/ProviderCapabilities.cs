using DirectLB.Providers.Model;

namespace DirectLB.Providers;

/// <summary>What a provider can do, declared so the planner refuses what it cannot instead of assuming.</summary>
public sealed record ProviderCapabilities(
    bool SupportsWeights,
    bool SupportsDrain,
    int MaxTargetsPerLoadBalancer,
    IReadOnlySet<TransportProtocol> Protocols)
{
    public bool Supports(TransportProtocol protocol) => Protocols.Contains(protocol);
}
