using DirectLB.Actors.Domain;
using Microsoft.Extensions.Logging;

namespace DirectLB.Actors.Entity;

/// <summary>What the member clusters say about the Service: observations, and clusters lost or stale.</summary>
public sealed partial class ServiceLoadBalancer
{
    private void Observe(ServiceObserved message)
    {
        var clusterId = message.Observation.ClusterId;
        if (_unreachable.Remove(clusterId))
        {
            _log.LogInformation("{ServiceKey}: member cluster {ClusterId} is reachable again", _key, clusterId);
        }

        _observations[clusterId] = message.Observation;
        _observed = true;
        var now = _clock.GetUtcNow();
        _roundStartedAt ??= now;
        if (message.ChangedAt is { } changedAt && (_oldestUnappliedChange is null || changedAt < _oldestUnappliedChange))
        {
            _oldestUnappliedChange = changedAt;
        }

        NoteChange();
    }

    private void OnClusterUnreachable(ClusterUnreachable message)
    {
        if (!_observations.TryGetValue(message.ClusterId, out var known) || !_unreachable.Add(message.ClusterId))
        {
            return;
        }

        var targets = known.Slices.Sum(s => s.Endpoints.Length);
        _log.LogWarning("{ServiceKey}: member cluster {ClusterId} is unreachable ({Error}); keeping its last known {Endpoints} endpoints",
            _key, message.ClusterId, message.Error, targets);
        RecordEvent(new ServiceEvent(true, ServiceEventReason.MemberClusterUnreachable,
            $"Member cluster {message.ClusterId} is unreachable; keeping its last known {targets} endpoints"));
    }

    private void OnClusterStale(ClusterStale message)
    {
        if (!_observations.TryGetValue(message.ClusterId, out var known) || known.Stale)
        {
            return;
        }

        _observations[message.ClusterId] = known with { Stale = true };
        _log.LogWarning("{ServiceKey}: member cluster {ClusterId} has been unreachable too long; removing its targets", _key, message.ClusterId);
        RecordEvent(new ServiceEvent(true, ServiceEventReason.MemberClusterStale,
            $"Member cluster {message.ClusterId} has been unreachable too long; its targets are removed until it is back"));
        ScheduleReconcile();
    }

    private void Forget(ServiceGone message)
    {
        _observations.Remove(message.ClusterId);
        _observed = true;
        NoteChange();
    }

    /// <summary>A change that arrives during an outside call waits for that call, then for one debounce window like any other.</summary>
    private void NoteChange()
    {
        _changedWhileBusy |= _busy;
        ScheduleReconcile();
    }
}
