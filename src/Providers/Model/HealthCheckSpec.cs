namespace DirectLB.Providers.Model;

/// <summary>
/// How the load balancer probes each target of a listener. With no <see cref="HttpPath"/> the probe is a
/// TCP connect; with one it is an HTTP GET that must answer 2xx or 3xx. <see cref="Port"/> null probes the
/// target's own port. A target goes down after <see cref="Fall"/> failed probes and comes back after
/// <see cref="Rise"/> good ones; probes run every <see cref="IntervalMilliseconds"/>.
/// Plain numbers rather than TimeSpan so the record stays a compile-time-defaultable positional record.
/// </summary>
public sealed record HealthCheckSpec(
    string? HttpPath = null,
    int? Port = null,
    int IntervalMilliseconds = 2000,
    int Rise = 2,
    int Fall = 3)
{
    /// <summary>Why this check cannot be applied, or null when it can.</summary>
    public string? Validate()
    {
        if (HttpPath is not null && (!HttpPath.StartsWith('/') || HttpPath.Any(c => char.IsWhiteSpace(c) || char.IsControl(c))))
        {
            return $"health check path '{HttpPath}' must start with '/' and contain no spaces";
        }

        if (Port is < 1 or > 65535)
        {
            return $"health check port {Port} is not between 1 and 65535";
        }

        if (IntervalMilliseconds < 100)
        {
            return $"health check interval {IntervalMilliseconds} ms is shorter than 100 ms";
        }

        return Rise < 1 || Fall < 1 ? $"health check rise {Rise} and fall {Fall} must both be at least 1" : null;
    }
}
