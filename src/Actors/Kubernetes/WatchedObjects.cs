using System.Collections.Immutable;
using DirectLB.Actors.Domain;

namespace DirectLB.Actors.Kubernetes;

/// <summary>
/// What the watcher's informer keeps of a Service instead of the client's <c>V1Service</c>: its key, the snapshot the
/// entities plan from, and its pod selector (null when it has none), which the readiness gate webhook asks about.
/// </summary>
public sealed record WatchedService(ServiceKey Key, ServiceSnapshot Snapshot, ImmutableSortedDictionary<string, string>? Selector);

/// <summary>What the watcher's informer keeps of an EndpointSlice instead of the client's object: the Service it belongs to and its snapshot.</summary>
public sealed record WatchedSlice(ServiceKey Owner, EndpointSliceSnapshot Snapshot);
