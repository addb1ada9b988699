using Akka.Actor;
using Akka.Persistence;
using DirectLB.Actors.Domain;
using DirectLB.Actors.Observability;
using DirectLB.Providers;
using Microsoft.Extensions.Logging;

namespace DirectLB.Actors.Entity;

/// <summary>
/// One Service's load balancer: a sharded, persistent actor that serializes every change to it.
/// It only sequences: plan (pure), journal the intent, make one outside call, journal the outcome, repeat.
/// It converges on the load balancer as it is: it reads it back now and then, after errors and after a failover,
/// and repairs what differs. Its phases (ServiceLoadBalancer.Phases.cs) say what it is waiting for; observations that
/// arrive meanwhile are folded into the next plan (coalescing). Commands are matched by plain switches on the message
/// and the phase: a phase change is one field written, where Akka's <c>ReceivePersistentActor</c> built its handlers
/// anew at every <c>Become</c> (a sixth of what a cold start of 10,000 Services allocated).
/// </summary>
public sealed partial class ServiceLoadBalancer : UntypedPersistentActor, IWithTimers
{
    private readonly ServiceKey _key;
    private readonly ILoadBalancerProvider _provider;
    private readonly IServiceWriter _writer;
    private readonly IServiceStateSource _stateSource;
    private readonly ServiceStatusBoard _board;
    private readonly ReconcileOptions _options;
    private readonly TimeProvider _clock;
    private readonly ILogger _log;
    private readonly CancellationTokenSource _stopping = new();

    private ServiceLoadBalancerState _state = ServiceLoadBalancerState.Empty;
    private long _lastSnapshotAt;
    private bool _resendRequested;

    public ServiceLoadBalancer(
        string entityId,
        ILoadBalancerProvider provider,
        IServiceWriter writer,
        IServiceStateSource stateSource,
        ServiceStatusBoard board,
        ReconcileOptions options,
        TimeProvider clock,
        ILogger<ServiceLoadBalancer> log)
    {
        _key = ServiceKey.Parse(entityId);
        _provider = provider;
        _writer = writer;
        _stateSource = stateSource;
        _board = board;
        _options = options;
        _clock = clock;
        // One logger for every entity (the host's is a singleton): one per entity cost ~0.9 KB each with Serilog.
        _log = log;
        PersistenceId = PersistenceIdFor(_key);
    }

    public override string PersistenceId { get; }

    public ITimerScheduler Timers { get; set; } = null!;

    public static string PersistenceIdFor(ServiceKey key) => $"ServiceLoadBalancer-{key}";

    protected override void OnRecover(object message)
    {
        switch (message)
        {
            case SnapshotOffer offer:
                _state = (ServiceLoadBalancerState)offer.Snapshot;
                _lastSnapshotAt = offer.Metadata.SequenceNr;
                break;
            case IServiceLoadBalancerEvent e:
                _state = _state.Apply(e);
                break;
            case RecoveryCompleted:
                OnRecovered();
                break;
        }
    }

    /// <summary>Housekeeping and changes are the same in every phase; the rest is the phase's (<see cref="HandleInPhase"/>).</summary>
    protected override void OnCommand(object message)
    {
        if (!HandleHousekeeping(message) && !HandleChange(message) && !HandleInPhase(message))
        {
            Unhandled(message);
        }
    }

    protected override void PreStart()
    {
        DirectLbMetrics.Entities.Inc();
        base.PreStart();
    }

    protected override void PostStop()
    {
        // The status board shows what this replica owns: a Service handed over to another replica leaves it.
        _board.Remove(_key);
        DirectLbMetrics.Entities.Dec();
        DirectLbMetrics.Targets.RemoveLabelled(_key.ToString(), "serving");
        DirectLbMetrics.Targets.RemoveLabelled(_key.ToString(), "draining");
        ForgetHealthMetrics();
        ForgetGateMetrics();
        AskForServiceOnNewOwner();
        _stopping.Cancel();
        _stopping.Dispose();
        base.PostStop();
    }

    /// <summary>The journal failed: Akka stops this actor. Ask the watchers to wake a new incarnation after a pause.</summary>
    protected override void OnPersistFailure(Exception cause, object @event, long sequenceNr)
    {
        _log.LogError(cause, "{ServiceKey}: journal write failed; nothing was sent to the provider, retrying after a restart", _key);
        RequestResendAfterPause();
        base.OnPersistFailure(cause, @event, sequenceNr);
    }

