using System.Collections.Immutable;
using Akka.Actor;
using DirectLB.Actors.Domain;
using DirectLB.Actors.Entity;
using DirectLB.Actors.Observability;
using k8s;
using k8s.Models;
using Microsoft.Extensions.Logging;

namespace DirectLB.Actors.Kubernetes;

/// <summary>
/// Watches one member cluster's Services and EndpointSlices and feeds the Service entities. It keeps an
/// index of both, and on any change to a Service or one of its slices sends the entity the Service's whole
/// current state: entities work on current state, never on event payloads. Nothing is sent before both
/// resources listed once, so an entity never sees a Service without its endpoints.
/// </summary>
public sealed partial class ClusterWatcher : ReceiveActor, IWithTimers
{
    private const string ResyncTimer = "resync";
    private const string StaleTimer = "stale";

    private readonly string _clusterId;
    private readonly IKubernetes _client;
    private readonly IActorRef _services;
    private readonly ServiceClassFilter _filter;
    private readonly InformerOptions _options;
    private readonly TimeSpan _resyncInterval;
    private readonly ILogger _log;
    private readonly CancellationTokenSource _stopping = new();
    private readonly Dictionary<ServiceKey, ServiceSnapshot> _serviceIndex = [];
    private readonly Dictionary<ServiceKey, Dictionary<string, EndpointSliceSnapshot>> _sliceIndex = [];
    /// <summary>Services sent to an entity, by namespace/name, with the entity key they were routed to.</summary>
    private readonly Dictionary<ServiceKey, ServiceKey> _sent = [];
    private readonly HashSet<string> _syncedResources = [];
    private readonly HashSet<string> _disconnectedResources = [];
    private string? _lastError;
    private InformerInbox? _inbox;
    private readonly TimeSpan _staleAfter;

    public ClusterWatcher(
        string clusterId,
        IKubernetes client,
        IActorRef services,
        ServiceClassFilter filter,
        InformerOptions options,
        TimeSpan resyncInterval,
        TimeSpan staleAfter,
        ILoggerFactory loggers)
    {
        _clusterId = clusterId;
        _staleAfter = staleAfter;
        _client = client;
        _services = services;
        _filter = filter;
        _options = options;
        _resyncInterval = resyncInterval;
        _log = loggers.CreateLogger<ClusterWatcher>();

        Receive<InformerReport<V1Service>>(r => r.Handle(OnServiceEvent));
        Receive<InformerReport<V1EndpointSlice>>(r => r.Handle(OnSliceEvent));
        Receive<ResendServiceState>(m => Resend(m.Key));
        Receive<ResyncTick>(_ => Resync());
        Receive<ResendAllServices>(_ => Resync(resend: true));
        Receive<ObservationTaken>(OnObservationTaken);
        Receive<AcknowledgementTick>(_ => ExpireAcknowledgements());
        Receive<StaleTick>(_ => MarkStale());
        Receive<DecommissionWatcher>(_ => Decommission());
        Receive<GetWatcherStatus>(_ => Sender.Tell(Status()));
        Receive<GetWatcherInventory>(_ => Sender.Tell(new WatcherInventory(_clusterId, Synced && _disconnectedResources.Count == 0, [.. _sent.Values])));
        Receive<FindGatingServices>(OnFindGatingServices);
    }

    public ITimerScheduler Timers { get; set; } = null!;

    public static Props Props(
        string clusterId,
        IKubernetes client,
        IActorRef services,
        ServiceClassFilter filter,
        InformerOptions options,
        TimeSpan resyncInterval,
        TimeSpan staleAfter,
        ILoggerFactory loggers) =>
        Akka.Actor.Props.Create(() => new ClusterWatcher(clusterId, client, services, filter, options, resyncInterval, staleAfter, loggers));

    private bool Synced => _syncedResources.Count == 2;

    protected override void PreStart()
    {
        Start(new ResourceInformer<V1Service, V1ServiceList>(
            $"{_clusterId}/services",
            (next, limit, ct) => _client.CoreV1.ListServiceForAllNamespacesAsync(continueParameter: next, limit: limit, cancellationToken: ct),
            (rv, timeout, onError, ct) => _client.CoreV1.WatchListServiceForAllNamespacesAsync(
                allowWatchBookmarks: true, resourceVersion: rv, timeoutSeconds: timeout, onError: onError, cancellationToken: ct),
            _options,
            _log));
        Start(new ResourceInformer<V1EndpointSlice, V1EndpointSliceList>(
            $"{_clusterId}/endpointslices",
            (next, limit, ct) => _client.DiscoveryV1.ListEndpointSliceForAllNamespacesAsync(continueParameter: next, limit: limit, cancellationToken: ct),
            (rv, timeout, onError, ct) => _client.DiscoveryV1.WatchListEndpointSliceForAllNamespacesAsync(
                allowWatchBookmarks: true, resourceVersion: rv, timeoutSeconds: timeout, onError: onError, cancellationToken: ct),
            _options,
            _log));
        if (_resyncInterval > TimeSpan.Zero)
        {
            Timers.StartPeriodicTimer(ResyncTimer, ResyncTick.Instance, _resyncInterval);
        }

        Timers.StartPeriodicTimer(AcknowledgementTimer, AcknowledgementTick.Instance, AcknowledgementCheck);
    }

