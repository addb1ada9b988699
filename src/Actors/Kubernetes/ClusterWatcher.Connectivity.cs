using Akka.Actor;
using DirectLB.Actors.Entity;
using DirectLB.Actors.Observability;
using Microsoft.Extensions.Logging;

namespace DirectLB.Actors.Kubernetes;

/// <summary>
/// The member cluster's reachability, as its Service and EndpointSlice informers report it: synced once both listed;
/// unreachable (fail static: entities keep the last known endpoints) from the first lost watch; stale after the limit.
/// </summary>
public sealed partial class ClusterWatcher
{
    private void OnConnectivity<T>(string resource, InformerEvent<T> informerEvent)
    {
        switch (informerEvent)
        {
            case InformerSynced<T>:
                DirectLbMetrics.WatcherRelists.WithLabels(_clusterId, resource[(resource.IndexOf('/') + 1)..]).Inc();
                var wasSynced = Synced;
                _syncedResources.Add(resource);
                if (_disconnectedResources.Remove(resource) && _disconnectedResources.Count == 0)
                {
                    DirectLbMetrics.WatcherConnected.WithLabels(_clusterId).Set(1);
                    Timers.Cancel(StaleTimer);
                    _log.LogInformation("{ClusterId}: API server reachable again", _clusterId);
                }

                if (!wasSynced && Synced)
                {
                    DirectLbMetrics.WatcherConnected.WithLabels(_clusterId).Set(1);
                    _log.LogInformation("{ClusterId}: watching {Services} Services and their EndpointSlices", _clusterId, _serviceIndex.Count);
                }

                // After the first list, or a relist, every Service is sent again: cheap, it repairs anything
                // missed, and it tells entities the cluster is back.
                Resync();
                break;
            case InformerDisconnected<T> disconnected:
                _lastError = disconnected.Error;
                if (_disconnectedResources.Add(resource) && _disconnectedResources.Count == 1)
                {
                    DirectLbMetrics.WatcherConnected.WithLabels(_clusterId).Set(0);
                    OnUnreachable(disconnected.Error);
                }

                break;
        }
    }

    /// <summary>Fail static: entities keep this cluster's last known endpoints, and are told so; after the stale limit, they drop them.</summary>
    private void OnUnreachable(string error)
    {
        foreach (var routed in _sent.Values)
        {
            _services.Tell(new ClusterUnreachable(routed, _clusterId, error));
        }

        if (_staleAfter > TimeSpan.Zero)
        {
            Timers.StartSingleTimer(StaleTimer, StaleTick.Instance, _staleAfter);
        }
    }

    private void MarkStale()
    {
        _log.LogWarning("{ClusterId}: unreachable for {StaleAfter}; its endpoints no longer count", _clusterId, _staleAfter);
        foreach (var routed in _sent.Values)
        {
            _services.Tell(new ClusterStale(routed, _clusterId));
        }
    }

    private sealed record StaleTick
    {
        public static StaleTick Instance { get; } = new();
    }
}
