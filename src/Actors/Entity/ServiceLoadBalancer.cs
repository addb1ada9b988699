using Akka.Actor;
using Akka.Cluster.Sharding;
using Akka.Persistence;
using DirectLB.Actors.Domain;
using DirectLB.Actors.Observability;
using DirectLB.Actors.Planning;
using DirectLB.Providers;
using Microsoft.Extensions.Logging;

namespace DirectLB.Actors.Entity;

/// <summary>
/// One Service's load balancer: a sharded, persistent actor that serializes every change to it.
/// It only sequences: plan (pure), journal the intent, make one outside call, journal the outcome, repeat.
/// Observations that arrive while a call is in flight are folded into the next plan (coalescing).
/// </summary>
public sealed partial class ServiceLoadBalancer : ReceivePersistentActor, IWithTimers
{
    private const string ReconcileTimer = "reconcile";
    private const string RetryTimer = "retry";
    private const string DrainTimer = "drain";

    private readonly ServiceKey _key;
    private readonly ILoadBalancerProvider _provider;
    private readonly IServiceWriter _writer;
    private readonly IServiceStateSource _stateSource;
    private readonly ServiceStatusBoard _board;
    private readonly ReconcileOptions _options;
    private readonly TimeProvider _clock;
    private readonly ILogger _log;
    private readonly CancellationTokenSource _stopping = new();
    private readonly Dictionary<string, ClusterObservation> _observations = new(StringComparer.Ordinal);

    private ServiceLoadBalancerState _state = ServiceLoadBalancerState.Empty;
    private KubernetesWrites _writes = KubernetesWrites.None;
    private bool _observed;
    private bool _busy;
    private bool _retryPending;
    private int _failures;
    private bool _structuralRound;
    private string? _reportedInvalid;
    private readonly HashSet<string> _reportedConflicts = [];
    private readonly HashSet<string> _unreachable = [];
    private long _lastSnapshotAt;
    private DateTimeOffset? _roundStartedAt;
    private DateTimeOffset? _oldestUnappliedChange;
    private bool _appliedInRound;
    private bool _changedWhileBusy;

    public ServiceLoadBalancer(
        string entityId,
        ILoadBalancerProvider provider,
        IServiceWriter writer,
        IServiceStateSource stateSource,
        ServiceStatusBoard board,
        ReconcileOptions options,
        TimeProvider clock,
        ILoggerFactory loggers)
    {
        _key = ServiceKey.Parse(entityId);
        _provider = provider;
        _writer = writer;
        _stateSource = stateSource;
        _board = board;
        _options = options;
        _clock = clock;
        _log = loggers.CreateLogger<ServiceLoadBalancer>();
        PersistenceId = PersistenceIdFor(_key);

        Recover<SnapshotOffer>(offer =>
        {
            _state = (ServiceLoadBalancerState)offer.Snapshot;
            _lastSnapshotAt = offer.Metadata.SequenceNr;
        });
        Recover<IServiceLoadBalancerEvent>(e => _state = _state.Apply(e));
        Recover<RecoveryCompleted>(_ => OnRecovered());

        Command<ServiceObserved>(Observe);
        Command<ServiceGone>(Forget);
        Command<ClusterUnreachable>(OnClusterUnreachable);
        Command<ClusterStale>(OnClusterStale);
        Command<GetLoadBalancerStatus>(_ => Sender.Tell(Report()));
        Command<ReconcileTick>(_ => Reconcile());
        Command<RetryTick>(_ =>
        {
            _retryPending = false;
            Reconcile();
        });
        Command<ProviderSucceeded>(OnProviderSucceeded);
        Command<ProviderFailed>(OnProviderFailed);
        Command<WriteSucceeded>(OnWriteSucceeded);
        Command<WriteFailed>(OnWriteFailed);
        Command<SaveSnapshotSuccess>(s =>
        {
            DeleteMessages(s.Metadata.SequenceNr);
            DeleteSnapshots(new SnapshotSelectionCriteria(s.Metadata.SequenceNr - 1));
        });
        Command<DeleteSnapshotsSuccess>(_ => { });
        Command<DeleteSnapshotsFailure>(f => _log.LogWarning(f.Cause, "{ServiceKey}: deleting old snapshots failed", _key));
        Command<SaveSnapshotFailure>(f => _log.LogWarning(f.Cause, "{ServiceKey}: snapshot failed; the journal keeps every event", _key));
        Command<DeleteMessagesSuccess>(_ => { });
        Command<DeleteMessagesFailure>(f => _log.LogWarning(f.Cause, "{ServiceKey}: deleting old journal events failed", _key));
        Command<StopEntity>(_ => Context.Stop(Self));
        Command<DrainProbeTick>(_ => ProbeConnections());
        Command<ConnectionsCounted>(OnConnectionsCounted);
    }

