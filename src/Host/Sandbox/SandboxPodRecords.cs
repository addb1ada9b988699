using DirectLB.KubeApiServer.Store;
using DirectLB.KubeApiServer.Typed;
using k8s.Models;

namespace DirectLB.Host.Sandbox;

/// <summary>
/// The Pod objects of the sandbox's pods, as the kubelet reports them, so <c>kubectl get pods</c> shows them: Running
/// and Ready while they serve; Terminating (deleted, held by a finalizer) while they drain; gone once stopped.
/// </summary>
public sealed class SandboxPodRecords(ObjectStore store)
{
    private const string Node = "sandbox-node";
    private const string Finalizer = "sandbox.directlb.io/running";

    public void Running(string service, SandboxPod pod)
    {
        var created = store.Create(new V1Pod
        {
            ApiVersion = "v1",
            Kind = "Pod",
            Metadata = new V1ObjectMeta
            {
                Name = pod.Name,
                NamespaceProperty = SandboxWorkload.Namespace,
                Labels = new Dictionary<string, string> { ["app"] = service },
                Finalizers = [Finalizer],
            },
            Spec = new V1PodSpec
            {
                NodeName = Node,
                Containers = [new V1Container { Name = service, Image = "directlb-sandbox-pod", Ports = [new V1ContainerPort { Name = "http", ContainerPort = SandboxPod.Port }] }],
            },
        });
        created.Status = new V1PodStatus
        {
            Phase = "Running",
            PodIP = pod.Address.ToString(),
            PodIPs = [new V1PodIP { Ip = pod.Address.ToString() }],
            Conditions = [new V1PodCondition { Type = "Ready", Status = "True" }],
            ContainerStatuses =
            [
                new V1ContainerStatus
                {
                    Name = service, Image = "directlb-sandbox-pod", ImageID = "", Ready = true, RestartCount = 0,
                    State = new V1ContainerState { Running = new V1ContainerStateRunning { StartedAt = DateTime.UtcNow } },
                },
            ],
        };
        store.ReplaceStatus(created);
    }

    public void Terminating(SandboxPod pod) => store.Delete<V1Pod>(SandboxWorkload.Namespace, pod.Name);

    public void Gone(SandboxPod pod)
    {
        if (store.Get<V1Pod>(SandboxWorkload.Namespace, pod.Name) is { } record)
        {
            record.Metadata.Finalizers = null;
            store.Replace(record);
        }
    }
}
