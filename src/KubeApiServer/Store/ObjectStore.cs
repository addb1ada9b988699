using System.Globalization;
using System.Text.Json.Nodes;
using DirectLB.KubeApiServer.EndpointSlices;
using DirectLB.KubeApiServer.Resources;
using DirectLB.KubeApiServer.Selectors;
using DirectLB.KubeApiServer.Services;
using DirectLB.KubeApiServer.Validation;

namespace DirectLB.KubeApiServer.Store;

/// <summary>
/// The cluster state: every object of every kind, one global resource version counter (like etcd's revision), the
/// change history and the open watches. Thread-safe; one lock serializes all access, which keeps watch delivery in
/// commit order. HTTP handlers and test helpers go through the same methods, so both bump resource versions and
/// notify watches identically. Everything handed out is a copy.
/// </summary>
public sealed partial class ObjectStore
{
    private readonly Lock _lock = new();
    private readonly Dictionary<ResourceKind, SortedDictionary<string, JsonObject>> _objects = [];
    private readonly Dictionary<ResourceKind, IWriteHooks> _hooks = [];
    private readonly ObjectValidation _validation;
    private readonly List<WatchSubscription> _subscriptions = [];
    private readonly EventHistory _history;
    private readonly TimeProvider _time;
    private readonly int _watchBufferCapacity;
    private long _revision;
    private long _watchesClosedForLag;

    public ObjectStore(ObjectStoreOptions? options = null)
    {
        options ??= new ObjectStoreOptions();
        Resources = options.Resources ?? ResourceTable.CreateDefault();
        _history = new EventHistory(options.HistoryCapacity);
        _time = options.Time;
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(options.WatchBufferCapacity);
        _watchBufferCapacity = options.WatchBufferCapacity;
        foreach (var kind in Resources.All)
        {
            _objects[kind] = new SortedDictionary<string, JsonObject>(StringComparer.Ordinal);
        }
        if (Resources.All.Contains(ResourceTable.Services))
        {
            _hooks[ResourceTable.Services] = new ServiceRegistry(options.ServiceNetwork);
        }
        if (Resources.All.Contains(ResourceTable.EndpointSlices))
        {
            _hooks[ResourceTable.EndpointSlices] = new EndpointSliceRegistry();
        }
        _validation = new ObjectValidation(options.LoopbackEndpoints);
        if (ServesNamespaces)
        {
            CreateSystemNamespaces();
        }
    }

    public ResourceTable Resources { get; }

    /// <summary>The clock of timestamps the store sets; tables print ages against it.</summary>
    public TimeProvider Time => _time;

    /// <summary>The current global resource version: the revision of the latest write.</summary>
    public long ResourceVersion
    {
        get { lock (_lock) { return _revision; } }
    }

    /// <summary>How many watches were closed because their client fell more than the watch buffer behind.</summary>
    public long WatchesClosedForLag
    {
        get { lock (_lock) { return _watchesClosedForLag; } }
    }

    public JsonObject? Get(ResourceKind kind, string? ns, string name)
    {
        lock (_lock)
        {
            return Objects(kind).TryGetValue(ObjectMeta.Key(ScopeNamespace(kind, ns), name), out var obj)
                ? (JsonObject)obj.DeepClone()
                : null;
        }
    }

    /// <summary>
    /// How many current objects match <paramref name="filter"/> and <paramref name="predicate"/>, for observers that poll
    /// (a bench waiting for thousands of statuses): nothing is copied, where a list copies every object while holding the
    /// lock every request waits for. The predicate reads the stored object and must not change it.
    /// </summary>
    public int Count(ResourceKind kind, ObjectFilter filter, Func<JsonObject, bool> predicate)
    {
        lock (_lock)
        {
            return Objects(kind).Values.Count(o => filter.Matches(o) && predicate(o));
        }
    }

    /// <summary>Lists objects in key order. A continued page is served from the first page's snapshot, as etcd does.</summary>
    /// <exception cref="KubeApiException">410 Expired if the snapshot a continue token refers to has been compacted.</exception>
    public ListResult List(ResourceKind kind, ListQuery query)
    {
        lock (_lock)
        {
            var token = query.Continue is { Length: > 0 } text ? ContinueToken.Decode(text) : null;
            var revision = token?.ResourceVersion ?? _revision;
            IEnumerable<KeyValuePair<string, JsonObject>> candidates = token is null ? Objects(kind) : StateAt(kind, revision);
            var matching = candidates
                .Where(p => token is null || string.CompareOrdinal(p.Key, token.LastKey) > 0)
                .Where(p => query.Filter.Matches(p.Value));
            var limit = query.Limit is > 0 ? query.Limit.Value : int.MaxValue;
            var page = matching.Take(limit == int.MaxValue ? limit : limit + 1).ToList();
            var next = page.Count > limit ? new ContinueToken(revision, page[limit - 1].Key).Encode() : null;
            var items = page.Take(limit).Select(p => (JsonObject)p.Value.DeepClone()).ToList();
            return new ListResult(items, revision, next);
        }
    }

