using System.Collections.Immutable;
using DirectLB.Actors.Domain;
using DirectLB.Actors.Planning;
using DirectLB.Providers.Model;

namespace DirectLB.Actors.Entity;

/// <summary>One pod's gate condition to write, in the pod's own member cluster.</summary>
public sealed record GateUpdate(string ClusterId, GatedPod Pod, GateCondition Condition);

/// <summary>
/// Decides each gated pod's readiness gate from what the load balancer reports (pure, so every rule is a table test):
/// <list type="bullet">
/// <item>open once every target of the pod is healthy in the load balancer;</item>
/// <item>closed again when one turns unhealthy, unless the pod is terminating (its drain is not the gate's business);</item>
/// <item>closed, saying why, while it waits: registering, health checks not passed yet, the load balancer unreachable,
/// the Service's configuration invalid;</item>
/// <item>opened for good (released) when the Service no longer wants a load balancer of DirectLB: deleted, another
/// class or type. A gate must never hold a pod forever.</item>
/// </list>
/// Only changes are returned: a pod whose condition already says the same is left alone.
/// </summary>
public static class ReadinessGates
{
    public const string Healthy = "TargetHealthy";
    public const string Unhealthy = "TargetUnhealthy";
    public const string Registering = "TargetRegistering";
    public const string Checking = "TargetHealthChecking";
    public const string Blocked = "LoadBalancerUnavailable";
    public const string Invalid = "InvalidConfiguration";
    public const string Released = "ReadinessGateReleased";

    /// <param name="problem">Why the load balancer cannot be acted on now (a failing provider, invalid configuration), or null.</param>
    public static ImmutableArray<GateUpdate> Next(
        ServiceKey key,
        IEnumerable<ClusterObservation> observations,
        ServiceClassFilter filter,
        AppliedLoadBalancer? applied,
        IReadOnlyDictionary<TargetKey, TargetHealth>? health,
        (string Reason, string Message)? problem)
    {
        var updates = ImmutableArray.CreateBuilder<GateUpdate>();
        foreach (var observation in observations)
        {
            var wanted = filter.WantsLoadBalancer(observation.Service) && !observation.Service.IsDeleting;
            foreach (var pod in observation.Gates.Where(p => !p.Terminating))
            {
                var condition = wanted
                    ? Decide(pod, applied, health, problem)
                    : ReleasedFor(key);
                if (condition is not null && condition != pod.Condition)
                {
                    updates.Add(new GateUpdate(observation.ClusterId, pod, condition));
                }
            }
        }

        return updates.ToImmutable();
    }

    /// <summary>The open condition that lets a pod go when the Service its gate names is not (or no longer) one DirectLB serves.</summary>
    public static GateCondition ReleasedFor(ServiceKey key) =>
        new(true, Released, $"Service {key.Namespace}/{key.Name} is deleted or not served by DirectLB; its gate no longer holds this pod");

    /// <summary>True while some gated pod with ready containers still waits for its gate: the entity then reads health often.</summary>
    public static bool AnyPending(IEnumerable<ClusterObservation> observations, ServiceClassFilter filter) =>
        observations.Any(o => filter.WantsLoadBalancer(o.Service) && !o.Service.IsDeleting
            && o.Gates.Any(p => p.ContainersReady && !p.Terminating && p.Condition?.Open != true));

    private static GateCondition? Decide(
        GatedPod pod,
        AppliedLoadBalancer? applied,
        IReadOnlyDictionary<TargetKey, TargetHealth>? health,
        (string Reason, string Message)? problem)
    {
        if (!pod.ContainersReady)
        {
            return null; // not ready anyway; the kubelet says why
        }

        var targets = applied?.Listeners.Values
            .SelectMany(l => l.Targets.Keys)
            .Where(t => pod.Addresses.Contains(t.Address))
            .Distinct()
            .Order()
            .ToList() ?? [];
        var states = targets.Select(t => (Target: t, Health: health?.GetValueOrDefault(t, TargetHealth.Unknown) ?? TargetHealth.Unknown)).ToList();
        if (states.FirstOrDefault(s => s.Health == TargetHealth.Unhealthy) is { Target.Address: not null } sick)
        {
            return new GateCondition(false, Unhealthy, $"the load balancer reports target {sick.Target} unhealthy");
        }

        if (pod.Condition?.Open == true)
        {
            return null; // once open, only an unhealthy target closes it again
        }

        if (states.Count > 0 && states.All(s => s.Health == TargetHealth.Healthy))
        {
            return new GateCondition(true, Healthy, $"the load balancer reports {(states.Count == 1 ? $"target {states[0].Target}" : $"all {states.Count} targets")} healthy");
        }

        if (problem is { } why)
        {
            return new GateCondition(false, why.Reason, why.Message);
        }

        return states.Count == 0
            ? new GateCondition(false, Registering, "waiting for the pod to be registered in the load balancer")
            : new GateCondition(false, Checking, "waiting for the load balancer's health checks to pass");
    }
}
