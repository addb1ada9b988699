using System.Threading.Channels;
using DirectLB.KubeApiServer.Resources;
using DirectLB.KubeApiServer.Selectors;

namespace DirectLB.KubeApiServer.Store;

/// <summary>
/// One open watch: the store pushes serialized event lines in commit order (under its lock, so nothing is lost or
/// reordered between the initial replay and live events); the HTTP stream drains <see cref="Lines"/>.
/// Like the real server's watch cache, it holds a bounded number of live events for a client that reads slowly:
/// past that, the watch is closed (the stream ends once the client has read what was queued), and the client
/// resumes from the last resource version it saw. A stalled client costs latency, never unbounded memory.
/// Dispose to unregister.
/// </summary>
public sealed class WatchSubscription : IDisposable
{
    private readonly ObjectStore _store;
    // Not marked single-reader: that variant cannot count what it holds, and the bound needs the count.
    private readonly Channel<string> _lines = Channel.CreateUnbounded<string>();
    private int _limit = int.MaxValue;

    internal WatchSubscription(ObjectStore store, ResourceKind kind, ObjectFilter filter)
    {
        _store = store;
        Kind = kind;
        Filter = filter;
    }

    public ResourceKind Kind { get; }

    public ObjectFilter Filter { get; }

    /// <summary>Newline-free JSON watch events, ready to be written one per line.</summary>
    public ChannelReader<string> Lines => _lines.Reader;

    /// <summary>Whether the store closed this watch because its client fell too far behind.</summary>
    public bool ClosedForLag { get; private set; }

    public void Dispose() => _store.Unsubscribe(this);

    internal void Complete() => _lines.Writer.TryComplete();

    /// <summary>
    /// The initial replay is queued: from now on at most <paramref name="capacity"/> more lines may wait beyond it.
    /// The replay itself is bounded by the store's object count or its history.
    /// </summary>
    internal void GoLive(int capacity) => _limit = _lines.Reader.Count + capacity;

    /// <summary>
    /// Delivers a committed change as the real server does for a filtered watch: an object entering the selection
    /// is ADDED, one leaving it is DELETED, one outside it both before and after is invisible.
    /// </summary>
    /// <param name="change">The committed change.</param>
    /// <param name="objectJson">
    /// The changed object serialized, shared by every watch a commit reaches: set by the first that sends it, as the
    /// real server's watch cache serializes an object once for all its watchers.
    /// </param>
    /// <returns>False when the watch was closed because its client is too far behind.</returns>
    internal bool Deliver(WatchEvent change, ref string? objectJson)
    {
        if (change.Kind != Kind)
        {
            return true;
        }
        var matchesNow = Filter.Matches(change.Object);
        var matchedBefore = change.Previous is not null && Filter.Matches(change.Previous);
        var type = change.Type switch
        {
            WatchEventTypes.Modified when matchesNow && matchedBefore => WatchEventTypes.Modified,
            WatchEventTypes.Modified when matchesNow => WatchEventTypes.Added,
            WatchEventTypes.Modified when matchedBefore => WatchEventTypes.Deleted,
            WatchEventTypes.Added when matchesNow => WatchEventTypes.Added,
            WatchEventTypes.Deleted when matchesNow => WatchEventTypes.Deleted,
            _ => null,
        };
        return type is null || Enqueue(type, objectJson ??= change.Object.ToJsonString());
    }

    /// <param name="type">The event's type.</param>
    /// <param name="objectJson">The object, serialized.</param>
    /// <returns>False when the watch was closed because its client is too far behind.</returns>
    internal bool Enqueue(string type, string objectJson)
    {
        if (ClosedForLag)
        {
            return false;
        }
        if (_lines.Reader.Count >= _limit)
        {
            ClosedForLag = true;
            Complete();
            return false;
        }
        _lines.Writer.TryWrite($"{{\"type\":\"{type}\",\"object\":{objectJson}}}");
        return true;
    }
}
