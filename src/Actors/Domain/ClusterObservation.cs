using System.Collections.Immutable;

namespace DirectLB.Actors.Domain;

/// <summary>What one member cluster currently says about a Service: its spec and all its EndpointSlices.</summary>
public sealed record ClusterObservation(
    string ClusterId,
    ServiceSnapshot Service,
    ImmutableArray<EndpointSliceSnapshot> Slices);
