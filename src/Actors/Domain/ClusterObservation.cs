using System.Collections.Immutable;

namespace DirectLB.Actors.Domain;

/// <summary>
/// What one member cluster currently says about a Service: its spec and all its EndpointSlices.
/// <see cref="Stale"/> marks the view of a member cluster unreachable for longer than the configured limit:
/// its spec still counts, its endpoints no longer do.
/// </summary>
public sealed record ClusterObservation(
    string ClusterId,
    ServiceSnapshot Service,
    ImmutableArray<EndpointSliceSnapshot> Slices,
    bool Stale = false)
{
    /// <summary>The pods of this member cluster that list the Service's readiness gate.</summary>
    public ImmutableArray<GatedPod> Gates { get; init; } = [];
}
