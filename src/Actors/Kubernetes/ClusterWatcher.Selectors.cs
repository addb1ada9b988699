using Akka.Actor;
using DirectLB.Actors.Domain;
using k8s.Models;

namespace DirectLB.Actors.Kubernetes;

/// <summary>
/// The selectors of this member cluster's Services of DirectLB's class, for the readiness gate webhook: the
/// watcher lists every Service anyway, so it answers which of them select a new pod without asking the API server.
/// </summary>
public sealed partial class ClusterWatcher
{
    private readonly ServiceSelectorIndex _selectors = new();

    /// <summary>Follows a Service event (after the Service index took it): keeps the selector of a Service that wants a load balancer, forgets any other.</summary>
    private void IndexSelectors(InformerEvent<V1Service> informerEvent)
    {
        var service = informerEvent switch
        {
            ObjectUpserted<V1Service> upserted => upserted.Object,
            ObjectDeleted<V1Service> deleted => deleted.Object,
            _ => null,
        };
        if (service?.Metadata is not { Name: { } name, NamespaceProperty: { } ns })
        {
            return;
        }

        var gates = informerEvent is ObjectUpserted<V1Service>
            && _serviceIndex.TryGetValue(new ServiceKey(ns, name), out var snapshot)
            && _filter.WantsLoadBalancer(snapshot)
            && !snapshot.IsDeleting;
        _selectors.Set(ns, name, gates ? service.Spec?.Selector as IReadOnlyDictionary<string, string> : null);
    }

    private void OnFindGatingServices(FindGatingServices find)
    {
        var answer = Synced
            ? new GatingServices(_clusterId, _selectors.Selecting(find.Namespace, find.Labels), null)
            : new GatingServices(_clusterId, [], $"member cluster {_clusterId} has not been listed yet");
        Sender.Tell(answer);
    }
}
