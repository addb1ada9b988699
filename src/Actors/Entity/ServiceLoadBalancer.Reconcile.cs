using Akka.Actor;
using Akka.Cluster.Sharding;
using DirectLB.Actors.Domain;
using DirectLB.Actors.Planning;

namespace DirectLB.Actors.Entity;

/// <summary>
/// Moving between the phases (ServiceLoadBalancer.Phases.cs): a change acted on at once or after its debounce window,
/// an outside call's end, and <see cref="Reconcile"/>, which plans and takes the single next step.
/// </summary>
public sealed partial class ServiceLoadBalancer
{
    private PlannedFrom? _lastPlan;

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
            Enter(EntityPhase.Debouncing);
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
            Enter(EntityPhase.Idle);
            return;
        }

        ReportConflicts(desired);
        ReportNotices(desired);
        ReportUnpublishableAddresses();
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
                Enter(EntityPhase.Idle);
                break;
            case InSync inSync:
                OnInSync(inSync.WakeAt, now);
                Enter(EntityPhase.Idle);
                break;
            case Finished:
                OnFinished();
                break;
        }

        if (step is KeepLastGood or InSync)
        {
            // Idle until a change, which replaces an input anyway: kept, the plan would only hold memory (~2 KiB a Service).
            _lastPlan = null;
        }

        // A read-back brings fresh health; the plan that follows it updates the gates.
        if (step is not ReadBack)
        {
            UpdateGates();
        }
    }

    /// <summary>
    /// What the member clusters want, planned again only when what it is planned from changed: an outside call that
    /// ends (a finalizer or status written) leaves the observations, the applied load balancer and a refused address as
    /// they were, and planning is most of a step's CPU at a cold start of thousands. Compared by reference: all three are
    /// immutable, and each change replaces them. Kept from one step to the next only, not while idle.
    /// </summary>
    private DesiredState Plan()
    {
        if (_lastPlan is { } last && last.IsFrom(_observations, _state.Applied, _refusedAddress))
        {
            return last.Desired;
        }

        ClusterObservation[] observations = [.. _observations.Values];
        var desired = RequestedAddressField.Holding(
            DesiredStateBuilder.Build(_key, observations, _options.Filter, _options.Planner, ProviderCalls.Askable(_provider)),
            _state.Applied,
            _refusedAddress);
        _lastPlan = new PlannedFrom(observations, _state.Applied, _refusedAddress, desired);
        return desired;
    }

    private void OnFinished()
    {
        // Nothing left to own: drop the journal (the highest sequence number is kept) and stop.
        if (LastSequenceNr > 0)
        {
            DeleteMessages(LastSequenceNr);
        }

        _board.Remove(_key);
        Enter(EntityPhase.Finishing);
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
