namespace DirectLB.Providers.Simulated;

/// <summary>How the simulated cloud behaves. The defaults are a fast, unlimited API.</summary>
public sealed record SimulatedProviderOptions
{
    /// <summary>Time every call takes before it answers.</summary>
    public TimeSpan Latency { get; init; } = TimeSpan.Zero;

    /// <summary>Calls per second the API accepts; past it a call fails as throttled. 0 means no limit.</summary>
    public double RateLimitPerSecond { get; init; }

    /// <summary>How many calls may arrive at once before the rate limit applies.</summary>
    public int RateLimitBurst { get; init; } = 10;

    public int MaxTargetsPerLoadBalancer { get; init; } = 1000;

    /// <summary>
    /// How long a newly registered target reports <see cref="Model.TargetHealth.Initial"/> before it turns healthy,
    /// as a cloud load balancer's registration and first health checks take seconds to minutes. 0: healthy at once.
    /// </summary>
    public TimeSpan HealthyAfter { get; init; } = TimeSpan.Zero;

    /// <summary>
    /// What every id this cloud hands out starts with; null (the default) picks a random one per instance, so a new
    /// process never hands out an id an older journal still holds. Set it to model a cloud that reuses ids.
    /// </summary>
    public string? IdPrefix { get; init; }

    /// <summary>Load balancers per page when an installation lists its own.</summary>
    public int ListPageSize { get; init; } = 100;

    /// <summary>Random faults (failures, throttling, slow answers); none by default.</summary>
    public ProviderChaos? Chaos { get; init; }

    /// <summary>
    /// The block addresses are handed out from. The default is loopback so that nothing a user tries
    /// against a simulated address ever leaves the machine (nothing listens there: it is simulated).
    /// </summary>
    public string AddressPool { get; init; } = "127.0.201.0/24";

    /// <summary>
    /// The IPv6 block (/64 to /126) IPv6 addresses are handed out from: a Service under dual stack, or one that asks for
    /// IPv6 only, gets its IPv6 address here. The default is a unique local block nothing routes to. Null or empty: IPv4 only.
    /// </summary>
    public string? AddressPool6 { get; init; } = "fd00:db8:201::/112";
}
