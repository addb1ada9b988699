using DirectLB.Actors.Domain;

namespace DirectLB.Actors.Kubernetes;

/// <summary>Asks a watcher to send its current view of a Service to the entity again.</summary>
public sealed record ResendServiceState(ServiceKey Key);

/// <summary>Asks a watcher how it is doing; answered with <see cref="WatcherStatus"/>.</summary>
public sealed record GetWatcherStatus
{
    public static GetWatcherStatus Instance { get; } = new();
}

/// <summary>A watcher's health: whether both resources listed once, whether the API server answers.</summary>
public sealed record WatcherStatus(string ClusterId, bool Synced, bool Connected, string? LastError, int Services, int RelevantServices);
