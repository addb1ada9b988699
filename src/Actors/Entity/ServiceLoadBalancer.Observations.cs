using Akka.Actor;
using DirectLB.Actors.Domain;
using DirectLB.Providers.Model;
using Microsoft.Extensions.Logging;

namespace DirectLB.Actors.Entity;

/// <summary>
/// What the member clusters (and the orphan collector) say about the Service: observations, clusters lost or stale,
/// an orphaned load balancer. Recording them is the same in every phase; what follows is the phase's to decide.
/// </summary>
public sealed partial class ServiceLoadBalancer
{
    private readonly Dictionary<string, ClusterObservation> _observations = new(StringComparer.Ordinal);
    private readonly HashSet<string> _unreachable = [];
    private DateTimeOffset? _roundStartedAt;
    private ChangeLatency _changeLatency = ChangeLatency.None;
    private LoadBalancerRef? _orphan;

    /// <summary>Records every kind of change, in every phase; one that changed anything the phase reacts to (<see cref="ReactToChange"/>).</summary>
    private bool HandleChange(object message)
    {
        bool changed;
        switch (message)
        {
            case ServiceObserved observed:
                Observe(observed);
                changed = true;
                break;
            case ServiceGone gone:
                _observations.Remove(gone.ClusterId);
                changed = true;
                break;
            case ClusterStale stale:
                changed = MarkStale(stale);
                break;
            case CollectOrphan orphan:
                changed = AcceptOrphan(orphan);
                break;
            default:
                return false;
        }

        if (changed)
        {
            ReactToChange();
        }

        return true;
    }

    private void Observe(ServiceObserved message)
    {
        var clusterId = message.Observation.ClusterId;
        if (_unreachable.Remove(clusterId))
        {
            _log.LogInformation("{ServiceKey}: member cluster {ClusterId} is reachable again", _key, clusterId);
        }

        _observations[clusterId] = message.Observation;
        _roundStartedAt ??= _clock.GetUtcNow();
        if (message.ChangedAt is { } changedAt)
        {
            _changeLatency = _changeLatency.Changed(changedAt);
        }

        if (message.Acknowledge)
        {
            Sender.Tell(new ObservationTaken(message.Key, clusterId));
        }
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

    private bool MarkStale(ClusterStale message)
    {
        if (!_observations.TryGetValue(message.ClusterId, out var known) || known.Stale)
        {
            return false;
        }

        _observations[message.ClusterId] = known with { Stale = true };
        _log.LogWarning("{ServiceKey}: member cluster {ClusterId} has been unreachable too long; removing its targets", _key, message.ClusterId);
        RecordEvent(new ServiceEvent(true, ServiceEventReason.MemberClusterStale,
            $"Member cluster {message.ClusterId} has been unreachable too long; its targets are removed until it is back"));
        return true;
    }

    /// <summary>
    /// The collector saw this Service in no member cluster. If one wants it again by now, the load balancer is adopted
    /// (the next provision finds it by its tags) instead of deleted.
    /// </summary>
    private bool AcceptOrphan(CollectOrphan message)
    {
        if (_observations.Values.Any(o => _options.Filter.WantsLoadBalancer(o.Service) && !o.Service.IsDeleting))
        {
            _log.LogInformation("{ServiceKey}: load balancer {LoadBalancerId} is no orphan: its Service is back, keeping it", _key, message.LoadBalancerId);
            return false;
        }

        _log.LogInformation("{ServiceKey}: collecting orphaned load balancer {LoadBalancerId}: its Service is in no member cluster", _key, message.LoadBalancerId);
        _orphan = new LoadBalancerRef(message.LoadBalancerId, message.Owner);
        return true;
    }
}
