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
