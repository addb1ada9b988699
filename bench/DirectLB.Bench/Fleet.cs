using System.Text.Json.Nodes;
using DirectLB.KubeApiServer.Resources;
using DirectLB.KubeApiServer.Selectors;
using DirectLB.KubeApiServer.Store;
using DirectLB.KubeApiServer.Typed;
using k8s.Models;

namespace DirectLB.Bench;

/// <summary>
/// The Services the bench runs, and their pods, written to the API test server as the EndpointSlice controller
/// would. Every pod gets an address never used before, so an address names one change from write to confirmation.
/// Fleets in several member clusters are given apart address blocks (<paramref name="firstAddress"/>, e.g. 10.128.0.1).
/// </summary>
public sealed class Fleet
{
    private readonly ObjectStore store;
    private readonly string ns;
    private readonly ResourceKind _slices;
    private readonly Dictionary<int, List<V1Endpoint>> _pods = [];
    private uint _nextAddress;

    /// <summary>A fleet in namespace <paramref name="ns"/>, created if the cluster lacks it, with pod addresses from <paramref name="firstAddress"/> (10.0.0.1 by default).</summary>
    public Fleet(ObjectStore store, string ns = "bench", uint firstAddress = (10u << 24) + 1)
    {
        this.store = store;
        this.ns = ns;
        _slices = store.Resources.For(typeof(V1EndpointSlice));
        _nextAddress = firstAddress;
        store.EnsureNamespaces(ns);
    }

    public string Namespace => ns;

    public int Count => _pods.Count;

    /// <summary>The indexes of the Services this fleet has created and not deleted.</summary>
    public IReadOnlyCollection<int> Indexes => _pods.Keys;

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
                // As the README's example: 10,000 Services would need more node ports than a cluster has (2,768).
                AllocateLoadBalancerNodePorts = false,
                Selector = new Dictionary<string, string> { ["app"] = name },
                Ports = [new V1ServicePort { Name = "http", Port = 80, Protocol = "TCP", TargetPort = "http" }],
            },
        });
        _pods[index] = Enumerable.Range(0, endpoints).Select(_ => Ready(NewAddress())).ToList();
        store.Create(Slice(index));
    }

    public IReadOnlyList<V1Endpoint> Pods(int index) => _pods[index];

    /// <summary>Services in this fleet's namespace whose status.loadBalancer.ingress is set, counted in the store without copies.</summary>
    public int ServicesWithIngress()
    {
        var kind = store.Resources.For(typeof(V1Service));
        var filter = new ObjectFilter(ns, LabelSelector.Parse(null), FieldSelector.Parse(null, kind));
        return store.Count(kind, filter, s => s["status"]?["loadBalancer"]?["ingress"] is JsonArray { Count: > 0 });
    }

    /// <summary>Deletes the Service (it stays, terminating, while a finalizer holds it) and its EndpointSlice.</summary>
    public void Delete(int index)
    {
        _pods.Remove(index);
        store.Delete<V1EndpointSlice>(ns, SliceName(index));
        store.Delete<V1Service>(ns, ServiceName(index));
    }

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

    /// <summary>A pod whose readiness gate is closed: neither ready nor serving, whatever its containers are.</summary>
    public static V1Endpoint Gated(string address) => Endpoint(address, ready: false, terminating: false, serving: false);

    public static string PodName(string address) => $"pod-{address.Replace('.', '-')}";

    // The untyped write: the latency run's writer offers up to 5,000 writes a second on one thread, and reading each
    // stored slice back into a model it does not use cost it a fifth of its time.
    private void Write(int index) => store.Replace(_slices, ObjectStoreTypedExtensions.ToJson(Slice(index)));

    private V1EndpointSlice Slice(int index) => new()
    {
        ApiVersion = "discovery.k8s.io/v1",
        Kind = "EndpointSlice",
        Metadata = new V1ObjectMeta
        {
            Name = SliceName(index),
            NamespaceProperty = ns,
            Labels = new Dictionary<string, string> { ["kubernetes.io/service-name"] = ServiceName(index) },
        },
        AddressType = "IPv4",
        Ports = [new Discoveryv1EndpointPort { Name = "http", Port = 8080, Protocol = "TCP" }],
        Endpoints = [.. _pods[index]],
    };

    private static string SliceName(int index) => $"{ServiceName(index)}-abcde";

    private static V1Endpoint Endpoint(string address, bool ready, bool terminating, bool serving = true) => new()
    {
        Addresses = [address],
        Conditions = new V1EndpointConditions { Ready = ready, Serving = serving, Terminating = terminating },
        TargetRef = new V1ObjectReference { Kind = "Pod", Name = PodName(address) },
    };
}