    /// <summary>
    /// The journal refused the event (it could not store it, or its write queue was full). Akka keeps the actor
    /// running without calling the handler, which would leave this entity waiting forever for an outcome: stop it
    /// like a failed write instead, and let the watchers wake a new incarnation.
    /// </summary>
    protected override void OnPersistRejected(Exception cause, object @event, long sequenceNr)
    {
        _log.LogError(cause, "{ServiceKey}: the journal rejected {Event}; retrying after a restart", _key, @event.GetType().Name);
        RequestResendAfterPause();
        Context.Stop(Self);
    }

    protected override void OnRecoveryFailure(Exception reason, object? message = null)
    {
        _log.LogError(reason, "{ServiceKey}: recovery from the journal failed", _key);
        RequestResendAfterPause();
        base.OnRecoveryFailure(reason, message);
    }

    /// <summary>This incarnation is stopping on a journal problem: the watchers wake the next one after a pause.</summary>
    private void RequestResendAfterPause()
    {
        _resendRequested = true;
        _stateSource.RequestResend(_key, RetryBackoff.Delay(3, _options.MinBackoff, _options.MaxBackoff, null, Random.Shared));
    }

    /// <summary>
    /// Sharding stops an entity when it hands its shard to another replica (this one leaves, or a rebalance): the entity
    /// asks the watchers to send its Service again at once, and that message, routed through sharding, starts it on its
    /// new owner now (it recovers and reads its load balancer back) instead of at the Service's next change or the
    /// watchers' next relist; an observation that sharding dropped in the hand-off (what a region buffered for a shard
    /// being handed off) comes again the same way. Sharding stops it with a PoisonPill, which stops it at once, even in
    /// the middle of a journal write, so it never starts a provider call after its hand-off. An entity stops otherwise
    /// only when its Service is finished, or after a journal failure, which asks for its own resend after a pause.
    /// </summary>
    private void AskForServiceOnNewOwner()
    {
        if (_phase != EntityPhase.Finishing && !_resendRequested)
        {
            _stateSource.RequestResendOnNewOwner(_key);
        }
    }

    private void OnRecovered()
    {
        PublishTargets();
        if (_state.Applied is not null || _state.InDoubt)
        {
            // After a restart or a failover the load balancer is read back before anything else: the journal says what
            // this entity did, the load balancer says what is (it may have changed while nobody watched it).
            _readBackDue = _state.Applied is not null;
            _log.LogInformation(
                "{ServiceKey}: recovered load balancer {LoadBalancerId} with {TargetCount} targets{InDoubt}; reading it back",
                _key, _state.Applied?.Id, _state.Applied?.TargetCount ?? 0, _state.InDoubt ? ", last operation in doubt" : "");
        }

        ScheduleReadBack(first: true);
    }

    private void SnapshotWhenDue()
    {
        if (_state.InFlight is null && LastSequenceNr - _lastSnapshotAt >= _options.SnapshotEvery)
        {
            _lastSnapshotAt = LastSequenceNr;
            SaveSnapshot(_state);
        }
    }

    /// <summary>Journal housekeeping and stopping: the same in every phase.</summary>
    private bool HandleHousekeeping(object message)
    {
        switch (message)
        {
            case GetLoadBalancerStatus:
                Sender.Tell(Report());
                return true;
            case ClusterUnreachable unreachable:
                OnClusterUnreachable(unreachable);
                return true;
            case SaveSnapshotSuccess s:
                DeleteMessages(s.Metadata.SequenceNr);
                DeleteSnapshots(new SnapshotSelectionCriteria(s.Metadata.SequenceNr - 1));
                return true;
            case DeleteSnapshotsFailure f:
                _log.LogWarning(f.Cause, "{ServiceKey}: deleting old snapshots failed", _key);
                return true;
            case SaveSnapshotFailure f:
                _log.LogWarning(f.Cause, "{ServiceKey}: snapshot failed; the journal keeps every event", _key);
                return true;
            case DeleteMessagesFailure f:
                _log.LogWarning(f.Cause, "{ServiceKey}: deleting old journal events failed", _key);
                return true;
            case DeleteSnapshotsSuccess or DeleteMessagesSuccess:
                return true;
            case StopEntity:
                Context.Stop(Self);
                return true;
            case GateWritten written:
                OnGateWritten(written);
                return true;
            case ConfirmTick:
                ConfirmQuietChange();
                return true;
            default:
                return false;
        }
    }

    private sealed record StopEntity
    {
        public static StopEntity Instance { get; } = new();
    }

    private sealed record ConfirmTick
    {
        public static ConfirmTick Instance { get; } = new();
    }
}
