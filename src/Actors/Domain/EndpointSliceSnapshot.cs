using System.Collections.Immutable;

namespace DirectLB.Actors.Domain;

/// <summary>
/// One discovery.k8s.io/v1 EndpointSlice of a Service. Its ports are named after the Service's ports and
/// carry the resolved container port, which is how named target ports resolve.
/// </summary>
public sealed record EndpointSliceSnapshot(
    string Name,
    string AddressType,
    ImmutableArray<EndpointPortSnapshot> Ports,
    ImmutableArray<EndpointSnapshot> Endpoints);

public sealed record EndpointPortSnapshot(string Name, string Protocol, int Port);

/// <summary>
/// An endpoint with its conditions as the API defines them: an absent <c>ready</c> or <c>serving</c> means
/// true, an absent <c>terminating</c> means false (the watcher applies those defaults).
/// </summary>
public sealed record EndpointSnapshot(
    ImmutableArray<string> Addresses,
    bool Ready,
    bool Serving,
    bool Terminating,
    string? TargetName,
    string? NodeName = null);
