using System.Collections.Immutable;
using System.Text.Json.Nodes;
using DirectLB.Actors.Domain;

namespace DirectLB.Actors.Admission;

/// <summary>
/// The JSON patch that gives a new pod DirectLB's readiness gate for each Service that selects it: one
/// <c>spec.readinessGates</c> entry <c>{conditionType: target-health.directlb.io/&lt;service&gt;}</c> per Service, after
/// the gates the pod lists already, none twice.
/// </summary>
public static class ReadinessGateInjection
{

    /// <summary>The gates to add, in Service name order; empty when the pod has them all.</summary>
    public static ImmutableArray<string> Missing(PodCreation pod, IEnumerable<string> services) =>
        [.. services.Select(ReadinessGate.ConditionType).Distinct().Where(type => !pod.ReadinessGates.Contains(type)).Order(StringComparer.Ordinal)];

    /// <summary>The patch adding <paramref name="missing"/>; null when there is nothing to add.</summary>
    public static JsonArray? Patch(PodCreation pod, ImmutableArray<string> missing)
    {
        if (missing.IsEmpty)
        {
            return null;
        }

        if (pod.ReadinessGates.IsEmpty)
        {
            // No list yet (or an empty one, or null): the whole list in one operation.
            return [new JsonObject { ["op"] = "add", ["path"] = "/spec/readinessGates", ["value"] = new JsonArray([.. missing.Select(Gate)]) }];
        }

        return [.. missing.Select(type => new JsonObject { ["op"] = "add", ["path"] = "/spec/readinessGates/-", ["value"] = Gate(type) })];
    }

    private static JsonNode Gate(string conditionType) => new JsonObject { ["conditionType"] = conditionType };
}
