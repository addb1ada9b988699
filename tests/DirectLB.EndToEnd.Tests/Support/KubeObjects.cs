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

    /// <summary>The pod behind <see cref="Endpoint"/>'s target, gated on <paramref name="service"/>'s load balancer.</summary>
    public static V1Pod GatedPod(string ip, string service, bool containersReady) => new()
    {
        ApiVersion = "v1",
        Kind = "Pod",
        Metadata = new V1ObjectMeta { Name = PodName(ip), NamespaceProperty = Namespace, Labels = new Dictionary<string, string> { ["app"] = service } },
        Spec = new V1PodSpec
        {
            Containers = [new V1Container { Name = "app", Image = "app" }],
            ReadinessGates = [new V1PodReadinessGate { ConditionType = $"target-health.directlb.io/{service}" }],
        },
        Status = new V1PodStatus
        {
            Phase = "Running",
            PodIP = ip,
            PodIPs = [new V1PodIP { Ip = ip }],
            Conditions = [new V1PodCondition { Type = "ContainersReady", Status = containersReady ? "True" : "False", LastTransitionTime = DateTime.UtcNow }],
        },
    };

    public static string PodName(string ip) => $"pod-{ip.Replace('.', '-')}";

    private static V1Endpoint Endpoint(string ip, bool ready, bool serving, bool terminating) => new()
    {
        Addresses = [ip],
        Conditions = new V1EndpointConditions { Ready = ready, Serving = serving, Terminating = terminating },
        TargetRef = new V1ObjectReference { Kind = "Pod", Name = PodName(ip), NamespaceProperty = Namespace },
    };
}
