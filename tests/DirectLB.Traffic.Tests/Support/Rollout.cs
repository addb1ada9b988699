using System.Collections.Concurrent;
using System.Diagnostics;
using DirectLB.EndToEnd.Tests.Support;

namespace DirectLB.Traffic.Tests.Support;

/// <summary>
/// What the Deployment and ReplicaSet controllers and the kubelet do to a Service's pods, step by step, each step
/// finished only when HAProxy shows DirectLB applied it:
/// <list type="bullet">
/// <item>new pods start not ready and take traffic only once ready;</item>
/// <item>a deleted pod turns serving+terminating and keeps answering (its preStop runs), and is killed only once
/// DirectLB took it out of HAProxy, as a preStop hook and terminationGracePeriodSeconds longer than the drain
/// delay guarantee; then its endpoint leaves the slice.</item>
/// </list>
/// To prove a not-ready pod gets nothing, it is left not ready while DirectLB applies another change from the same
/// or a later slice (other pods becoming ready, or old ones terminating), and while more requests are answered.
/// </summary>
public sealed class Rollout(PodSet pods, HAProxyState haproxy, int servicePort, LoadGenerator load)
{
    /// <summary>Requests answered while a pod DirectLB knows is not ready stays so.</summary>
    private const int NotReadyHold = 150;

    /// <summary>
    /// Requests answered after HAProxy shows a server draining before its connections are counted: by then every
    /// client connection HAProxy gave it before the drain has sent its first request.
    /// </summary>
    private const int DrainSettle = 50;

    /// <summary>Long enough for a DirectLB process to start again in the middle of a change, on a busy machine.</summary>
    private static readonly TimeSpan ChangeDeadline = TimeSpan.FromSeconds(60);

    private readonly ConcurrentBag<Task> _kills = [];

    /// <summary>One record per deleted pod, in the order they left HAProxy.</summary>
    public ConcurrentQueue<DrainRecord> Drains { get; } = new();

    /// <summary>Scales up: half the new pods become ready first; the rest, seen not ready meanwhile, follow.</summary>
    public async Task ScaleUpAsync(int count)
    {
        var started = pods.Start(count);
        var early = started.Take((count + 1) / 2).ToList();
        pods.MarkReady(early);
        await AppliedAsync();
        await load.AnsweredAsync(NotReadyHold, load.Snapshot());
        pods.MarkReady(started.Except(early));
        await AppliedAsync();
    }

    /// <summary>Scales down by deleting the newest pods, as a ReplicaSet does, and waits until they are gone.</summary>
    public async Task ScaleDownAsync(int count)
    {
        Terminate(pods.Ready.TakeLast(count).ToList());
        await AppliedAsync();
        await PodsGoneAsync();
    }

    /// <summary>
    /// Replaces every ready pod, <paramref name="maxSurge"/> at a time with maxUnavailable 0: a wave of new pods
    /// becomes ready, then as many old pods terminate while the next wave's pods start, in the same moment.
    /// </summary>
    public async Task RollAsync(int maxSurge)
    {
        var old = new Queue<PodServer>(pods.Ready);
        var surge = pods.Start(Math.Min(maxSurge, old.Count));
        while (surge.Count > 0)
        {
            await load.AnsweredAsync(NotReadyHold, load.Snapshot());
            pods.MarkReady(surge);
            await AppliedAsync();

            var leaving = Enumerable.Range(0, surge.Count).Select(_ => old.Dequeue()).ToList();
            surge = old.Count > 0 ? pods.Start(Math.Min(maxSurge, old.Count)) : [];
            Terminate(leaving);
            await AppliedAsync();
        }

        await PodsGoneAsync();
    }

    /// <summary>
    /// Replaces every ready pod one by one as fast as Kubernetes allows: each old pod is deleted the moment its
    /// replacement is ready, without waiting for the load balancer. A gated replacement is ready only once its
    /// containers are and DirectLB opened its gate; an ungated one as soon as its containers are.
    /// </summary>
    public async Task RollAsFastAsKubernetesAsync(bool gated)
    {
        var old = new Queue<PodServer>(pods.Ready);
        while (old.Count > 0)
        {
            var fresh = pods.Start(1);
            if (gated)
            {
                pods.MarkContainersReady(fresh);
                await Eventually.Until(() => pods.GatesOpen(fresh), $"{fresh[0].Name}'s readiness gate opens", ChangeDeadline);
            }

            pods.MarkReady(fresh);
            Terminate([old.Dequeue()]);
        }

        await PodsGoneAsync();
    }

    /// <summary>Waits until HAProxy matches the pods' conditions (see <see cref="HAProxyState.MatchesAsync"/>).</summary>
    public Task AppliedAsync() => haproxy.MatchesAsync(servicePort, pods, ChangeDeadline);

    /// <summary>Waits for every terminating pod to be taken out of HAProxy and killed.</summary>
    public async Task PodsGoneAsync()
    {
        while (_kills.TryTake(out var kill))
        {
            await kill;
        }
    }

    private void Terminate(IReadOnlyList<PodServer> leaving)
    {
        pods.MarkTerminating(leaving);
        foreach (var pod in leaving)
        {
            _kills.Add(KillOnceRemovedAsync(pod));
        }
    }

    private async Task KillOnceRemovedAsync(PodServer pod)
    {
        var terminating = Stopwatch.StartNew();
        await Eventually.Until(
            async () => await haproxy.TryServersAsync(servicePort) is { } servers && servers.FirstOrDefault(s => s.Address == pod.Address) is null or { Draining: true },
            $"{pod.Name} is draining in HAProxy",
            ChangeDeadline);
        await load.AnsweredAsync(DrainSettle, load.Snapshot());
        var (connections, requests) = (pod.ConnectionsServed, pod.RequestsWhile(PodPhase.Terminating));
        await Eventually.Until(
            async () => await haproxy.TryServersAsync(servicePort) is { } servers && !servers.Any(s => s.Address == pod.Address),
            $"{pod.Name} is out of HAProxy",
            ChangeDeadline);
        Drains.Enqueue(new DrainRecord(pod.Name, terminating.Elapsed, pod.ConnectionsServed - connections, pod.RequestsWhile(PodPhase.Terminating) - requests));
        await pods.KillAsync(pod);
    }
}

/// <summary>
/// How a deleted pod left: the time from terminating to out of HAProxy, and what it got while draining (counted
/// from shortly after HAProxy showed the drain): new connections, which must be none, and requests on the
/// connections it already had, which go on.
/// </summary>
public sealed record DrainRecord(string Pod, TimeSpan Duration, int NewConnections, int Requests);
