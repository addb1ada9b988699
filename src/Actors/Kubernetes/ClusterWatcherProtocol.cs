using DirectLB.Actors.Domain;

namespace DirectLB.Actors.Kubernetes;

/// <summary>Asks a watcher to send its current view of a Service to the entity again.</summary>
public sealed record ResendServiceState(ServiceKey Key);

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
