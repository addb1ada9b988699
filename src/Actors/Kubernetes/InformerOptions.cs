namespace DirectLB.Actors.Kubernetes;

/// <summary>How a watcher lists, watches and backs off, and how long it lets a readiness gate wait for its Service.</summary>
public sealed record InformerOptions
{
    /// <summary>Page size of a list; large clusters are listed in pages, as kubectl does.</summary>
    public int PageSize { get; init; } = 500;

    /// <summary>A watch is closed by the server after a random time in [Min, 2×Min) and resumed, as client-go does.</summary>
    public TimeSpan MinWatchTimeout { get; init; } = TimeSpan.FromMinutes(5);

    public TimeSpan MinBackoff { get; init; } = TimeSpan.FromMilliseconds(500);

    public TimeSpan MaxBackoff { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// How long a pod's readiness gate may name a Service that DirectLB does not serve (none of that name yet, or of
    /// another class) before the watcher releases it: the Service may still be on its way.
    /// </summary>
    public TimeSpan UnclaimedGateGrace { get; init; } = TimeSpan.FromSeconds(30);
}
