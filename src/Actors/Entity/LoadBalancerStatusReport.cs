using System.Collections.Immutable;
using DirectLB.Actors.Domain;
using DirectLB.Actors.Serialization;
using DirectLB.Providers.Model;

namespace DirectLB.Actors.Entity;

/// <summary>
/// What an entity reports about its Service's load balancer: for tests, logs and the status page. It may cross replicas.
/// <see cref="Health"/> is each target's health as the load balancer saw it at the last read-back (absent: not read yet).
/// </summary>
public sealed record LoadBalancerStatusReport(
    ServiceKey Key,
    string? LoadBalancerId,
    string? Address,
    ImmutableArray<TargetSpec> Targets,
    bool InSync,
    string? LastError,
    ImmutableDictionary<TargetKey, TargetHealth>? Health = null) : IDirectLbMessage
{
    public TargetHealth HealthOf(TargetKey target) => Health?.GetValueOrDefault(target, TargetHealth.Unknown) ?? TargetHealth.Unknown;

    public int ServingTargets => Targets.Count(t => t.State == TargetState.Serving);

    public int DrainingTargets => Targets.Count(t => t.State == TargetState.Draining);
}
