namespace DirectLB.Actors.Entity;

/// <summary>
/// The entity's phases, one message handler each (a switch; <see cref="HandleInPhase"/> picks it by <c>_phase</c>), and
/// the one place that moves between them (<see cref="Reconcile"/>, ServiceLoadBalancer.Reconcile.cs):
/// <code>
///   AwaitingObservation ──first observation──▶ Reconcile
///   Idle ──change, no debounce window open──▶ Reconcile (leading edge: a lone change is acted on at once)
///   Idle ──change, a window open──▶ Debouncing ──window closes──▶ Reconcile (trailing: all that came meanwhile)
///   Reconcile ──▶ ReadingBack | Calling | Writing (one outside call) ──done──▶ Reconcile (the plan's next step),
///             or, when changes came meanwhile, as Idle's change: Reconcile or Debouncing
///             ──▶ Idle (in sync, or invalid configuration kept)      ──▶ Finishing (nothing left to own)
///   Idle, a port in no EndpointSlice yet ──grace over──▶ Reconcile (reported invalid only if the slices still lack it)
///   any outside call ──failed──▶ BackingOff ──retry──▶ Reconcile
///   but Writing the address ──failed──▶ Reconcile, that write held until its retry (the load balancer goes on)
///   Idle ──draining targets to probe──▶ Probing ──counted──▶ Reconcile
/// </code>
/// Changes are recorded in every phase. A call that changed the load balancer or the Service opens a debounce window
/// (<see cref="DebounceWindow"/>); changes wait only while one is open, so a lone change costs no debounce while a burst
/// still costs at most one call per window.
/// </summary>
public sealed partial class ServiceLoadBalancer
{
    private const string DebounceTimer = "debounce";
    private const string RetryTimer = "retry";
    private const string DrainTimer = "drain";
    private const string SliceGraceTimer = "slice-grace";

    private EntityPhase _phase = EntityPhase.AwaitingObservation;
    private DebounceWindow _window = DebounceWindow.Closed;
    private bool _changedMeanwhile;

    /// <summary>What a message that is neither housekeeping nor a change does: the entity's phase decides.</summary>
    private bool HandleInPhase(object message) => _phase switch
    {
        EntityPhase.AwaitingObservation => AwaitingObservation(message),
        EntityPhase.Idle => Idle(message),
        EntityPhase.Debouncing => Debouncing(message),
        EntityPhase.Calling => Calling(message),
        EntityPhase.Writing => Writing(message),
        EntityPhase.ReadingBack => ReadingBack(message),
        EntityPhase.Probing => Probing(message),
        EntityPhase.BackingOff => BackingOff(message),
        EntityPhase.Finishing => Finishing(message),
        _ => false,
    };

    /// <summary>A change was recorded (in any phase); what it sets off depends on the phase.</summary>
    private void ReactToChange()
    {
        switch (_phase)
        {
            case EntityPhase.AwaitingObservation:
                Reconcile();
                break;
            case EntityPhase.Idle:
                ActOnChange();
                break;
            case EntityPhase.Debouncing or EntityPhase.BackingOff:
                // the window's close or the retry plans with it
                break;
            case EntityPhase.Calling or EntityPhase.Writing or EntityPhase.ReadingBack or EntityPhase.Probing:
                // an outside call is in flight: the change waits for it, then for a debounce window
                _changedMeanwhile = true;
                break;
            case EntityPhase.Finishing:
                _stateSource.RequestResend(_key, _options.Debounce);
                break;
        }
    }

    /// <summary>Woken (by a message or a failover), but no member cluster has spoken yet: acting now could delete a live load balancer.</summary>
    private bool AwaitingObservation(object message)
    {
        switch (message)
        {
            case ReadBackTick:
                OnReadBackTick();
                return true;
            default:
                return IgnoreTick(message);
        }
    }

