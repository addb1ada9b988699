using System.Collections.Immutable;
using DirectLB.Actors.Domain;
using DirectLB.Actors.Serialization;

namespace DirectLB.Actors.Kubernetes;

/// <summary>
/// Asks for the current view of a Service to be sent to its entity again. Entities on any replica send it to
/// the member-cluster singleton, which hands it to each of its watchers.
/// </summary>
public sealed record ResendServiceState(ServiceKey Key) : IDirectLbMessage;

/// <summary>Asks a watcher to send every Service it knows to its entity again, e.g. after a replica is gone.</summary>
public sealed record ResendAllServices
{
    public static ResendAllServices Instance { get; } = new();
}

/// <summary>The member cluster leaves DirectLB's configuration: tell every entity its Service is gone from it, then stop.</summary>
public sealed record DecommissionWatcher
{
    public static DecommissionWatcher Instance { get; } = new();
}

/// <summary>Asks a watcher how it is doing; answered with <see cref="WatcherStatus"/>.</summary>
public sealed record GetWatcherStatus
{
    public static GetWatcherStatus Instance { get; } = new();
}

/// <summary>A watcher's health: whether both resources listed once, whether the API server answers.</summary>
public sealed record WatcherStatus(string ClusterId, bool Synced, bool Connected, string? LastError, int Services, int RelevantServices);

/// <summary>Asks a watcher which Services it routes to entities, and whether its view is complete; answered with <see cref="WatcherInventory"/>.</summary>
public sealed record GetWatcherInventory
{
    public static GetWatcherInventory Instance { get; } = new();
}

/// <summary>
/// The entity keys of every Service DirectLB serves in one member cluster (of its class, or still carrying its
/// finalizer). <see cref="Complete"/> is false until both resources listed once, and while the API server is
/// unreachable: then the routes may miss Services, and nothing may be concluded from an absence.
/// </summary>
public sealed record WatcherInventory(string ClusterId, bool Complete, ImmutableArray<ServiceKey> Routes);
