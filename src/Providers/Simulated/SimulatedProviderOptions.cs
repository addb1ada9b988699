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
    /// The block addresses are handed out from. The default is loopback so that nothing a user tries
    /// against a simulated address ever leaves the machine (nothing listens there: it is simulated).
    /// </summary>
    public string AddressPool { get; init; } = "127.0.201.0/24";
}
