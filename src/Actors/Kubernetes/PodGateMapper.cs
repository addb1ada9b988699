using DirectLB.Actors.Domain;
using k8s.Models;

namespace DirectLB.Actors.Kubernetes;

/// <summary>
/// What the watcher keeps of a pod: nothing of a pod without one of DirectLB's readiness gates (the vast majority),
/// and of a gated pod only what its gates need. A pod's readiness gates are fixed at its creation, so a pod is gated
/// for its whole life or never.
/// </summary>
public static class PodGateMapper
{
    public const string ContainersReady = "ContainersReady";

    /// <summary>The slim copy of a gated pod to cache, or null for a pod DirectLB has no gate on.</summary>
    public static V1Pod? Project(V1Pod pod)
    {
        var gates = pod.Spec?.ReadinessGates?.Where(g => ReadinessGate.ServiceOf(g.ConditionType ?? "") is not null).ToList();
        if (gates is not { Count: > 0 })
        {
            return null;
        }

        var meta = pod.Metadata;
        return new V1Pod
        {
            Metadata = new V1ObjectMeta
            {
                Name = meta.Name,
                NamespaceProperty = meta.NamespaceProperty,
                Uid = meta.Uid,
                ResourceVersion = meta.ResourceVersion,
                DeletionTimestamp = meta.DeletionTimestamp,
            },
            Spec = new V1PodSpec { ReadinessGates = gates },
            Status = new V1PodStatus
            {
                Phase = pod.Status?.Phase,
                PodIP = pod.Status?.PodIP,
                PodIPs = pod.Status?.PodIPs,
                Conditions = pod.Status?.Conditions?.Where(c => c.Type == ContainersReady || gates.Any(g => g.ConditionType == c.Type)).ToList(),
            },
        };
    }

    /// <summary>Each Service the pod is gated on (by name, in the pod's namespace), with what the entity needs of the pod.</summary>
    public static IEnumerable<(ServiceKey Service, GatedPod Pod)> Gates(V1Pod pod)
    {
        var meta = pod.Metadata;
        var conditions = pod.Status?.Conditions ?? [];
        var containers = conditions.FirstOrDefault(c => c.Type == ContainersReady);
        var ready = containers?.Status == "True";
        var addresses = (pod.Status?.PodIPs?.Select(ip => ip.Ip) ?? [pod.Status?.PodIP]).OfType<string>().Where(ip => ip.Length > 0).Distinct().ToList();
        var terminating = meta.DeletionTimestamp is not null || pod.Status?.Phase is "Succeeded" or "Failed";
        DateTimeOffset? since = ready && containers?.LastTransitionTime is { } changed ? new DateTimeOffset(DateTime.SpecifyKind(changed, DateTimeKind.Utc)) : null;
        foreach (var gate in pod.Spec?.ReadinessGates ?? [])
        {
            if (ReadinessGate.ServiceOf(gate.ConditionType ?? "") is not { } service)
            {
                continue;
            }

            var condition = conditions.FirstOrDefault(c => c.Type == gate.ConditionType) is { } set
                ? new GateCondition(set.Status == "True", set.Reason ?? "", set.Message ?? "")
                : null;
            yield return (new ServiceKey(meta.NamespaceProperty, service), new GatedPod(
                meta.Name, meta.Uid ?? "", meta.ResourceVersion ?? "", [.. addresses], ready, terminating, condition, since));
        }
    }
}
