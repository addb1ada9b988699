using System.Collections.Immutable;
using Akka.Actor;
using DirectLB.Actors.Domain;
using DirectLB.Actors.Entity;

namespace DirectLB.Actors.Kubernetes;

/// <summary>
/// How the watcher tells entities what their Service is: the whole current state, at most one observation per
/// Service on its way at a time (<see cref="ObservationWindow"/>). A slow entity gets the latest state when it has
/// taken the previous one, never a queue of every state in between.
/// </summary>
public sealed partial class ClusterWatcher
{
    private const string AcknowledgementTimer = "acknowledgements";

    /// <summary>
    /// How long an entity may take to acknowledge an observation before it counts as lost. Long enough for an
    /// entity waiting its turn to recover from the journal at a cold start of thousands; a lost one (its entity
    /// stopped, or a shard hand-over dropped it) only delays a later change by this much.
    /// </summary>
    private static readonly TimeSpan AcknowledgementTimeout = TimeSpan.FromSeconds(30);

    private static readonly TimeSpan AcknowledgementCheck = TimeSpan.FromSeconds(5);

    private readonly ObservationWindow _window = new(AcknowledgementTimeout);

    /// <summary>Sends every Service again; with <paramref name="resend"/>, even those whose last observation is unacknowledged.</summary>
    private void Resync(bool resend = false)
    {
        if (!Synced)
        {
            return;
        }

        foreach (var key in _serviceIndex.Keys.Concat(_sent.Keys).Distinct().ToList())
        {
            if (resend)
            {
                _window.Release(key);
            }

            Send(key);
        }
    }

    /// <summary>The entity asked for its state again (a new incarnation): what it was sent before is lost.</summary>
    private void Resend(ServiceKey key)
    {
        _window.Release(key);
        Send(key);
    }

    private void OnObservationTaken(ObservationTaken taken)
    {
        if (_window.Acknowledged(taken.Key, out var heldChange))
        {
            Send(taken.Key, heldChange);
        }
    }

    /// <summary>
    /// The watcher is stopping (it moves with its replica leaving, or restarts with new credentials): the changes it
    /// held for an acknowledgement go out now, since that acknowledgement will find it gone.
    /// </summary>
    private void SendHeldChanges()
    {
        foreach (var (key, heldChange) in _window.TakeHeld())
        {
            Send(key, heldChange);
        }
    }

    private void ExpireAcknowledgements()
    {
        foreach (var (key, heldChange) in _window.Expire(DateTimeOffset.UtcNow))
        {
            Send(key, heldChange);
        }
    }

    /// <summary>
    /// Sends the entity the Service's whole current state, or that it is gone from this cluster. A Service whose
    /// scope changed is gone from its old entity and observed by its new one.
    /// </summary>
    private void Send(ServiceKey key, DateTimeOffset? changedAt = null)
    {
        if (!Synced)
        {
            return; // the first sync sends everything
        }

        key = key.Unscoped;
        ServiceKey? route = null;
        if (_serviceIndex.TryGetValue(key, out var service) && _filter.IsRelevant(service))
        {
            route = ServiceScope.RouteOf(key, _clusterId, service);
            if (_sent.TryGetValue(key, out var before) && before != route)
            {
                _window.Release(key); // a new entity: it need not wait for the old one's acknowledgement
            }

            if (_window.TrySend(key, DateTimeOffset.UtcNow, changedAt, out var oldestChange))
            {
                var slices = _sliceIndex.TryGetValue(key, out var found)
                    ? found.Values.OrderBy(s => s.Name, StringComparer.Ordinal).ToImmutableArray()
                    : [];
                _services.Tell(new ServiceObserved(route.Value, new ClusterObservation(_clusterId, service, slices) { Gates = GatesOf(key) }, oldestChange, Acknowledge: true));
            }
        }
        else
        {
            _window.Forget(key);
        }

        if (_sent.TryGetValue(key, out var previous) && previous != route)
        {
            _services.Tell(new ServiceGone(previous, _clusterId));
            _sent.Remove(key);
        }

        if (route is { } routed)
        {
            _sent[key] = routed;
        }
    }

    private sealed record AcknowledgementTick
    {
        public static AcknowledgementTick Instance { get; } = new();
    }
}
