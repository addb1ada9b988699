namespace DirectLB.KubeApiServer.Store;

/// <summary>
/// The bounded change log a watch resumes from, playing the role of etcd's history plus the watch cache. Once an
/// event falls out of the window (or <see cref="Compact"/> drops everything) resuming from before it yields 410 Expired,
/// which is what forces clients to relist. Not thread-safe: guarded by the store lock.
/// </summary>
internal sealed class EventHistory(int capacity)
{
    private readonly LinkedList<WatchEvent> _events = new();

    /// <summary>Every event with a resource version at or below this may be missing from the history.</summary>
    public long CompactedRevision { get; private set; }

    public void Append(WatchEvent watchEvent)
    {
        _events.AddLast(watchEvent);
        while (_events.Count > capacity)
        {
            CompactedRevision = _events.First!.Value.ResourceVersion;
            _events.RemoveFirst();
        }
    }

    public void Compact(long currentRevision)
    {
        _events.Clear();
        CompactedRevision = currentRevision;
    }

    /// <summary>Whether every change after <paramref name="revision"/> is still known.</summary>
    public bool Covers(long revision) => revision >= CompactedRevision;

    /// <summary>Events after <paramref name="revision"/>, oldest first. Callers check <see cref="Covers"/> first.</summary>
    public IEnumerable<WatchEvent> After(long revision) => _events.Where(e => e.ResourceVersion > revision);

    /// <summary>Events after <paramref name="revision"/>, newest first: the order in which to undo them.</summary>
    public IEnumerable<WatchEvent> AfterNewestFirst(long revision)
    {
        for (var node = _events.Last; node is not null && node.Value.ResourceVersion > revision; node = node.Previous)
        {
            yield return node.Value;
        }
    }
}
