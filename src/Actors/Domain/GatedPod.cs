using System.Collections.Immutable;

namespace DirectLB.Actors.Domain;

/// <summary>
/// A pod that lists DirectLB's readiness gate for a Service (<see cref="ReadinessGate.ConditionType"/>): what the
/// entity needs of it, and nothing more (the watcher keeps no other pod). Its endpoint is held back from
/// <c>ready</c> until the gate opens, so it is registered in the load balancer as soon as its containers are ready;
/// the gate opens once the load balancer reports every one of its targets healthy.
/// </summary>
/// <param name="Condition">The gate's condition as the pod has it now; null while no one has set it.</param>
/// <param name="ContainersReadySince">When <c>ContainersReady</c> last turned true, for the gate latency metric.</param>
public sealed record GatedPod(
    string Name,
    string Uid,
    string ResourceVersion,
    ImmutableArray<string> Addresses,
    bool ContainersReady,
    bool Terminating,
    GateCondition? Condition,
    DateTimeOffset? ContainersReadySince);

/// <summary>The gate's condition on a pod: open (status True) or not, and why.</summary>
public sealed record GateCondition(bool Open, string Reason, string Message);

/// <summary>DirectLB's pod readiness gate: one condition type per Service a pod backs.</summary>
public static class ReadinessGate
{
    public const string Prefix = "target-health.directlb.io/";

    /// <summary>The condition type that gates a pod on the load balancer of Service <paramref name="serviceName"/> in its namespace.</summary>
    public static string ConditionType(string serviceName) => Prefix + serviceName;

    /// <summary>The Service a condition type names, or null when it is not one of DirectLB's gates.</summary>
    public static string? ServiceOf(string conditionType) =>
        conditionType.StartsWith(Prefix, StringComparison.Ordinal) && conditionType.Length > Prefix.Length ? conditionType[Prefix.Length..] : null;
}