    /// <summary>
    /// Runs an informer in the background; its reports come back as messages, so the index is only touched here,
    /// through a bounded inbox, so a busy watcher slows its informers down instead of piling up their reports.
    /// </summary>
    private void Start<T, TList>(ResourceInformer<T, TList> informer)
        where T : IKubernetesObject<V1ObjectMeta>
        where TList : IItems<T>, IMetadata<V1ListMeta>
    {
        var inbox = _inbox ??= new InformerInbox(Self);
        var stopping = _stopping.Token;
        _ = Task.Run(() => informer.RunAsync(inbox.TellAsync, stopping));
    }

    protected override void PostStop()
    {
        DirectLbMetrics.WatcherConnected.RemoveLabelled(_clusterId);
        _stopping.Cancel();
        _stopping.Dispose();
    }

    private void OnServiceEvent(InformerEvent<V1Service> informerEvent)
    {
        switch (informerEvent)
        {
            case ObjectUpserted<V1Service> upserted:
                Guarded(upserted.Object, () =>
                {
                    var key = SnapshotMapper.KeyOf(upserted.Object);
                    _serviceIndex[key] = SnapshotMapper.ToSnapshot(upserted.Object);
                    return key;
                });
                break;
            case ObjectDeleted<V1Service> deleted:
                Guarded(deleted.Object, () =>
                {
                    var key = SnapshotMapper.KeyOf(deleted.Object);
                    _serviceIndex.Remove(key);
                    return key;
                });
                break;
            default:
                OnConnectivity(informerEvent.Resource, informerEvent);
                break;
        }

        IndexSelectors(informerEvent);
    }

    private void OnSliceEvent(InformerEvent<V1EndpointSlice> informerEvent)
    {
        switch (informerEvent)
        {
            case ObjectUpserted<V1EndpointSlice> upserted:
                Guarded(upserted.Object, () => IndexSlice(upserted.Object, remove: false));
                break;
            case ObjectDeleted<V1EndpointSlice> deleted:
                Guarded(deleted.Object, () => IndexSlice(deleted.Object, remove: true));
                break;
            default:
                OnConnectivity(informerEvent.Resource, informerEvent);
                break;
        }
    }

    private ServiceKey? IndexSlice(V1EndpointSlice slice, bool remove)
    {
        if (SnapshotMapper.OwnerOf(slice) is not { } key)
        {
            return null;
        }

        if (!_sliceIndex.TryGetValue(key, out var slices))
        {
            slices = new Dictionary<string, EndpointSliceSnapshot>(StringComparer.Ordinal);
            _sliceIndex[key] = slices;
        }

        if (remove)
        {
            slices.Remove(slice.Metadata.Name);
            if (slices.Count == 0)
            {
                _sliceIndex.Remove(key);
            }
        }
        else
        {
            slices[slice.Metadata.Name] = SnapshotMapper.ToSnapshot(slice);
        }

        return key;
    }

    /// <summary>Indexes one object; a malformed one is logged with its key and skipped, never fatal.</summary>
    private void Guarded(IKubernetesObject<V1ObjectMeta> item, Func<ServiceKey?> index)
    {
        ServiceKey? key;
        try
        {
            key = index();
        }
        catch (Exception ex)
        {
            _log.LogError(ex, "{ClusterId}: skipping malformed {Kind} {ObjectKey} at resourceVersion {ResourceVersion}",
                _clusterId, item.Kind, $"{item.Metadata?.NamespaceProperty}/{item.Metadata?.Name}", item.Metadata?.ResourceVersion);
            return;
        }

        if (key is { } changed && Synced)
        {
            Send(changed, DateTimeOffset.UtcNow);
        }
    }

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

    private void Decommission()
    {
        _log.LogInformation("{ClusterId}: member cluster removed; its {Services} Services leave their load balancers", _clusterId, _sent.Count);
        foreach (var routed in _sent.Values)
        {
            _services.Tell(new ServiceGone(routed, _clusterId));
        }

        _sent.Clear();
        Context.Stop(Self);
    }

    private WatcherStatus Status() => new(
        _clusterId,
        Synced,
        _disconnectedResources.Count == 0,
        _lastError,
        _serviceIndex.Count,
        _sent.Count);

    private sealed record ResyncTick
    {
        public static ResyncTick Instance { get; } = new();
    }

    private sealed record StaleTick
    {
        public static StaleTick Instance { get; } = new();
    }
}
