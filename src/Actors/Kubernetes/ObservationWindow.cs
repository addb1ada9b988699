using DirectLB.Actors.Domain;

namespace DirectLB.Actors.Kubernetes;

/// <summary>
/// What keeps a watcher from flooding a slow entity: at most one observation of a Service is on its way (sent and not
/// yet acknowledged by the entity) at a time. A change meanwhile is only noted; when the entity acknowledges, the
/// watcher sends the Service's state as it is then, so the entity gets the latest state once instead of every
/// state in between. An entity that is recovering, waiting on its journal or starved of CPU then costs latency,
/// not a mailbox growing with every change. Pure: the watcher owns the clock and the sending.
/// </summary>
/// <param name="ackTimeout">
/// How long an acknowledgement may take before the observation counts as lost (its entity stopped, or it was
/// dropped in a shard hand-over) and a held change is sent anyway.
/// </param>
public sealed class ObservationWindow(TimeSpan ackTimeout)
{
    private readonly Dictionary<ServiceKey, DateTimeOffset> _unacknowledged = [];
    private readonly Dictionary<ServiceKey, DateTimeOffset?> _held = [];

    /// <summary>Services whose observation is on its way.</summary>
    public int Unacknowledged => _unacknowledged.Count;

    /// <summary>Services with a change waiting for their entity's acknowledgement.</summary>
    public int Held => _held.Count;

    /// <summary>
    /// Whether the watcher may send the Service's state now. If not, the change is held; the earliest change time
    /// held is kept, so the entity's latency metric still counts from the first change it did not see.
    /// </summary>
    /// <param name="changedAt">When the watch event arrived; null for a resend of unchanged state.</param>
    /// <param name="oldestChange">On true, the change time to send: the earliest of this one and any held.</param>
    public bool TrySend(ServiceKey key, DateTimeOffset now, DateTimeOffset? changedAt, out DateTimeOffset? oldestChange)
    {
        key = key.Unscoped;
        if (_unacknowledged.ContainsKey(key))
        {
            _held[key] = Moments.Earliest(_held.GetValueOrDefault(key), changedAt);
            oldestChange = null;
            return false;
        }

        oldestChange = Moments.Earliest(_held.GetValueOrDefault(key), changedAt);
        _held.Remove(key);
        _unacknowledged[key] = now;
        return true;
    }

    /// <summary>The entity took the observation. True when a change was held meanwhile and should be sent now.</summary>
    public bool Acknowledged(ServiceKey key, out DateTimeOffset? heldChange)
    {
        key = key.Unscoped;
        _unacknowledged.Remove(key);
        return _held.Remove(key, out heldChange);
    }

    /// <summary>
    /// Observations unacknowledged for longer than the timeout count as lost. Returns the Services with a held change,
    /// with its time, to send again now; the others send at once on their next change.
    /// </summary>
    public IReadOnlyList<(ServiceKey Key, DateTimeOffset? HeldChange)> Expire(DateTimeOffset now)
    {
        var overdue = _unacknowledged.Where(u => now - u.Value >= ackTimeout).Select(u => u.Key).ToList();
        var resend = new List<(ServiceKey, DateTimeOffset?)>();
        foreach (var key in overdue)
        {
            _unacknowledged.Remove(key);
            if (_held.Remove(key, out var heldChange))
            {
                resend.Add((key, heldChange));
            }
        }

        return resend;
    }

    /// <summary>
    /// Every held change, with its time, forgetting them and their observations on the way: the watcher is stopping
    /// and sends them now, since the acknowledgements that would have released them will find it gone.
    /// </summary>
    public IReadOnlyList<(ServiceKey Key, DateTimeOffset? HeldChange)> TakeHeld()
    {
        var held = _held.Select(h => (h.Key, h.Value)).ToList();
        foreach (var (key, _) in held)
        {
            _unacknowledged.Remove(key);
        }

        _held.Clear();
        return held;
    }

    /// <summary>
    /// The observation on its way no longer counts (its entity asked for the state again, or a replica left and
    /// entities moved): the next <see cref="TrySend"/> goes out at once, with any held change time.
    /// </summary>
    public void Release(ServiceKey key) => _unacknowledged.Remove(key.Unscoped);

    /// <summary>Forgets the Service: it is gone from this member cluster, or no longer ours.</summary>
    public void Forget(ServiceKey key)
    {
        key = key.Unscoped;
        _unacknowledged.Remove(key);
        _held.Remove(key);
    }
}
