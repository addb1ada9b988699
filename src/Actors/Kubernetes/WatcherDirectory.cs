using System.Collections.Concurrent;
using Akka.Actor;

namespace DirectLB.Actors.Kubernetes;

/// <summary>
/// The cluster watchers running on this replica, by member cluster id: all of them on the replica that hosts
/// the member-cluster singleton, none elsewhere. The readiness probe and the status page read it.
/// </summary>
public sealed class WatcherDirectory
{
    private readonly ConcurrentDictionary<string, IActorRef> _watchers = new(StringComparer.Ordinal);

    public IReadOnlyDictionary<string, IActorRef> Watchers => _watchers;

    public void Register(string clusterId, IActorRef watcher) => _watchers[clusterId] = watcher;

    public void Unregister(string clusterId, IActorRef watcher) =>
        _watchers.TryRemove(new KeyValuePair<string, IActorRef>(clusterId, watcher));
}
