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
/// Watches one member cluster's Services, EndpointSlices and gated pods and feeds the Service entities. It keeps an
/// index of them, and on any change to a Service, one of its slices or a pod gated on it sends the entity the
/// Service's whole current state: entities work on current state, never on event payloads. Nothing is sent before
/// Services and slices listed once, so an entity never sees a Service without its endpoints.
/// </summary>
public sealed partial class ClusterWatcher : ReceiveActor, IWithTimers
{
    private const string ResyncTimer = "resync";
    private const string StaleTimer = "stale";

    private readonly string _clusterId;
    private readonly IKubernetes _client;
    private readonly IActorRef _services;
    private readonly IServiceWriter _writer;
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
        IServiceWriter writer,
        ILoggerFactory loggers)
    {
        _clusterId = clusterId;
        _writer = writer;
        _staleAfter = staleAfter;
        _client = client;
        _services = services;
        _filter = filter;
        _options = options;
        _resyncInterval = resyncInterval;
        _log = loggers.CreateLogger<ClusterWatcher>();

        Receive<InformerReport<WatchedService>>(r => r.Handle(OnServiceEvent));
        Receive<InformerReport<WatchedSlice>>(r => r.Handle(OnSliceEvent));
        Receive<InformerReport<V1Pod>>(r => r.Handle(OnPodEvent));
        Receive<GateReleaseTick>(_ => ReleaseUnclaimedGates());
        Receive<GateReleased>(OnGateReleased);
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
        IServiceWriter writer,
        ILoggerFactory loggers) =>
        Akka.Actor.Props.Create(() => new ClusterWatcher(clusterId, client, services, filter, options, resyncInterval, staleAfter, writer, loggers));

    private string ServicesResource => $"{_clusterId}/services";

    private string SlicesResource => $"{_clusterId}/endpointslices";

    /// <summary>Services and their slices listed: entities can be told. Pods only add gates, so they are not waited for.</summary>
    private bool Synced => _syncedResources.Contains(ServicesResource) && _syncedResources.Contains(SlicesResource);

    protected override void PreStart()
    {
        // The informers keep only the watcher's views of Services and slices, built once per event, not the client's
        // objects; each its own mapper, so that the values those views repeat are kept once.
        Start(new ResourceInformer<V1Service, V1ServiceList, WatchedService>(
            ServicesResource,
            (next, limit, ct) => _client.CoreV1.ListServiceForAllNamespacesAsync(continueParameter: next, limit: limit, cancellationToken: ct),
            (rv, timeout, onError, ct) => _client.CoreV1.WatchListServiceForAllNamespacesAsync(
                allowWatchBookmarks: true, resourceVersion: rv, timeoutSeconds: timeout, onError: onError, cancellationToken: ct),
            _options,
            _log,
            new SnapshotMapper().ToWatched));
        Start(new ResourceInformer<V1EndpointSlice, V1EndpointSliceList, WatchedSlice>(
            SlicesResource,
            (next, limit, ct) => _client.DiscoveryV1.ListEndpointSliceForAllNamespacesAsync(continueParameter: next, limit: limit, cancellationToken: ct),
            (rv, timeout, onError, ct) => _client.DiscoveryV1.WatchListEndpointSliceForAllNamespacesAsync(
                allowWatchBookmarks: true, resourceVersion: rv, timeoutSeconds: timeout, onError: onError, cancellationToken: ct),
            _options,
            _log,
            new SnapshotMapper().ToWatched));
        StartPodInformer();
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
    private void Start<T, TList, TView>(ResourceInformer<T, TList, TView> informer)
        where T : IKubernetesObject<V1ObjectMeta>
        where TList : IItems<T>, IMetadata<V1ListMeta>
        where TView : class
    {
        var inbox = _inbox ??= new InformerInbox(Self);
        var stopping = _stopping.Token;
        _ = Task.Run(() => informer.RunAsync(inbox.TellAsync, stopping));
    }

    protected override void PostStop()
    {
        SendHeldChanges();
        DirectLbMetrics.WatcherConnected.RemoveLabelled(_clusterId);
        _stopping.Cancel();
        _stopping.Dispose();
    }

    private void OnServiceEvent(InformerEvent<WatchedService> informerEvent)
    {
        switch (informerEvent)
        {
            case ObjectUpserted<WatchedService> upserted:
                _serviceIndex[upserted.Object.Key] = upserted.Object.Snapshot;
                Changed(upserted.Object.Key);
                break;
            case ObjectDeleted<WatchedService> deleted:
                _serviceIndex.Remove(deleted.Object.Key);
                Changed(deleted.Object.Key);
                break;
            default:
                OnConnectivity(informerEvent.Resource, informerEvent);
                break;
        }

        IndexSelectors(informerEvent);
    }

    private void OnSliceEvent(InformerEvent<WatchedSlice> informerEvent)
    {
        switch (informerEvent)
        {
            case ObjectUpserted<WatchedSlice> upserted:
                IndexSlice(upserted.Object, remove: false);
                break;
            case ObjectDeleted<WatchedSlice> deleted:
                IndexSlice(deleted.Object, remove: true);
                break;
            default:
                OnConnectivity(informerEvent.Resource, informerEvent);
                break;
        }
    }

    private void IndexSlice(WatchedSlice slice, bool remove)
    {
        var key = slice.Owner;
        if (!_sliceIndex.TryGetValue(key, out var slices))
        {
            slices = new Dictionary<string, EndpointSliceSnapshot>(StringComparer.Ordinal);
            _sliceIndex[key] = slices;
        }

        if (remove)
        {
            slices.Remove(slice.Snapshot.Name);
            if (slices.Count == 0)
            {
                _sliceIndex.Remove(key);
            }
        }
        else
        {
            slices[slice.Snapshot.Name] = slice.Snapshot;
        }

        Changed(key);
    }

    /// <summary>Its Service, a slice of it or a gated pod changed: the entity is told, once the first lists are in.</summary>
    private void Changed(ServiceKey key)
    {
        if (Synced)
        {
            Send(key, DateTimeOffset.UtcNow);
        }
    }

    private void Decommission()
    {
        _log.LogInformation("{ClusterId}: member cluster removed; its {Services} Services leave their load balancers", _clusterId, _sent.Count);
        foreach (var (key, routed) in _sent)
        {
            _window.Forget(key);
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
}
