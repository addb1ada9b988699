using System.Net;
using DirectLB.KubeApiServer.Store;
using DirectLB.KubeApiServer.Typed;
using k8s;
using k8s.Models;

namespace DirectLB.Host.Sandbox;

/// <summary>
/// The sandbox's scripted workload, playing the Deployment and EndpointSlice controllers and the kubelet: two Services whose
/// pods (<see cref="SandboxPod"/>) are scaled and rolled over and over, new pods ready first, old ones
/// terminating (still serving, so DirectLB drains them), then gone.
/// </summary>
public sealed class SandboxWorkload(ObjectStore store, ILogger log) : IAsyncDisposable
{
    public const string Namespace = "sandbox";
    public const string LoadBalancerClass = "directlb.io/direct";

    private readonly Dictionary<string, List<SandboxPod>> _pods = [];
    private readonly SandboxPodRecords _records = new(store);
    private int _nextAddress;
    private int _nextPod;

    public static readonly TimeSpan StepInterval = TimeSpan.FromSeconds(10);

    public async Task CreateAsync()
    {
        store.Create(new V1Namespace { ApiVersion = "v1", Kind = "Namespace", Metadata = new V1ObjectMeta { Name = Namespace } });
        foreach (var (service, replicas) in new[] { ("web", 3), ("api", 2) })
        {
            store.Create(new V1Service
            {
                ApiVersion = "v1",
                Kind = "Service",
                Metadata = new V1ObjectMeta { Name = service, NamespaceProperty = Namespace, Annotations = new Dictionary<string, string> { ["directlb.io/drain-delay"] = "5s" } },
                Spec = new V1ServiceSpec
                {
                    Type = "LoadBalancer",
                    LoadBalancerClass = LoadBalancerClass,
                    AllocateLoadBalancerNodePorts = false,
                    Selector = new Dictionary<string, string> { ["app"] = service },
                    Ports = [new V1ServicePort { Name = "http", Port = SandboxPod.Port, Protocol = "TCP", TargetPort = "http" }],
                },
            });
            _pods[service] = [];
            await ScaleAsync(service, replicas, CancellationToken.None);
        }
    }

    /// <summary>Scales web up, rolls it, scales it back, forever; each step logged so a person can follow it.</summary>
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        var steps = new Func<Task>[]
        {
            () => ScaleAsync("web", 5, cancellationToken),
            () => RollAsync("web", cancellationToken),
            () => ScaleAsync("web", 3, cancellationToken),
            () => RollAsync("api", cancellationToken),
        };
        for (var step = 0; !cancellationToken.IsCancellationRequested; step = (step + 1) % steps.Length)
        {
            await Task.Delay(StepInterval, cancellationToken);
            await steps[step]();
        }
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var pod in _pods.Values.SelectMany(p => p))
        {
            await pod.DisposeAsync();
        }
    }

    private async Task ScaleAsync(string service, int replicas, CancellationToken cancellationToken)
    {
        var pods = _pods[service];
        while (pods.Count < replicas)
        {
            pods.Add(StartPod(service));
        }

        var removed = pods.Skip(replicas).ToList();
        pods.RemoveRange(replicas, pods.Count - replicas);
        log.LogInformation("sandbox: {Service} scaled to {Replicas} pods", service, replicas);
        await RetireAsync(service, pods, removed, cancellationToken);
    }

    /// <summary>A rollout with maxSurge 100 %: all new pods ready first, then the old ones terminate and go.</summary>
    private async Task RollAsync(string service, CancellationToken cancellationToken)
    {
        var old = _pods[service].ToList();
        var fresh = old.Select(_ => StartPod(service)).ToList();
        _pods[service] = fresh;
        log.LogInformation("sandbox: rolling {Service}: {New} new pods ready, {Old} old pods terminating", service, fresh.Count, old.Count);
        await RetireAsync(service, fresh, old, cancellationToken);
    }

    /// <summary>
    /// Retires pods as the kubelet does: terminating but still serving (DirectLB drains them), then out of the
    /// slice, and only a moment later stopped, as a preStop hook and the grace period give in a real cluster.
    /// </summary>
    private async Task RetireAsync(string service, List<SandboxPod> serving, List<SandboxPod> leaving, CancellationToken cancellationToken)
    {
        Publish(service, serving, leaving);
        if (leaving.Count == 0)
        {
            return;
        }

        leaving.ForEach(_records.Terminating);
        await Task.Delay(StepInterval / 2, cancellationToken);
        Publish(service, serving, []);
        await Task.Delay(TimeSpan.FromSeconds(2), cancellationToken);
        foreach (var pod in leaving)
        {
            await pod.DisposeAsync();
            _records.Gone(pod);
        }
    }

    private SandboxPod StartPod(string service)
    {
        var address = IPAddress.Parse($"127.0.70.{(_nextAddress++ % 250) + 1}");
        var pod = new SandboxPod($"{service}-{++_nextPod}", address);
        _records.Running(service, pod);
        return pod;
    }

    /// <summary>Writes the Service's EndpointSlice as the EndpointSlice controller would: ready pods, and terminating ones still serving.</summary>
    private void Publish(string service, IEnumerable<SandboxPod> ready, IEnumerable<SandboxPod> terminating)
    {
        V1Endpoint Endpoint(SandboxPod pod, bool isReady) => new()
        {
            Addresses = [pod.Address.ToString()],
            Conditions = new V1EndpointConditions { Ready = isReady, Serving = true, Terminating = !isReady },
            NodeName = "sandbox-node",
            TargetRef = new V1ObjectReference { Kind = "Pod", Name = pod.Name, NamespaceProperty = Namespace },
        };
        var slice = new V1EndpointSlice
        {
            ApiVersion = "discovery.k8s.io/v1",
            Kind = "EndpointSlice",
            Metadata = new V1ObjectMeta
            {
                Name = $"{service}-slice",
                NamespaceProperty = Namespace,
                Labels = new Dictionary<string, string> { ["kubernetes.io/service-name"] = service },
            },
            AddressType = "IPv4",
            Ports = [new Discoveryv1EndpointPort { Name = "http", Port = SandboxPod.Port, Protocol = "TCP" }],
            Endpoints = [.. ready.Select(p => Endpoint(p, true)), .. terminating.Select(p => Endpoint(p, false))],
        };
        CreateOrReplace(slice);

        // The Endpoints the endpoints controller mirrors from the slices: ready addresses, and the others not ready.
        V1EndpointAddress Address(SandboxPod pod) => new()
        {
            Ip = pod.Address.ToString(),
            NodeName = "sandbox-node",
            TargetRef = new V1ObjectReference { Kind = "Pod", Name = pod.Name, NamespaceProperty = Namespace },
        };
        CreateOrReplace(new V1Endpoints
        {
            ApiVersion = "v1",
            Kind = "Endpoints",
            Metadata = new V1ObjectMeta { Name = service, NamespaceProperty = Namespace },
            Subsets =
            [
                new V1EndpointSubset
                {
                    Addresses = [.. ready.Select(Address)],
                    NotReadyAddresses = [.. terminating.Select(Address)],
                    Ports = [new Corev1EndpointPort { Name = "http", Port = SandboxPod.Port, Protocol = "TCP" }],
                },
            ],
        });
    }

    private void CreateOrReplace<T>(T obj) where T : class, IKubernetesObject<V1ObjectMeta>
    {
        if (store.Get<T>(Namespace, obj.Metadata.Name) is null)
        {
            store.Create(obj);
        }
        else
        {
            store.Replace(obj);
        }
    }
}
