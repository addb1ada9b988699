using System.Collections.Immutable;
using DirectLB.Providers.Model;

namespace DirectLB.Actors.Planning;

/// <summary>
/// Per-Service settings read from <c>directlb.io/</c> annotations, after validation. <see cref="ClusterShares"/>
/// is empty for equal weight per pod, else each member cluster's share of the traffic in percent.
/// <see cref="PerNode"/> weighs every node equally (as externalTrafficPolicy: Local does) instead of every pod.
/// <see cref="SourceRanges"/> come from the Service's spec (or its older annotation), not from directlb.io annotations.
/// </summary>
public sealed record LoadBalancerSettings(
    string? Name,
    TimeSpan DrainDelay,
    ImmutableSortedDictionary<string, int> ClusterShares,
    HealthCheckSpec? HealthCheck,
    bool ProxyProtocolV2,
    bool PerNode)
{
    public SourceRanges? SourceRanges { get; init; }

    /// <summary>From <c>spec.sessionAffinity</c>, as <see cref="SourceRanges"/> from the spec.</summary>
    public ClientIpAffinity? Affinity { get; init; }
}