    /// <summary>
    /// Opens a watch. With no resource version (null, "" or "0") the current matching objects are replayed as ADDED
    /// first; with a resource version every later change is replayed. Live changes follow without a gap.
    /// </summary>
    /// <exception cref="KubeApiException">410 Expired if changes after <paramref name="resourceVersion"/> were compacted away.</exception>
    public WatchSubscription Watch(ResourceKind kind, ObjectFilter filter, string? resourceVersion)
    {
        var subscription = new WatchSubscription(this, kind, filter);
        lock (_lock)
        {
            if (string.IsNullOrEmpty(resourceVersion) || resourceVersion == "0")
            {
                foreach (var obj in Objects(kind).Values.Where(filter.Matches))
                {
                    subscription.Enqueue(WatchEventTypes.Added, obj.ToJsonString());
                }
            }
            else
            {
                var from = ParseRevision(resourceVersion);
                if (!_history.Covers(from))
                {
                    throw KubeApiException.Expired($"too old resource version: {from} ({_history.CompactedRevision})");
                }
                foreach (var change in _history.After(from))
                {
                    string? json = null;
                    subscription.Deliver(change, ref json);
                }
            }
            subscription.GoLive(_watchBufferCapacity);
            _subscriptions.Add(subscription);
        }
        return subscription;
    }

    /// <summary>Queues a BOOKMARK carrying the current revision, in order with the watch's other events.</summary>
    public void Bookmark(WatchSubscription subscription)
    {
        lock (_lock)
        {
            var bookmark = new JsonObject
            {
                ["kind"] = subscription.Kind.Kind,
                ["apiVersion"] = subscription.Kind.ApiVersion,
                ["metadata"] = new JsonObject { ["resourceVersion"] = Revision(_revision) },
            };
            if (!subscription.Enqueue(WatchEventTypes.Bookmark, bookmark.ToJsonString()))
            {
                DropLagging(subscription);
            }
        }
    }

    /// <summary>Forgets all history: any watch or continue token from before now gets 410 Expired.</summary>
    public void CompactHistory()
    {
        lock (_lock)
        {
            _history.Compact(_revision);
        }
    }

    internal void Unsubscribe(WatchSubscription subscription)
    {
        lock (_lock)
        {
            _subscriptions.Remove(subscription);
        }
        subscription.Complete();
    }

    // The watch's client fell too far behind: it leaves the fan-out now, and its stream ends once the client has
    // read what is queued. Caller holds the lock.
    private void DropLagging(WatchSubscription subscription)
    {
        if (_subscriptions.Remove(subscription))
        {
            _watchesClosedForLag++;
        }
    }

    internal static long ParseRevision(string resourceVersion) =>
        long.TryParse(resourceVersion, NumberStyles.None, CultureInfo.InvariantCulture, out var revision)
            ? revision
            : throw KubeApiException.BadRequest($"invalid resource version: {resourceVersion}");

    private static string Revision(long revision) => revision.ToString(CultureInfo.InvariantCulture);

    private SortedDictionary<string, JsonObject> Objects(ResourceKind kind) =>
        _objects.TryGetValue(kind, out var objects)
            ? objects
            : throw new ArgumentException($"{kind.ApiVersion} {kind.Plural} is not registered with this store.", nameof(kind));

    private IWriteHooks? Hooks(ResourceKind kind) => _hooks.GetValueOrDefault(kind);

    private static string? ScopeNamespace(ResourceKind kind, string? ns) => kind.Namespaced ? ns : null;

    // Rebuilds the kind's objects as of a past revision by undoing later changes, newest first.
    private SortedDictionary<string, JsonObject> StateAt(ResourceKind kind, long revision)
    {
        if (!_history.Covers(revision))
        {
            throw KubeApiException.Expired(
                "The provided continue parameter is too old to display a consistent list result. "
                + "You can start a new list without the continue parameter.");
        }
        var state = new SortedDictionary<string, JsonObject>(Objects(kind), StringComparer.Ordinal);
        foreach (var change in _history.AfterNewestFirst(revision).Where(c => c.Kind == kind))
        {
            var key = ObjectMeta.Key(ObjectMeta.Namespace(change.Object), ObjectMeta.Name(change.Object)!);
            if (change.Previous is null)
            {
                state.Remove(key);
            }
            else
            {
                state[key] = change.Previous;
            }
        }
        return state;
    }
}
