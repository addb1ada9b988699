using System.Text.Json.Nodes;
using System.Threading.Channels;
using DirectLB.KubeApiServer.Resources;
using DirectLB.KubeApiServer.Selectors;

namespace DirectLB.KubeApiServer.Store;

/// <summary>
/// One open watch: the store pushes serialized event lines in commit order (under its lock, so nothing is lost or
/// reordered between the initial replay and live events); the HTTP stream drains <see cref="Lines"/>.
/// Dispose to unregister.
/// </summary>
public sealed class WatchSubscription : IDisposable
{
    private readonly ObjectStore _store;
    private readonly Channel<string> _lines = Channel.CreateUnbounded<string>(new UnboundedChannelOptions { SingleReader = true });

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

    public void Dispose() => _store.Unsubscribe(this);

    internal void Complete() => _lines.Writer.TryComplete();

    /// <summary>
    /// Delivers a committed change as the real server does for a filtered watch: an object entering the selection
    /// is ADDED, one leaving it is DELETED, one outside it both before and after is invisible.
    /// </summary>
    internal void Deliver(WatchEvent change)
    {
        if (change.Kind != Kind)
        {
            return;
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
        if (type is not null)
        {
            Enqueue(type, change.Object);
        }
    }

    internal void Enqueue(string type, JsonObject obj) =>
        _lines.Writer.TryWrite($"{{\"type\":\"{type}\",\"object\":{obj.ToJsonString()}}}");
}
