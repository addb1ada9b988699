using DirectLB.KubeApiServer.Store;
using DirectLB.KubeApiServer.Typed;
using k8s.Models;

namespace DirectLB.Bench;

/// <summary>
/// The Services the bench runs, and their pods, written to the API test server as the EndpointSlice controller
/// would. Every pod gets an address never used before, so an address names one change from write to confirmation.
/// </summary>
public sealed class Fleet(ObjectStore store, string ns = "bench")
{
    private readonly Dictionary<int, List<V1Endpoint>> _pods = [];
    private uint _nextAddress = (10u << 24) + 1; // 10.0.0.1

    public string Namespace => ns;

    public int Count => _pods.Count;

    public static string ServiceName(int index) => $"svc-{index:D5}";

    public string NewAddress()
    {
        var a = _nextAddress++;
        return $"{a >> 24}.{(a >> 16) & 255}.{(a >> 8) & 255}.{a & 255}";
    }

    /// <summary>Creates the Service and its one EndpointSlice with <paramref name="endpoints"/> ready pods.</summary>
    public void Create(int index, int endpoints)
    {
        var name = ServiceName(index);
        store.Create(new V1Service
        {
            ApiVersion = "v1",
            Kind = "Service",
            Metadata = new V1ObjectMeta { Name = name, NamespaceProperty = ns },
            Spec = new V1ServiceSpec
            {
                Type = "LoadBalancer",
                LoadBalancerClass = "directlb.io/direct",
                Selector = new Dictionary<string, string> { ["app"] = name },
                Ports = [new V1ServicePort { Name = "http", Port = 80, Protocol = "TCP", TargetPort = "http" }],
            },
        });
        _pods[index] = Enumerable.Range(0, endpoints).Select(_ => Ready(NewAddress())).ToList();
        store.Create(Slice(index));
    }

    public IReadOnlyList<V1Endpoint> Pods(int index) => _pods[index];

    /// <summary>Replaces the Service's oldest pod with a new ready one; returns the new pod's address.</summary>
    public string ReplaceOldestPod(int index)
    {
        var pods = _pods[index];
        pods.RemoveAt(0);
        var address = NewAddress();
        pods.Add(Ready(address));
        Write(index);
        return address;
    }

    /// <summary>Changes the Service's pods and writes its slice: one endpoint change as the API server sees it.</summary>
    public void Change(int index, Action<List<V1Endpoint>> change)
    {
        change(_pods[index]);
        Write(index);
    }

    public static V1Endpoint Ready(string address) => Endpoint(address, ready: true, terminating: false);

    public static V1Endpoint Terminating(string address) => Endpoint(address, ready: false, terminating: true);

    private void Write(int index) => store.Replace(Slice(index));

    private V1EndpointSlice Slice(int index) => new()
    {
        ApiVersion = "discovery.k8s.io/v1",
        Kind = "EndpointSlice",
        Metadata = new V1ObjectMeta
        {
            Name = $"{ServiceName(index)}-abcde",
            NamespaceProperty = ns,
            Labels = new Dictionary<string, string> { ["kubernetes.io/service-name"] = ServiceName(index) },
        },
        AddressType = "IPv4",
        Ports = [new Discoveryv1EndpointPort { Name = "http", Port = 8080, Protocol = "TCP" }],
        Endpoints = [.. _pods[index]],
    };

    private static V1Endpoint Endpoint(string address, bool ready, bool terminating) => new()
    {
        Addresses = [address],
        Conditions = new V1EndpointConditions { Ready = ready, Serving = true, Terminating = terminating },
        TargetRef = new V1ObjectReference { Kind = "Pod", Name = $"pod-{address.Replace('.', '-')}" },
    };
}
