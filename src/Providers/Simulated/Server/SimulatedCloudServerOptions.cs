namespace DirectLB.Providers.Simulated.Server;

/// <summary>How <see cref="SimulatedCloudServer"/> listens and what it serves.</summary>
public sealed record SimulatedCloudServerOptions
{
    /// <summary>An IP endpoint, <c>address:port</c> (<c>[::1]:port</c> for IPv6); port 0 picks a free one.</summary>
    public string Listen { get; init; } = "127.0.0.1:0";

    /// <summary>The simulated cloud behind the API; a default (fast, unlimited) one when null.</summary>
    public SimulatedProvider? Provider { get; init; }

    /// <summary>When set, every request must carry <c>Authorization: Bearer {token}</c>.</summary>
    public string? BearerToken { get; init; }

    /// <summary>How long a response is kept for replay under its idempotency key.</summary>
    public TimeSpan IdempotencyKeyLifetime { get; init; } = TimeSpan.FromMinutes(10);

    /// <summary>At most this many keys are kept; the oldest go first.</summary>
    public int IdempotencyKeyCapacity { get; init; } = 10_000;
}
