using System.Collections.Immutable;
using Akka.Actor;
using Akka.Cluster.Sharding;
using Akka.Persistence;
using DirectLB.Actors.Domain;
using DirectLB.Actors.Observability;
using DirectLB.Actors.Planning;
using DirectLB.Providers;
using DirectLB.Providers.Model;
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
        _stateSource.RequestResend(_key, RetryBackoff.Delay(3, _options.MinBackoff, _options.MaxBackoff, null, Random.Shared));
        base.OnPersistFailure(cause, @event, sequenceNr);
    }

    protected override void OnRecoveryFailure(Exception reason, object? message = null)
    {
        _log.LogError(reason, "{ServiceKey}: recovery from the journal failed", _key);
        _stateSource.RequestResend(_key, RetryBackoff.Delay(3, _options.MinBackoff, _options.MaxBackoff, null, Random.Shared));
        base.OnRecoveryFailure(reason, message);
    }

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

    private void Observe(ServiceObserved message)
    {
        var clusterId = message.Observation.ClusterId;
        if (_unreachable.Remove(clusterId))
        {
            _log.LogInformation("{ServiceKey}: member cluster {ClusterId} is reachable again", _key, clusterId);
        }

        _observations[clusterId] = message.Observation;
        _observed = true;
        var now = _clock.GetUtcNow();
        _roundStartedAt ??= now;
        if (message.ChangedAt is { } changedAt && (_oldestUnappliedChange is null || changedAt < _oldestUnappliedChange))
        {
            _oldestUnappliedChange = changedAt;
        }

        NoteChange();
    }

    private void OnClusterUnreachable(ClusterUnreachable message)
    {
        if (!_observations.TryGetValue(message.ClusterId, out var known) || !_unreachable.Add(message.ClusterId))
        {
            return;
        }

        var targets = known.Slices.Sum(s => s.Endpoints.Length);
        _log.LogWarning("{ServiceKey}: member cluster {ClusterId} is unreachable ({Error}); keeping its last known {Endpoints} endpoints",
            _key, message.ClusterId, message.Error, targets);
        RecordEvent(new ServiceEvent(true, ServiceEventReason.MemberClusterUnreachable,
            $"Member cluster {message.ClusterId} is unreachable; keeping its last known {targets} endpoints"));
    }

    private void OnClusterStale(ClusterStale message)
    {
        if (!_observations.TryGetValue(message.ClusterId, out var known) || known.Stale)
        {
            return;
        }

        _observations[message.ClusterId] = known with { Stale = true };
        _log.LogWarning("{ServiceKey}: member cluster {ClusterId} has been unreachable too long; removing its targets", _key, message.ClusterId);
        RecordEvent(new ServiceEvent(true, ServiceEventReason.MemberClusterStale,
            $"Member cluster {message.ClusterId} has been unreachable too long; its targets are removed until it is back"));
        ScheduleReconcile();
    }

    private void Forget(ServiceGone message)
    {
        _observations.Remove(message.ClusterId);
        _observed = true;
        NoteChange();
    }

    /// <summary>A change that arrives during an outside call waits for that call, then for one debounce window like any other.</summary>
    private void NoteChange()
    {
        _changedWhileBusy |= _busy;
        ScheduleReconcile();
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
        var desired = DesiredStateBuilder.Build(_key, _observations.Values.ToList(), _options.Filter, _options.Planner, _provider.Capabilities);
        ReportConflicts(desired);
        var step = ReconcileDecision.Next(_observations.Values, _observed, _state, desired, _writes, _options.Filter, now, _idleDraining);
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

    private void StartOperation(ProviderOperation operation)
    {
        if (operation.ChangesStructure && operation is not DeleteLoadBalancer && !_structuralRound)
        {
            _structuralRound = true;
            RecordEvent(new ServiceEvent(false, ServiceEventReason.EnsuringLoadBalancer, "Ensuring load balancer"));
        }

        _busy = true;
        var started = new OperationStarted(_state.LastSequence + 1, operation, _clock.GetUtcNow());
        var persisting = _clock.GetTimestamp();
        Persist(started, e =>
        {
            DirectLbMetrics.JournalWrite.Observe(_clock.GetElapsedTime(persisting).TotalSeconds);
            _state = _state.Apply(e);
            _log.LogInformation("{ServiceKey}: {Operation}", _key, ProviderCalls.Describe(operation));
            ProviderCalls.RunAsync(_provider, operation, _stopping.Token)
                .PipeTo(Self, success: info => new ProviderSucceeded(e.Sequence, info), failure: ex => new ProviderFailed(e.Sequence, ex));
        });
    }

    private void OnProviderSucceeded(ProviderSucceeded result)
    {
        var operation = _state.InFlight?.Operation;
        if (operation is not null)
        {
            DirectLbMetrics.ProviderCalls.WithLabels(ProviderCalls.MetricName(operation), "success").Inc();
        }

        Persist(new OperationSucceeded(result.Sequence, result.Observed, _clock.GetUtcNow()), e =>
        {
            _state = _state.Apply(e);
            _busy = false;
            _failures = 0;
            _appliedInRound = true;
            _idleDraining = NoIdleTargets; // counted before this change: stale now
            PublishTargets();
            if (operation is DeleteLoadBalancer delete)
            {
                _structuralRound = false;
                _log.LogInformation("{ServiceKey}: deleted load balancer {LoadBalancerId}", _key, delete.LoadBalancerId);
                RecordEvent(new ServiceEvent(false, ServiceEventReason.DeletedLoadBalancer, $"Deleted load balancer {delete.LoadBalancerId}"));
            }

            SnapshotWhenDue();
            // Steps of one plan follow each other at once; changes that came in meanwhile are gathered for a
            // debounce window first, so a rollout costs at most one call per window, not two.
            if (_changedWhileBusy)
            {
                _changedWhileBusy = false;
                ScheduleReconcile();
            }
            else
            {
                Reconcile();
            }
        });
    }

    private void OnProviderFailed(ProviderFailed result)
    {
        var operation = _state.InFlight?.Operation;
        var name = operation is null ? "unknown" : ProviderCalls.MetricName(operation);
        var throttled = result.Cause is ProviderThrottledException;
        DirectLbMetrics.ProviderCalls.WithLabels(name, throttled ? "throttled" : "error").Inc();
        if (throttled)
        {
            DirectLbMetrics.ProviderThrottled.WithLabels(name).Inc();
        }

        DirectLbMetrics.SyncFailures.WithLabels("provider").Inc();
        var missing = result.Cause is LoadBalancerNotFoundException;
        var error = result.Cause.Message;
        Persist(new OperationFailed(result.Sequence, error, missing, _clock.GetUtcNow()), e =>
        {
            _state = _state.Apply(e);
            _busy = false;
            var describe = operation is null ? "provider call" : ProviderCalls.Describe(operation);
            RetryLater(
                $"{describe} failed: {error}",
                result.Cause,
                (result.Cause as ProviderThrottledException)?.RetryAfter,
                result.Cause is ProviderException { Retryable: false });
        });
    }

    private void StartWrite(WriteService write)
    {
        _busy = true;
        var task = write.Kind switch
        {
            KubernetesWriteKind.AddFinalizer => _writer.AddFinalizerAsync(write.ClusterId, _key, _stopping.Token),
            KubernetesWriteKind.RemoveFinalizer => _writer.RemoveFinalizerAsync(write.ClusterId, _key, _stopping.Token),
            _ => _writer.SetIngressAsync(write.ClusterId, _key, write.Addresses, _stopping.Token),
        };
        task.PipeTo(Self, success: () => new WriteSucceeded(write), failure: ex => new WriteFailed(write, ex));
    }

    private void OnWriteSucceeded(WriteSucceeded result)
    {
        var write = result.Write;
        _busy = false;
        _writes = _writes.Add(write.ClusterId, write.Kind, write.ResourceVersion, write.Detail);
        _log.LogInformation("{ServiceKey}: {Write} done in cluster {ClusterId}", _key, Describe(write), write.ClusterId);
        Reconcile();
    }

    private void OnWriteFailed(WriteFailed result)
    {
        _busy = false;
        DirectLbMetrics.SyncFailures.WithLabels("kubernetes").Inc();
        RetryLater($"{Describe(result.Write)} in cluster {result.Write.ClusterId} failed: {result.Cause.Message}", result.Cause, null, permanent: false);
    }

    private void RetryLater(string what, Exception cause, TimeSpan? retryAfter, bool permanent)
    {
        _failures++;
        var delay = permanent
            ? _options.MaxBackoff
            : RetryBackoff.Delay(_failures, _options.MinBackoff, _options.MaxBackoff, retryAfter, Random.Shared);
        _log.LogWarning(cause, "{ServiceKey}: {What}; retry {Failures} in {RetryDelay}", _key, what, _failures, delay);
        RecordEvent(new ServiceEvent(true, ServiceEventReason.SyncLoadBalancerFailed, $"Error syncing load balancer: {what}"));
        _retryPending = true;
        Timers.StartSingleTimer(RetryTimer, RetryTick.Instance, delay);
        _board.Publish(Report() with { LastError = what });
    }

    private void ReportInvalid(ImmutableArray<string> errors)
    {
        var text = string.Join("; ", errors);
        if (text == _reportedInvalid)
        {
            return;
        }

        _reportedInvalid = text;
        _board.Publish(Report() with { LastError = $"invalid configuration: {text}" });
        _log.LogWarning("{ServiceKey}: invalid configuration, keeping the last good load balancer: {Errors}", _key, text);
        RecordEvent(new ServiceEvent(true, ServiceEventReason.InvalidConfiguration, $"Keeping the last good load balancer: {text}"));
    }

    /// <summary>Tells each member cluster whose Service spec lost to the oldest one, once per distinct reason.</summary>
    private void ReportConflicts(DesiredState desired)
    {
        foreach (var (clusterId, reason) in desired.SpecConflicts)
        {
            if (_reportedConflicts.Add($"{clusterId}|{reason}") && _observations.TryGetValue(clusterId, out var observation))
            {
                _log.LogWarning("{ServiceKey}: the Service in cluster {ClusterId} conflicts: {Reason}", _key, clusterId, reason);
                _ = RecordEventAsync(clusterId, observation.Service.Uid, new ServiceEvent(true, ServiceEventReason.ConflictingServiceSpec, $"Spec not used: {reason}"));
            }
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

    private void RecordEvent(ServiceEvent serviceEvent)
    {
        // Events go to every member cluster that can be reached, so each cluster's users see them.
        foreach (var observation in _observations.Values.Where(o => !_unreachable.Contains(o.ClusterId)))
        {
            _ = RecordEventAsync(observation.ClusterId, observation.Service.Uid, serviceEvent);
        }
    }

    private async Task RecordEventAsync(string clusterId, string serviceUid, ServiceEvent serviceEvent)
    {
        // Not tied to the entity's lifetime: the Event of a last step (DeletedLoadBalancer) must land after it stops.
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        try
        {
            await _writer.RecordEventAsync(clusterId, _key, serviceUid, serviceEvent, timeout.Token);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            _log.LogWarning(ex, "{ServiceKey}: could not record event {Reason} in cluster {ClusterId}", _key, serviceEvent.Reason, clusterId);
        }
    }

    private void PublishTargets()
    {
        var targets = _state.Applied?.Listeners.Values.SelectMany(l => l.Targets.Values).ToList() ?? [];
        DirectLbMetrics.Targets.WithLabels(_key.ToString(), "serving").Set(targets.Count(t => t.Spec.State == TargetState.Serving));
        DirectLbMetrics.Targets.WithLabels(_key.ToString(), "draining").Set(targets.Count(t => t.Spec.State == TargetState.Draining));
    }

    private LoadBalancerStatusReport Report()
    {
        var applied = _state.Applied;
        var targets = applied?.Listeners.Values.SelectMany(l => l.Targets.Values.Select(t => t.Spec)).ToImmutableArray() ?? [];
        var desired = DesiredStateBuilder.Build(_key, _observations.Values.ToList(), _options.Filter, _options.Planner, _provider.Capabilities);
        var inSync = !_busy && !_retryPending && desired.IsValid
            && LoadBalancerDiff.Between(desired.LoadBalancer, applied, _clock.GetUtcNow()).IsEmpty;
        return new LoadBalancerStatusReport(_key, applied?.Id, applied?.Address, targets, inSync, _state.LastError);
    }

    private static string Describe(WriteService write) => write.Kind switch
    {
        KubernetesWriteKind.AddFinalizer => "adding finalizer",
        KubernetesWriteKind.RemoveFinalizer => "removing finalizer",
        _ => write.Addresses.IsEmpty ? "clearing status ingress" : $"setting status ingress to {write.Detail}",
    };

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

    private sealed record ProviderSucceeded(long Sequence, LoadBalancerInfo? Observed);

    private sealed record ProviderFailed(long Sequence, Exception Cause);

    private sealed record WriteSucceeded(WriteService Write);

    private sealed record WriteFailed(WriteService Write, Exception Cause);
}
