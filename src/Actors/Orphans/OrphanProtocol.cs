using System.Collections.Immutable;
using DirectLB.Actors.Domain;
using DirectLB.Actors.Serialization;

namespace DirectLB.Actors.Orphans;

/// <summary>Asks the orphan collector, from any replica, what it found last; answered with <see cref="OrphanReport"/>.</summary>
public sealed record GetOrphans : IDirectLbMessage
{
    public static GetOrphans Instance { get; } = new();
}

/// <summary>
/// The collector's last pass: when it ran, why it did not look (<see cref="Paused"/>, e.g. a member cluster
/// unreachable), and the orphans it found.
/// </summary>
public sealed record OrphanReport(OrphanMode Mode, DateTimeOffset? CheckedAt, string? Paused, ImmutableArray<Orphan> Orphans) : IDirectLbMessage
{
    public static OrphanReport NotYet(OrphanMode mode) => new(mode, null, "no check has run yet", []);
}

/// <summary>
/// A load balancer of this installation whose Service exists in no member cluster: since when, and whether it was
/// handed to its Service's entity for deletion (<see cref="Collected"/>).
/// </summary>
public sealed record Orphan(string LoadBalancerId, string Name, string Address, ServiceKey Service, DateTimeOffset OrphanedSince, bool Collected);
