using DirectLB.KubeApiServer.Store;
using DirectLB.KubeApiServer.Typed;
using k8s.Models;

namespace DirectLB.EndToEnd.Tests.Support;

/// <summary>Kubernetes objects as the API server and the EndpointSlice controller would hold them.</summary>
public static class KubeObjects
{
    public const string Namespace = "shop";

    public static V1Service LoadBalancerService(string name, IDictionary<string, string>? annotations = null, string portName = "http") => new()
    {
        ApiVersion = "v1",
        Kind = "Service",
        Metadata = new V1ObjectMeta { Name = name, NamespaceProperty = Namespace, Annotations = annotations },
        Spec = new V1ServiceSpec
        {
            Type = "LoadBalancer",
            LoadBalancerClass = "directlb.io/direct",
            Selector = new Dictionary<string, string> { ["app"] = name },
            Ports = [new V1ServicePort { Name = portName, Port = 80, Protocol = "TCP", TargetPort = "http" }],
        },
    };

    /// <summary>A slice as the EndpointSlice controller writes it: port named after the Service port, resolved container port.</summary>
    public static V1EndpointSlice Slice(string service, string name, params V1Endpoint[] endpoints) => new()
    {
        ApiVersion = "discovery.k8s.io/v1",
        Kind = "EndpointSlice",
        Metadata = new V1ObjectMeta
        {
            Name = name,
            NamespaceProperty = Namespace,
            Labels = new Dictionary<string, string> { ["kubernetes.io/service-name"] = service },
        },
        AddressType = "IPv4",
        Ports = [new Discoveryv1EndpointPort { Name = "http", Port = 8080, Protocol = "TCP" }],
        Endpoints = endpoints,
    };

    public static V1Endpoint Ready(string ip) => Endpoint(ip, ready: true, serving: true, terminating: false);

    public static V1Endpoint Terminating(string ip) => Endpoint(ip, ready: false, serving: true, terminating: true);

    /// <summary>A pod's endpoint while its readiness gate is closed: its containers may be ready, the pod is not.</summary>
    public static V1Endpoint Gated(string ip) => Endpoint(ip, ready: false, serving: false, terminating: false);

    /// <summary>
    /// A running pod that lists DirectLB's readiness gate for <paramref name="service"/>, as the kubelet reports it:
    /// its containers ready or not, the pod itself not ready while the gate is closed. Created through
    /// <see cref="CreatePod"/>, since the API server takes a pod's status only through its status subresource.
    /// </summary>
    public static V1Pod GatedPod(string name, string ip, string service, bool containersReady, string ns = Namespace) => new()
    {
        ApiVersion = "v1",
        Kind = "Pod",
        Metadata = new V1ObjectMeta { Name = name, NamespaceProperty = ns, Labels = new Dictionary<string, string> { ["app"] = service } },
        Spec = new V1PodSpec
        {
            Containers = [new V1Container { Name = "app", Image = "app" }],
            ReadinessGates = [new V1PodReadinessGate { ConditionType = GateType(service) }],
        },
        Status = new V1PodStatus
        {
            Phase = "Running",
            PodIP = ip,
            PodIPs = [new V1PodIP { Ip = ip }],
            Conditions = [ContainersReady(containersReady)],
        },
    };

    /// <summary>Creates the pod, then sets its status as the kubelet does.</summary>
    public static V1Pod CreatePod(ObjectStore store, V1Pod pod)
    {
        var status = pod.Status;
        var created = store.Create(pod);
        created.Status = status;
        return store.ReplaceStatus(created);
    }

    public static V1PodCondition ContainersReady(bool ready) =>
        new() { Type = "ContainersReady", Status = ready ? "True" : "False", LastTransitionTime = DateTime.UtcNow };

    /// <summary>DirectLB's readiness gate condition type for a Service, as users write it in their pod templates.</summary>
    public static string GateType(string service) => $"target-health.directlb.io/{service}";

    /// <summary>The condition a pod's gate has now, or null while no one set it.</summary>
    public static V1PodCondition? GateOf(ObjectStore store, string ns, string pod, string service) =>
        store.Get<V1Pod>(ns, pod)?.Status?.Conditions?.SingleOrDefault(c => c.Type == GateType(service));

    public static string PodName(string ip) => $"pod-{ip.Replace('.', '-')}";

    private static V1Endpoint Endpoint(string ip, bool ready, bool serving, bool terminating) => new()
    {
        Addresses = [ip],
        Conditions = new V1EndpointConditions { Ready = ready, Serving = serving, Terminating = terminating },
        TargetRef = new V1ObjectReference { Kind = "Pod", Name = PodName(ip), NamespaceProperty = Namespace },
    };
}