    public override string PersistenceId { get; }

    public ITimerScheduler Timers { get; set; } = null!;

    public static string PersistenceIdFor(ServiceKey key) => $"ServiceLoadBalancer-{key}";

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
    private void RequestResendAfterPause() =>
        _stateSource.RequestResend(_key, RetryBackoff.Delay(3, _options.MinBackoff, _options.MaxBackoff, null, Random.Shared));

    private void OnRecovered()
    {
        PublishTargets();
        if (_state.Applied is not null || _state.InDoubt)
        {
            _log.LogInformation(
                "{ServiceKey}: recovered load balancer {LoadBalancerId} with {TargetCount} targets{InDoubt}",
                _key, _state.Applied?.Id, _state.Applied?.TargetCount ?? 0, _state.InDoubt ? "; last operation in doubt, reading back" : "");
        }
    }

    private void ScheduleReconcile()
    {
        if (!_busy && !_retryPending && !Timers.IsTimerActive(ReconcileTimer))
        {
            Timers.StartSingleTimer(ReconcileTimer, ReconcileTick.Instance, _options.Debounce);
        }
    }

    private void Reconcile()
    {
        if (_busy || _retryPending)
        {
            return;
        }

        Timers.Cancel(DrainTimer);
        var now = _clock.GetUtcNow();
        DesiredState desired;
        ReconcileStep step;
        try
        {
            desired = Plan();
            step = ReconcileDecision.Next(_observations.Values, _observed, _state, desired, _writes, _options.Filter, now, _idleDraining);
        }
        catch (Exception failure)
        {
            ReportPlanningFailure(failure);
            return;
        }

        ReportConflicts(desired);
        switch (step)
        {
            case CallProvider call:
                StartOperation(call.Operation);
                break;
            case WriteService write:
                StartWrite(write);
                break;
            case KeepLastGood invalid:
                ReportInvalid(invalid.Errors);
                break;
            case InSync inSync:
                OnInSync(inSync.WakeAt, now);
                break;
            case Finished:
                OnFinished();
                break;
        }
    }

    private void OnInSync(DateTimeOffset? wakeAt, DateTimeOffset now)
    {
        _reportedInvalid = null;
        if (_appliedInRound)
        {
            if (_roundStartedAt is { } started)
            {
                DirectLbMetrics.ReconcileDuration.Observe((now - started).TotalSeconds);
            }

            if (_oldestUnappliedChange is { } changed)
            {
                DirectLbMetrics.EventToApplied.Observe(Math.Max(0, (now - changed).TotalSeconds));
            }
        }

        _appliedInRound = false;
        _roundStartedAt = null;
        _oldestUnappliedChange = null;
        _board.Publish(Report());
        if (_structuralRound)
        {
            _structuralRound = false;
            var address = _state.Applied?.Address;
            _log.LogInformation("{ServiceKey}: load balancer {LoadBalancerId} ensured at {Address}", _key, _state.Applied?.Id, address);
            RecordEvent(new ServiceEvent(false, ServiceEventReason.EnsuredLoadBalancer, $"Ensured load balancer at {address}"));
        }

        if (wakeAt is { } at)
        {
            Timers.StartSingleTimer(DrainTimer, ReconcileTick.Instance, at > now ? at - now : TimeSpan.Zero);
            ScheduleDrainProbe();
        }
    }

    private void OnFinished()
    {
        // Nothing left to own: drop the journal (the highest sequence number is kept) and stop.
        if (LastSequenceNr > 0)
        {
            DeleteMessages(LastSequenceNr);
        }

        _board.Remove(_key);
        Context.Parent.Tell(new Passivate(StopEntity.Instance));
    }

    private void SnapshotWhenDue()
    {
        if (_state.InFlight is null && LastSequenceNr - _lastSnapshotAt >= _options.SnapshotEvery)
        {
            _lastSnapshotAt = LastSequenceNr;
            SaveSnapshot(_state);
        }
    }

    private sealed record ReconcileTick
    {
        public static ReconcileTick Instance { get; } = new();
    }

    private sealed record RetryTick
    {
        public static RetryTick Instance { get; } = new();
    }

    private sealed record StopEntity
    {
        public static StopEntity Instance { get; } = new();
    }
}
