using System.Collections.Concurrent;
using Akka.Actor;
using DirectLB.Actors.Domain;

namespace DirectLB.Actors.Kubernetes;

/// <summary>
/// The running cluster watchers, by member cluster id. Entities reach them through
/// <see cref="IServiceStateSource"/> to ask for their Service's state again.
/// </summary>
public sealed class WatcherDirectory : IServiceStateSource
{
    private readonly ConcurrentDictionary<string, IActorRef> _watchers = new(StringComparer.Ordinal);
    private IScheduler? _scheduler;

    public IReadOnlyDictionary<string, IActorRef> Watchers => _watchers;

    public void Register(string clusterId, IActorRef watcher, IScheduler scheduler)
    {
        _scheduler = scheduler;
        _watchers[clusterId] = watcher;
    }

    public void Unregister(string clusterId, IActorRef watcher) =>
        _watchers.TryRemove(new KeyValuePair<string, IActorRef>(clusterId, watcher));

    public void RequestResend(ServiceKey key, TimeSpan after)
    {
        foreach (var watcher in _watchers.Values)
        {
            _scheduler?.ScheduleTellOnce(after, watcher, new ResendServiceState(key), ActorRefs.NoSender);
        }
    }
}
