using DirectLB.KubeApiServer.Resources;
using DirectLB.KubeApiServer.Services;

namespace DirectLB.KubeApiServer.Store;

public sealed record ObjectStoreOptions
{
    /// <summary>Which kinds exist. Defaults to <see cref="ResourceTable.CreateDefault"/>.</summary>
    public ResourceTable? Resources { get; init; }

    /// <summary>How many events the history keeps for resuming watches; older resource versions get 410 Expired.</summary>
    public int HistoryCapacity { get; init; } = 10_000;

    /// <summary>
    /// How many live events a watch may have queued for a client that reads slowly (beyond its initial replay).
    /// Past that the watch is closed, as the real server closes an unresponsive watcher, and the client resumes
    /// from the last resource version it saw.
    /// </summary>
    public int WatchBufferCapacity { get; init; } = 10_000;

    /// <summary>Where Services get their cluster IPs and node ports: a single-stack IPv4 cluster on kubeadm's defaults unless set.</summary>
    public ServiceNetwork ServiceNetwork { get; init; } = ServiceNetwork.SingleStack;

    /// <summary>
    /// Takes EndpointSlice addresses on loopback (127.0.0.0/8, ::1), which a real server refuses. Only for tests whose
    /// pods must carry real traffic on this machine, where test traffic may only go to loopback: the traffic tests.
    /// </summary>
    public bool LoopbackEndpoints { get; init; }

    /// <summary>Source of creation and deletion timestamps.</summary>
    public TimeProvider Time { get; init; } = TimeProvider.System;
}
