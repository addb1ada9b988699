using DirectLB.Actors.Domain;
using DirectLB.Actors.Planning;

namespace DirectLB.Actors.Entity;

/// <summary>
/// The entity's last plan and what it was made from: the member clusters' observations, the applied load balancer and
/// a refused address. While none of them is replaced the plan stands (the planner is pure); compared by reference, as
/// all three are immutable and each change replaces them.
/// </summary>
internal sealed record PlannedFrom(
    ClusterObservation[] Observations,
    AppliedLoadBalancer? Applied,
    ProviderOperation? RefusedAddress,
    DesiredState Desired)
{
    public bool IsFrom(IReadOnlyDictionary<string, ClusterObservation> observations, AppliedLoadBalancer? applied, ProviderOperation? refusedAddress) =>
        ReferenceEquals(applied, Applied)
        && ReferenceEquals(refusedAddress, RefusedAddress)
        && observations.Count == Observations.Length
        && Observations.All(o => observations.TryGetValue(o.ClusterId, out var now) && ReferenceEquals(now, o));
}
