using Akka.Actor;
using DirectLB.Actors.Domain;

namespace DirectLB.Actors.Kubernetes;

/// <summary>
/// The selectors of this member cluster's Services of DirectLB's class, for the readiness gate webhook: the
/// watcher lists every Service anyway, so it answers which of them select a new pod without asking the API server.
/// </summary>
public sealed partial class ClusterWatcher
{
    private readonly ServiceSelectorIndex _selectors = new();

    /// <summary>Follows a Service event (after the Service index took it): keeps the selector of a Service that wants a load balancer, forgets any other.</summary>
    private void IndexSelectors(InformerEvent<WatchedService> informerEvent)
    {
        var service = informerEvent switch
        {
            ObjectUpserted<WatchedService> upserted => upserted.Object,
            ObjectDeleted<WatchedService> deleted => deleted.Object,
            _ => null,
        };
        if (service is null)
        {
            return;
        }

        var gates = informerEvent is ObjectUpserted<WatchedService>
            && _filter.WantsLoadBalancer(service.Snapshot)
            && !service.Snapshot.IsDeleting;
        _selectors.Set(service.Key.Namespace, service.Key.Name, gates ? service.Selector : null);
    }

    private void OnFindGatingServices(FindGatingServices find)
    {
        var answer = Synced
            ? new GatingServices(_clusterId, _selectors.Selecting(find.Namespace, find.Labels), null)
            : new GatingServices(_clusterId, [], $"member cluster {_clusterId} has not been listed yet");
        Sender.Tell(answer);
    }
}
