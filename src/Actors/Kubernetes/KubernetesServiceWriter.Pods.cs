using System.Text.Json.Nodes;
using DirectLB.Actors.Domain;
using k8s;
using k8s.Models;

namespace DirectLB.Actors.Kubernetes;

/// <summary>Readiness gates: a pod's gate condition, set on its status subresource, and Events on the pod.</summary>
public sealed partial class KubernetesServiceWriter
{
    /// <summary>
    /// A strategic merge patch of one condition: the API server merges <c>status.conditions</c> by <c>type</c>, so the
    /// kubelet's conditions (and other controllers' gates) are left as they are, with no read first and no conflict.
    /// </summary>
    public Task SetPodConditionAsync(string clusterId, string @namespace, string pod, string conditionType, GateCondition condition, CancellationToken cancellationToken) =>
        IgnoreNotFound(() => WriteAsync(clusterId, client =>
        {
            var patch = new JsonObject
            {
                ["status"] = new JsonObject
                {
                    ["conditions"] = new JsonArray(new JsonObject
                    {
                        ["type"] = conditionType,
                        ["status"] = condition.Open ? "True" : "False",
                        ["reason"] = condition.Reason,
                        ["message"] = condition.Message,
                        ["lastTransitionTime"] = clock.GetUtcNow().UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ssZ", System.Globalization.CultureInfo.InvariantCulture),
                    }),
                },
            };
            return client.CoreV1.PatchNamespacedPodStatusAsync(
                new V1Patch(patch.ToJsonString(), V1Patch.PatchType.StrategicMergePatch), pod, @namespace, fieldManager: Component, cancellationToken: cancellationToken);
        }, cancellationToken));

    public Task RecordPodEventAsync(string clusterId, string @namespace, string pod, string podUid, ServiceEvent podEvent, CancellationToken cancellationToken) =>
        CreateEventAsync(clusterId, new V1ObjectReference { ApiVersion = "v1", Kind = "Pod", Name = pod, NamespaceProperty = @namespace, Uid = podUid }, podEvent, cancellationToken);
}