    /// <summary>In sync, or keeping the last good load balancer: waiting for a change, a drain deadline, a probe or a read-back.</summary>
    private bool Idle(object message)
    {
        switch (message)
        {
            case ReconcileTick:
                Reconcile();
                return true;
            case ReadBackTick:
                OnReadBackTick();
                Reconcile();
                return true;
            case DrainProbeTick:
                ProbeConnections();
                return true;
            case GatePollTick:
                _readBackDue = true;
                Reconcile();
                return true;
            case RetryTick:
                return true;
            default:
                return false;
        }
    }

    /// <summary>A change came while a debounce window was open: gathering more until it closes.</summary>
    private bool Debouncing(object message)
    {
        switch (message)
        {
            case ReconcileTick:
                Reconcile();
                return true;
            case ReadBackTick:
                OnReadBackTick();
                return true;
            default:
                return IgnoreTick(message);
        }
    }

    /// <summary>A journaled provider operation is in flight.</summary>
    private bool Calling(object message)
    {
        switch (message)
        {
            case ProviderSucceeded succeeded:
                OnProviderSucceeded(succeeded);
                return true;
            case ProviderFailed failed:
                OnProviderFailed(failed);
                return true;
            default:
                return WhileBusy(message);
        }
    }

    /// <summary>A write to a member cluster's Service (finalizer or status) is in flight.</summary>
    private bool Writing(object message)
    {
        switch (message)
        {
            case WriteSucceeded succeeded:
                OnWriteSucceeded(succeeded);
                return true;
            case WriteFailed failed:
                OnWriteFailed(failed);
                return true;
            default:
                return WhileBusy(message);
        }
    }

    /// <summary>The load balancer is being read back from the provider.</summary>
    private bool ReadingBack(object message)
    {
        switch (message)
        {
            case ReadBackCompleted completed:
                OnReadBackCompleted(completed);
                return true;
            case ReadBackFailed failed:
                OnReadBackFailed(failed);
                return true;
            default:
                return WhileBusy(message);
        }
    }

    /// <summary>The provider is counting the connections of draining targets.</summary>
    private bool Probing(object message)
    {
        if (message is ConnectionsCounted counted)
        {
            OnConnectionsCounted(counted);
            return true;
        }

        return WhileBusy(message);
    }

    /// <summary>An outside call failed: waiting out the backoff before trying again. Changes wait for the retry.</summary>
    private bool BackingOff(object message)
    {
        switch (message)
        {
            case RetryTick:
                Reconcile();
                return true;
            case ReadBackTick:
                OnReadBackTick();
                return true;
            default:
                return IgnoreTick(message);
        }
    }

    /// <summary>
    /// Nothing left to own: the shard was asked to stop this entity. A change that still arrives is handed back to the
    /// watchers, which send it again; the shard buffers it and wakes a new incarnation once this one has stopped.
    /// </summary>
    private bool Finishing(object message) => message is ReadBackTick || IgnoreTick(message);

    /// <summary>An outside call is in flight: a read-back comes due for the next plan; other ticks wait.</summary>
    private bool WhileBusy(object message)
    {
        if (message is ReadBackTick)
        {
            OnReadBackTick();
            return true;
        }

        return IgnoreTick(message);
    }

    /// <summary>
    /// Timers that belong to another phase (a debounce, drain or probe timer that fired as the phase changed). A gate
    /// poll outside Idle only makes the next plan read back first.
    /// </summary>
    private bool IgnoreTick(object message)
    {
        switch (message)
        {
            case ReconcileTick or RetryTick or DrainProbeTick:
                return true;
            case GatePollTick:
                _readBackDue = true;
                return true;
            default:
                return false;
        }
    }

    private void Enter(EntityPhase phase) => _phase = phase;
}

/// <summary>What a Service entity is doing now; its handler for a message (ServiceLoadBalancer.Phases.cs) follows it.</summary>
public enum EntityPhase
{
    AwaitingObservation,
    Idle,
    Debouncing,
    ReadingBack,
    Calling,
    Writing,
    Probing,
    BackingOff,
    Finishing,
}
