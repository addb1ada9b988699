using DirectLB.EndToEnd.Tests.Support;
using DirectLB.KubeApiServer.Store;
using DirectLB.KubeApiServer.Typed;
using k8s.Models;

namespace DirectLB.Traffic.Tests.Support;

/// <summary>
/// The pods behind one Service and the EndpointSlice the EndpointSlice controller keeps for them: every phase
/// change of a pod rewrites the slice with the conditions Kubernetes would give it. Pods live on 127.0.BLOCK.N and
/// all listen on one port, as the containers of a Deployment do; that port is whatever the first pod got.
/// <paramref name="gated"/> pods list DirectLB's readiness gate for the Service: they exist as Pod objects too, and
/// the kubelet's part (containers ready, the pod ready only once every gate is open) is <see cref="MarkContainersReady"/>
/// and <see cref="GatesOpen"/>.
/// </summary>
public sealed class PodSet(ObjectStore store, string service, int addressBlock, bool gated = false) : IAsyncDisposable
{
    private readonly Lock _lock = new();
    private readonly List<PodServer> _pods = [];
    private readonly string _sliceName = $"{service}-traffic";
    private int _created;
    private int _port;
    private bool _sliceExists;

    /// <summary>Pods in the slice (everything but the gone ones).</summary>
    public IReadOnlyList<PodServer> Pods
    {
        get
        {
            lock (_lock)
            {
                return [.. _pods.Where(p => p.Phase != PodPhase.Gone)];
            }
        }
    }

    public IReadOnlyList<PodServer> Ready => [.. Pods.Where(p => p.Phase == PodPhase.Ready)];

    /// <summary>Every pod this set ever ran, gone ones included, for the counts at the end.</summary>
    public IReadOnlyList<PodServer> Everyone
    {
        get
        {
            lock (_lock)
            {
                return [.. _pods];
            }
        }
    }

    /// <summary>Starts pods and lists them in the slice as not ready yet, as a new ReplicaSet's pods are before their readiness probe passes.</summary>
    public IReadOnlyList<PodServer> Start(int count, string? node = null, bool expectProxyV2 = false)
    {
        lock (_lock)
        {
            var started = new List<PodServer>();
            for (var i = 0; i < count; i++)
            {
                var n = ++_created;
                var pod = new PodServer($"{service}-{n}", $"127.0.{addressBlock}.{n}", _port, node, expectProxyV2);
                _port = pod.Port;
                started.Add(pod);
                _pods.Add(pod);
                if (gated)
                {
                    KubeObjects.CreatePod(store, KubeObjects.GatedPod(pod.Name, pod.Address, service, containersReady: false));
                }
            }

            WriteSlice();
            return started;
        }
    }

    /// <summary>The readiness probes passed.</summary>
    public void MarkReady(IEnumerable<PodServer> pods) => Move(pods, PodPhase.Ready);

    /// <summary>The kubelet saw the containers' readiness probes pass: a gated pod still waits for its gate before it is ready.</summary>
    public void MarkContainersReady(IEnumerable<PodServer> pods)
    {
        foreach (var pod in pods)
        {
            var stored = store.Get<V1Pod>(KubeObjects.Namespace, pod.Name)!;
            stored.Status.Conditions = [.. stored.Status.Conditions.Where(c => c.Type != "ContainersReady"), KubeObjects.ContainersReady(true)];
            store.ReplaceStatus(stored);
        }
    }

    /// <summary>True once DirectLB opened the readiness gate of every one of <paramref name="pods"/>.</summary>
    public bool GatesOpen(IEnumerable<PodServer> pods) =>
        pods.All(pod => KubeObjects.GateOf(store, KubeObjects.Namespace, pod.Name, service)?.Status == "True");

    /// <summary>The pods are being deleted: serving and terminating in the slice, still answering (their preStop runs).</summary>
    public void MarkTerminating(IEnumerable<PodServer> pods) => Move(pods, PodPhase.Terminating);

    /// <summary>The pod's process ends, then the slice controller drops its endpoint.</summary>
    public async Task KillAsync(PodServer pod)
    {
        await pod.DisposeAsync();
        lock (_lock)
        {
            WriteSlice();
        }
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var pod in Everyone)
        {
            await pod.DisposeAsync();
        }
    }

    private void Move(IEnumerable<PodServer> pods, PodPhase phase)
    {
        lock (_lock)
        {
            // The phase first: a request counted under the old phase then really came before the slice said otherwise.
            foreach (var pod in pods)
            {
                pod.Phase = phase;
            }

            WriteSlice();
        }
    }

    private void WriteSlice()
    {
        var slice = KubeObjects.Slice(service, _sliceName, [.. _pods.Where(p => p.Phase != PodPhase.Gone).Select(Endpoint)]);
        slice.Ports[0].Port = _port;
        if (_sliceExists)
        {
            store.Replace(slice);
        }
        else
        {
            store.Create(slice);
            _sliceExists = true;
        }
    }

    private static V1Endpoint Endpoint(PodServer pod) => new()
    {
        Addresses = [pod.Address],
        Conditions = new V1EndpointConditions
        {
            Ready = pod.Phase == PodPhase.Ready,
            Serving = pod.Phase is PodPhase.Ready or PodPhase.Terminating,
            Terminating = pod.Phase == PodPhase.Terminating,
        },
        NodeName = pod.NodeName,
        TargetRef = new V1ObjectReference { Kind = "Pod", Name = pod.Name, NamespaceProperty = KubeObjects.Namespace },
    };
}
