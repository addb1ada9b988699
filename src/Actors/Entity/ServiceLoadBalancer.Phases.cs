using Akka.Actor;
using Akka.Cluster.Sharding;
using DirectLB.Actors.Planning;
using Microsoft.Extensions.Logging;

namespace DirectLB.Actors.Entity;

/// <summary>
/// The entity's phases, one behaviour each, and the one place that moves between them (<see cref="Reconcile"/>):
/// <code>
///   AwaitingObservation ──first observation──▶ Reconcile
///   Idle ──change, no debounce window open──▶ Reconcile (leading edge: a lone change is acted on at once)
///   Idle ──change, a window open──▶ Debouncing ──window closes──▶ Reconcile (trailing: all that came meanwhile)
///   Reconcile ──▶ ReadingBack | Calling | Writing (one outside call) ──done──▶ Reconcile (the plan's next step),
///             or, when changes came meanwhile, as Idle's change: Reconcile or Debouncing
///             ──▶ Idle (in sync, or invalid configuration kept)      ──▶ Finishing (nothing left to own)
///   Idle, a port in no EndpointSlice yet ──grace over──▶ Reconcile (reported invalid only if the slices still lack it)
///   any outside call ──failed──▶ BackingOff ──retry──▶ Reconcile
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

    /// <summary>Woken (by a message or a failover), but no member cluster has spoken yet: acting now could delete a live load balancer.</summary>
    private void AwaitingObservation()
    {
        HandleHousekeeping();
        HandleChanges(Reconcile);
        Command<ReadBackTick>(_ => OnReadBackTick());
        IgnoreTicks();
    }

    /// <summary>In sync, or keeping the last good load balancer: waiting for a change, a drain deadline, a probe or a read-back.</summary>
    private void Idle()
    {
        HandleHousekeeping();
        HandleChanges(ActOnChange);
        Command<ReconcileTick>(_ => Reconcile());
        Command<ReadBackTick>(_ =>
        {
            OnReadBackTick();
            Reconcile();
        });
        Command<DrainProbeTick>(_ => ProbeConnections());
        Command<GatePollTick>(_ =>
        {
            _readBackDue = true;
            Reconcile();
        });
        Command<RetryTick>(_ => { });
    }

    /// <summary>A change came while a debounce window was open: gathering more until it closes.</summary>
    private void Debouncing()
    {
        HandleHousekeeping();
        HandleChanges(() => { });
        Command<ReconcileTick>(_ => Reconcile());
        Command<ReadBackTick>(_ => OnReadBackTick());
        Command<DrainProbeTick>(_ => { });
        Command<GatePollTick>(_ => _readBackDue = true);
        Command<RetryTick>(_ => { });
    }

    /// <summary>A journaled provider operation is in flight.</summary>
    private void Calling()
    {
        HandleBusy();
        Command<ProviderSucceeded>(OnProviderSucceeded);
        Command<ProviderFailed>(OnProviderFailed);
    }

    /// <summary>A write to a member cluster's Service (finalizer or status) is in flight.</summary>
    private void Writing()
    {
        HandleBusy();
        Command<WriteSucceeded>(OnWriteSucceeded);
        Command<WriteFailed>(OnWriteFailed);
    }

    /// <summary>The load balancer is being read back from the provider.</summary>
    private void ReadingBack()
    {
        HandleBusy();
        Command<ReadBackCompleted>(OnReadBackCompleted);
        Command<ReadBackFailed>(OnReadBackFailed);
    }

    /// <summary>The provider is counting the connections of draining targets.</summary>
    private void Probing()
    {
        HandleBusy();
        Command<ConnectionsCounted>(OnConnectionsCounted);
    }

    /// <summary>An outside call failed: waiting out the backoff before trying again. Changes wait for the retry.</summary>
    private void BackingOff()
    {
        HandleHousekeeping();
        HandleChanges(() => { });
        Command<RetryTick>(_ => Reconcile());
        Command<ReadBackTick>(_ => OnReadBackTick());
        Command<ReconcileTick>(_ => { });
        Command<DrainProbeTick>(_ => { });
        Command<GatePollTick>(_ => _readBackDue = true);
    }

    /// <summary>
    /// Nothing left to own: the shard was asked to stop this entity. A change that still arrives is handed back to the
    /// watchers, which send it again; the shard buffers it and wakes a new incarnation once this one has stopped.
    /// </summary>
    private void Finishing()
    {
        HandleHousekeeping();
        HandleChanges(() => _stateSource.RequestResend(_key, _options.Debounce));
        Command<ReadBackTick>(_ => { });
        IgnoreTicks();
    }

    /// <summary>An outside call is in flight: changes wait for it, then for a debounce window.</summary>
    private void HandleBusy()
    {
        HandleHousekeeping();
        HandleChanges(() => _changedMeanwhile = true);
        Command<ReadBackTick>(_ => OnReadBackTick());
        IgnoreTicks();
    }

    /// <summary>
    /// Timers that belong to another phase (a debounce, drain or probe timer that fired as the phase changed). A gate
    /// poll outside Idle only makes the next plan read back first.
    /// </summary>
    private void IgnoreTicks()
    {
        Command<ReconcileTick>(_ => { });
        Command<RetryTick>(_ => { });
        Command<DrainProbeTick>(_ => { });
        Command<GatePollTick>(_ => _readBackDue = true);
    }

    private void Enter(EntityPhase phase, Action behaviour)
    {
        _phase = phase;
        Become(behaviour);
    }

    /// <summary>A change to act on: at once when no debounce window is open (leading edge), else when it closes (trailing).</summary>
    private void ActOnChange()
    {
        var wait = _window.WaitAt(_clock.GetUtcNow());
        if (wait <= TimeSpan.Zero)
        {
            Reconcile();
        }
        else
        {
            Timers.StartSingleTimer(DebounceTimer, ReconcileTick.Instance, wait);
            Enter(EntityPhase.Debouncing, Debouncing);
        }
    }

    /// <summary>A call that changed the load balancer or the Service has ended: the next change waits for a window.</summary>
    private void OpenDebounceWindow() => _window = DebounceWindow.After(_clock.GetUtcNow(), _options.Debounce);

    /// <summary>An outside call is done: plan the next step at once, or act on the changes that came meanwhile.</summary>
    private void Continue()
    {
        if (_changedMeanwhile)
        {
            _changedMeanwhile = false;
            ActOnChange();
        }
        else
        {
            Reconcile();
        }
    }

    /// <summary>Plans and takes the single next step; every phase change but a failure goes through here.</summary>
    private void Reconcile()
    {
        Timers.Cancel(DebounceTimer);
        Timers.Cancel(DrainTimer);
        Timers.Cancel(SliceGraceTimer);
        var now = _clock.GetUtcNow();
        DesiredState desired;
        ReconcileStep step;
        try
        {
            desired = Plan();
            step = ReconcileDecision.Next(_observations.Values, _state, desired, _writes, _options.Filter, now, _idleDraining, _readBackDue, _orphan);
        }
        catch (Exception failure)
        {
            ReportPlanningFailure(failure);
            Enter(EntityPhase.Idle, Idle);
            return;
        }

        ReportConflicts(desired);
        ReportNotices(desired);
        if (!desired.SlicesBehind)
        {
            _slicesBehindSince = null;
        }

        switch (step)
        {
            case ReadBack readBack:
                StartReadBack(readBack.Owner);
                break;
            case CallProvider call:
                StartOperation(call.Operation);
                break;
            case WriteService write:
                StartWrite(write);
                break;
            case KeepLastGood invalid:
                ReportInvalid(invalid, now);
                Enter(EntityPhase.Idle, Idle);
                break;
            case InSync inSync:
                OnInSync(inSync.WakeAt, now);
                Enter(EntityPhase.Idle, Idle);
                break;
            case Finished:
                OnFinished();
                break;
        }

        // A read-back brings fresh health; the plan that follows it updates the gates.
        if (step is not ReadBack)
        {
            UpdateGates();
        }
    }

    private DesiredState Plan() => RequestedAddressField.Holding(
        DesiredStateBuilder.Build(_key, [.. _observations.Values], _options.Filter, _options.Planner, ProviderCalls.Askable(_provider)),
        _state.Applied,
        _refusedAddress);

    private void OnFinished()
    {
        // Nothing left to own: drop the journal (the highest sequence number is kept) and stop.
        if (LastSequenceNr > 0)
        {
            DeleteMessages(LastSequenceNr);
        }

        _board.Remove(_key);
        Enter(EntityPhase.Finishing, Finishing);
        Context.Parent.Tell(new Passivate(StopEntity.Instance));
    }

    private sealed record ReconcileTick
    {
        public static ReconcileTick Instance { get; } = new();
    }

    private sealed record RetryTick
    {
        public static RetryTick Instance { get; } = new();
    }
}

/// <summary>What a Service entity is doing now; its behaviour (ServiceLoadBalancer.Phases.cs) follows it.</summary>
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
