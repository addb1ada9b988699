using System.Collections.Immutable;
using DirectLB.Actors.Domain;
using DirectLB.Actors.Serialization;
using DirectLB.Providers;

namespace DirectLB.Actors.Observability;

/// <summary>
/// Asks one replica's <see cref="ServiceStatusResponder"/> for its Services in key order: those after
/// <paramref name="After"/> (a <see cref="ServiceKey"/> as text), in <paramref name="Namespace"/> or exactly
/// <paramref name="Key"/> when given, at most <paramref name="Limit"/>.
/// </summary>
public sealed record GetServiceRows(string? Namespace, ServiceKey? Key, string? After, int Limit) : IDirectLbMessage;

/// <summary>
/// One replica's answer: its Services in key order, as many as fit one remoting frame; <paramref name="More"/> when it
/// holds more that match (ask again after the last key).
/// </summary>
public sealed record ServiceRows(string Owner, ImmutableArray<ServiceRow> Rows, bool More) : IDirectLbMessage;

/// <summary>
/// A Service as its owner replica shows it: load balancer, the first <see cref="ServiceRowSelection.MaxTargets"/>
/// targets (by endpoint) with their health (<see cref="TargetCount"/> counts all), each load balancer node's copy when
/// there are several, the last Events and reconcile times. <see cref="PublishedAt"/> orders two rows of one Service
/// caught on two replicas while it moves: the newer one is the current owner's.
/// </summary>
public sealed record ServiceRow(
    ServiceKey Key,
    string Owner,
    string? LoadBalancerId,
    string? Address,
    bool InSync,
    string? LastError,
    int Serving,
    int Draining,
    int TargetCount,
    ImmutableArray<TargetRow> Targets,
    ImmutableArray<NodeSync>? Nodes,
    ImmutableArray<EventRow> Events,
    ImmutableArray<LatencySample> Latency,
    DateTimeOffset PublishedAt);

/// <summary>A target with the health the load balancer last reported for it (unknown before the first read-back).</summary>
public sealed record TargetRow(string Endpoint, string Cluster, string State, int Weight, string Health);
