using System.Collections.Immutable;

namespace DirectLB.Actors.Planning;

/// <summary>
/// Per-Service settings read from <c>directlb.io/</c> annotations, after validation. <see cref="ClusterShares"/>
/// is empty for equal weight per pod, else each member cluster's share of the traffic in percent.
/// </summary>
public sealed record LoadBalancerSettings(string? Name, TimeSpan DrainDelay, ImmutableSortedDictionary<string, int> ClusterShares);
