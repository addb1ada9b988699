using k8s;
using System.Collections.Immutable;
using Akka.Actor;
using DirectLB.Actors.Domain;
using DirectLB.Actors.Entity;
using k8s.Models;
using Microsoft.Extensions.Logging;

namespace DirectLB.Actors.Kubernetes;

/// <summary>
/// Pods with DirectLB's readiness gate: indexed by the Service each gate names, and sent to that Service's entity
/// with the Service's state (the entity opens and closes the gates). The API server's pod list is not needed before
/// Services are served: until it arrives, gated pods simply wait. A gate on a Service that DirectLB will never serve
/// (none of that name, or of another class) has no entity to open it, so the watcher releases it after a grace,
/// and a pod is never held forever.
/// </summary>
public sealed partial class ClusterWatcher
{
    private const string GateReleaseTimer = "gate-release";

    private TimeSpan UnclaimedGateGrace => _options.UnclaimedGateGrace;

    /// <summary>Unclaimed gates are looked for a few times per grace, at most every five seconds.</summary>
    private TimeSpan GateReleaseCheck => TimeSpan.FromTicks(Math.Min(TimeSpan.FromSeconds(5).Ticks, Math.Max(TimeSpan.FromMilliseconds(100).Ticks, UnclaimedGateGrace.Ticks / 4)));

    private readonly Dictionary<ServiceKey, Dictionary<string, GatedPod>> _gateIndex = [];

    /// <summary>Gates on no Service of DirectLB, since when; and the pod version a release was written for.</summary>
    private readonly Dictionary<(ServiceKey Service, string Pod), (DateTimeOffset Since, string? ReleasedAt)> _unclaimed = [];

    private string PodsResource => $"{_clusterId}/pods";

    private void StartPodInformer() =>
        Start(new ResourceInformer<V1Pod, V1PodList>(
            PodsResource,
            (next, limit, ct) => _client.CoreV1.ListPodForAllNamespacesAsync(continueParameter: next, limit: limit, cancellationToken: ct),
            (rv, timeout, onError, ct) => _client.CoreV1.WatchListPodForAllNamespacesAsync(
                allowWatchBookmarks: true, resourceVersion: rv, timeoutSeconds: timeout, onError: onError, cancellationToken: ct),
            _options,
            _log,
            PodGateMapper.Project));

    private void OnPodEvent(InformerEvent<V1Pod> informerEvent)
    {
        switch (informerEvent)
        {
            case ObjectUpserted<V1Pod> upserted:
                IndexGates(upserted.Object, remove: false);
                break;
            case ObjectDeleted<V1Pod> deleted:
                IndexGates(deleted.Object, remove: true);
                break;
            case InformerSynced<V1Pod>:
                // Each gated pod listed was sent with its Service as it was indexed: nothing to resend.
                _log.LogInformation("{ClusterId}: watching {Pods} pods with a readiness gate of DirectLB", _clusterId, _gateIndex.Values.SelectMany(p => p.Keys).Distinct().Count());
                if (!Timers.IsTimerActive(GateReleaseTimer))
                {
                    Timers.StartPeriodicTimer(GateReleaseTimer, GateReleaseTick.Instance, GateReleaseCheck);
                }

                break;

            // A lost pod watch only delays gates (the informer logs it and retries); Services are still served.
        }
    }

    private void IndexGates(V1Pod pod, bool remove)
    {
        List<(ServiceKey Service, GatedPod Pod)> gates;
        try
        {
            gates = [.. PodGateMapper.Gates(pod)];
        }
        catch (Exception ex)
        {
            _log.LogError(ex, "{ClusterId}: skipping malformed pod {Pod}", _clusterId, $"{pod.Metadata?.NamespaceProperty}/{pod.Metadata?.Name}");
            return;
        }

        foreach (var (service, gated) in gates)
        {
            if (remove)
            {
                _unclaimed.Remove((service, gated.Name));
                if (_gateIndex.TryGetValue(service, out var pods) && pods.Remove(gated.Name) && pods.Count == 0)
                {
                    _gateIndex.Remove(service);
                }
            }
            else
            {
                (_gateIndex.TryGetValue(service, out var pods) ? pods : _gateIndex[service] = new(StringComparer.Ordinal))[gated.Name] = gated;
            }

            if (Synced)
            {
                Send(service, DateTimeOffset.UtcNow);
            }
        }
    }

    private ImmutableArray<GatedPod> GatesOf(ServiceKey key) =>
        _gateIndex.TryGetValue(key, out var pods) ? [.. pods.Values.OrderBy(p => p.Name, StringComparer.Ordinal)] : [];

    /// <summary>Releases, after a grace, each waiting gate that names a Service DirectLB does not serve.</summary>
    private void ReleaseUnclaimedGates()
    {
        if (!Synced)
        {
            return;
        }

        var now = DateTimeOffset.UtcNow;
        var waiting = new HashSet<(ServiceKey, string)>();
        foreach (var (key, pods) in _gateIndex)
        {
            if (_serviceIndex.TryGetValue(key, out var service) && _filter.IsRelevant(service))
            {
                continue; // its entity decides
            }

            foreach (var pod in pods.Values.Where(p => p.ContainersReady && !p.Terminating && p.Condition?.Open != true))
            {
                var slot = (key, pod.Name);
                waiting.Add(slot);
                var (since, releasedAt) = _unclaimed.TryGetValue(slot, out var known) ? known : (now, null);
                _unclaimed[slot] = (since, releasedAt);
                if (now - since >= UnclaimedGateGrace && releasedAt != pod.ResourceVersion)
                {
                    _unclaimed[slot] = (since, pod.ResourceVersion);
                    ReleaseAsync(key, pod).PipeTo(Self, success: () => new GateReleased(key, pod.Name, null), failure: ex => new GateReleased(key, pod.Name, ex));
                }
            }
        }

        foreach (var settled in _unclaimed.Keys.Where(k => !waiting.Contains(k)).ToList())
        {
            _unclaimed.Remove(settled);
        }
    }

    private async Task ReleaseAsync(ServiceKey key, GatedPod pod)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        var condition = ReadinessGates.ReleasedFor(key);
        var type = ReadinessGate.ConditionType(key.Name);
        await _writer.SetPodConditionAsync(_clusterId, key.Namespace, pod.Name, type, condition, timeout.Token);
        await _writer.RecordPodEventAsync(_clusterId, key.Namespace, pod.Name, pod.Uid, new ServiceEvent(false, condition.Reason, $"Readiness gate {type}: {condition.Message}"), timeout.Token);
    }

    private void OnGateReleased(GateReleased released)
    {
        if (released.Error is { } error)
        {
            if (_unclaimed.TryGetValue((released.Service, released.Pod), out var slot))
            {
                _unclaimed[(released.Service, released.Pod)] = (slot.Since, null); // written again at the next check
            }

            _log.LogWarning(error, "{ClusterId}: releasing the readiness gate of pod {Pod} on {ServiceKey} failed", _clusterId, released.Pod, released.Service);
            return;
        }

        _log.LogInformation("{ClusterId}: released the readiness gate of pod {Pod}: no Service {ServiceKey} of DirectLB's class for {Grace}",
            _clusterId, released.Pod, released.Service, UnclaimedGateGrace);
    }

    private sealed record GateReleaseTick
    {
        public static GateReleaseTick Instance { get; } = new();
    }

    private sealed record GateReleased(ServiceKey Service, string Pod, Exception? Error);
}
