using Akka.Actor;
using DirectLB.Actors.Domain;
using DirectLB.Actors.Observability;
using DirectLB.Actors.Planning;
using DirectLB.Providers;
using DirectLB.Providers.Model;
using Microsoft.Extensions.Logging;

namespace DirectLB.Actors.Entity;

/// <summary>The one outside call at a time: journaled provider operations, Kubernetes writes, their outcomes and retries.</summary>
public sealed partial class ServiceLoadBalancer
{
    private KubernetesWrites _writes = KubernetesWrites.None;
    private int _failures;
    private int _statusWriteFailures;
    private bool _structuralRound;
    private bool _appliedInRound;

    /// <summary>A move or readdress the provider refused (an address it cannot give): not asked for again until the next read-back.</summary>
    private ProviderOperation? _refusedAddress;

    private const string ConfirmTimer = "confirm";

    /// <summary>
    /// The targets change that succeeded since the last journal write: the next intent confirms it, or, when none comes
    /// for <see cref="ReconcileOptions.ConfirmWhenQuietFor"/>, this outcome is journaled on its own (<see cref="ConfirmQuietChange"/>).
    /// </summary>
    private OperationSucceeded? _unconfirmed;

    private void StartOperation(ProviderOperation operation)
    {
        if (operation.ChangesStructure && operation is not DeleteLoadBalancer && !_structuralRound)
        {
            _structuralRound = true;
            RecordEvent(new ServiceEvent(false, ServiceEventReason.EnsuringLoadBalancer, "Ensuring load balancer"));
        }

        Enter(EntityPhase.Calling);
        _changeLatency = _changeLatency.CallStarted();
        var started = new OperationStarted(_state.LastSequence + 1, operation, _clock.GetUtcNow()) { Confirms = _unconfirmed?.Sequence };
        _unconfirmed = null;
        var persisting = _clock.GetTimestamp();
        Persist(started, e =>
        {
            DirectLbMetrics.JournalWrite.Observe(_clock.GetElapsedTime(persisting).TotalSeconds);
            _state = _state.Apply(e);
            _log.LogInformation("{ServiceKey}: {Operation}", _key, ProviderCalls.Describe(operation));
            ProviderCalls.RunAsync(_provider, operation, _state.Applied?.Owner, _stopping.Token)
                .PipeTo(Self, success: info => new ProviderSucceeded(e.Sequence, info), failure: ex => new ProviderFailed(e.Sequence, ex));
        });
    }

    private void OnProviderSucceeded(ProviderSucceeded result)
    {
        var inFlight = _state.InFlight;
        if (inFlight is not null)
        {
            DirectLbMetrics.ProviderCalls.WithLabels(ProviderCalls.MetricName(inFlight.Operation), "success").Inc();
        }

        var outcome = new OperationSucceeded(result.Sequence, result.Observed, _clock.GetUtcNow());
        if (inFlight is { ConfirmedByNextIntent: true })
        {
            // One journal write per targets change, not two: the next intent says it succeeded, or the entity once quiet.
            _unconfirmed = outcome;
            Timers.StartSingleTimer(ConfirmTimer, ConfirmTick.Instance, _options.ConfirmWhenQuietFor);
            OnOperationSucceeded(outcome, inFlight.Operation);
        }
        else
        {
            Persist(outcome, e => OnOperationSucceeded(e, inFlight?.Operation));
        }
    }

    /// <summary>
    /// No intent has come to confirm the last targets change for a while: the entity journals its success itself, so a
    /// restart or failover does not have to read a quiet load balancer back. Safe in any phase: an intent after the change
    /// would have confirmed it and cleared <see cref="_unconfirmed"/>.
    /// </summary>
    private void ConfirmQuietChange()
    {
        if (_unconfirmed is not { } outcome)
        {
            return;
        }

        _unconfirmed = null;
        Persist(outcome, _ => { });
    }

    private void OnOperationSucceeded(OperationSucceeded e, ProviderOperation? operation)
    {
        _state = _state.Apply(e);
        _failures = 0;
        _providerProblem = null;
        _appliedInRound = true;
        (_changeLatency, var latency) = _changeLatency.CallSucceeded(_clock.GetUtcNow());
        if (latency is { } waited)
        {
            DirectLbMetrics.EventToApplied.Observe(waited.TotalSeconds);
        }

        _idleDraining = NoIdleTargets; // counted before this change: stale now
        PublishTargets();
        if (operation is DeleteLoadBalancer delete)
        {
            _structuralRound = false;
            _orphan = null;
            _log.LogInformation("{ServiceKey}: deleted load balancer {LoadBalancerId}", _key, delete.LoadBalancerId);
            RecordEvent(new ServiceEvent(false, ServiceEventReason.DeletedLoadBalancer, $"Deleted load balancer {delete.LoadBalancerId}"));
        }

        SnapshotWhenDue();
        // Steps of one plan follow each other at once; changes that came in meanwhile are gathered for a
        // debounce window first, so a rollout costs at most one call per window, not two.
        OpenDebounceWindow();
        Continue();
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
        // Gone, or someone else's now (its id was reused): either way ours must be read back, by its owner tags.
        var missing = result.Cause is LoadBalancerNotFoundException or LoadBalancerNotOwnedException;
        var error = result.Cause.Message;
        Persist(new OperationFailed(result.Sequence, error, missing, _clock.GetUtcNow()), e =>
        {
            _state = _state.Apply(e);
            // A failed call may have done part of its work, or failed because the load balancer changed: read it back
            // before the next attempt. A throttled call did nothing and says nothing about the load balancer.
            _readBackDue |= !throttled;
            _providerProblem = error;
            var describe = operation is null ? "provider call" : ProviderCalls.Describe(operation);
            // A refused move is left out of the next plans, so the rest goes on at once instead of after the longest backoff.
            var refusedMove = result.Cause is AddressUnavailableException && operation is MoveLoadBalancer or ReaddressLoadBalancer;
            if (refusedMove)
            {
                _refusedAddress = operation;
            }

            RetryLater(
                $"{describe} failed: {error}",
                result.Cause,
                (result.Cause as ProviderThrottledException)?.RetryAfter,
                result.Cause is ProviderException { Retryable: false } && !refusedMove);
        });
    }

    private void StartWrite(WriteService write)
    {
        Enter(EntityPhase.Writing);
        var task = write.Kind switch
        {
            KubernetesWriteKind.AddFinalizer => _writer.AddFinalizerAsync(write.ClusterId, _key, ObservedAt(write), _stopping.Token),
            KubernetesWriteKind.RemoveFinalizer => _writer.RemoveFinalizerAsync(write.ClusterId, _key, ObservedAt(write), _stopping.Token),
            _ => _writer.SetIngressAsync(write.ClusterId, _key, write.Addresses, _stopping.Token),
        };
        task.PipeTo(Self, success: () => new WriteSucceeded(write), failure: ex => new WriteFailed(write, ex));
    }

    /// <summary>The Service the write was planned from, as observed (the writer edits its finalizers without reading it again).</summary>
    private ServiceSnapshot? ObservedAt(WriteService write) =>
        _observations.TryGetValue(write.ClusterId, out var observation) && observation.Service.ResourceVersion == write.ResourceVersion
            ? observation.Service
            : null;

    private void OnWriteSucceeded(WriteSucceeded result)
    {
        var write = result.Write;
        _writes = _writes.Add(write.ClusterId, write.Kind, write.ResourceVersion, write.Detail);
        if (write.Kind == KubernetesWriteKind.SetIngress)
        {
            _statusWriteFailures = 0;
        }
        _log.LogInformation("{ServiceKey}: {Write} done in cluster {ClusterId}", _key, Describe(write), write.ClusterId);
        OpenDebounceWindow();
        Continue();
    }

    private void OnWriteFailed(WriteFailed result)
    {
        DirectLbMetrics.SyncFailures.WithLabels("kubernetes").Inc();
        var write = result.Write;
        var what = $"{Describe(write)} in cluster {write.ClusterId} failed: {result.Cause.Message}";
        if (write.Kind != KubernetesWriteKind.SetIngress || write.Addresses.IsEmpty)
        {
            // A finalizer comes before any provider call, and clearing the status before the release: both hold the rest.
            RetryLater(what, result.Cause, null, permanent: false);
            return;
        }

        // Publishing the address is a cluster's last step: held until its retry, while the load balancer goes on
        // following its pods (a status write the API server keeps refusing must not hold a rollout's targets back).
        var delay = ReportFailure(what, result.Cause, ++_statusWriteFailures, null, permanent: false);
        _writes = _writes.HoldIngress(write.ClusterId, _clock.GetUtcNow() + delay);
        Continue();
    }

    private void RetryLater(string what, Exception cause, TimeSpan? retryAfter, bool permanent)
    {
        var delay = ReportFailure(what, cause, ++_failures, retryAfter, permanent);
        Timers.StartSingleTimer(RetryTimer, RetryTick.Instance, delay);
        Enter(EntityPhase.BackingOff);
        UpdateGates();
        _board.Publish(Report() with { LastError = what });
    }

    /// <summary>Logs and records a failed outside call (the <paramref name="failures"/>th in a row); returns how long to wait before the next try.</summary>
    private TimeSpan ReportFailure(string what, Exception cause, int failures, TimeSpan? retryAfter, bool permanent)
    {
        var delay = permanent
            ? _options.MaxBackoff
            : RetryBackoff.Delay(failures, _options.MinBackoff, _options.MaxBackoff, retryAfter, Random.Shared);
        _log.LogWarning(cause, "{ServiceKey}: {What}; retry {Failures} in {RetryDelay}", _key, what, failures, delay);
        // An address the provider will not give is the Service's configuration, not a fault: said as such, and the
        // load balancer stays where it is (a refused move changed nothing).
        RecordEvent(cause is AddressUnavailableException
            ? new ServiceEvent(true, ServiceEventReason.InvalidConfiguration, $"Keeping the last good load balancer: requested address refused: {cause.Message}")
            : new ServiceEvent(true, ServiceEventReason.SyncLoadBalancerFailed, $"Error syncing load balancer: {what}"));
        return delay;
    }

    private static string Describe(WriteService write) => write.Kind switch
    {
        KubernetesWriteKind.AddFinalizer => "adding finalizer",
        KubernetesWriteKind.RemoveFinalizer => "removing finalizer",
        _ => write.Addresses.IsEmpty ? "clearing status ingress" : $"setting status ingress to {write.Detail}",
    };

    private sealed record ProviderSucceeded(long Sequence, LoadBalancerInfo? Observed);

    private sealed record ProviderFailed(long Sequence, Exception Cause);

    private sealed record WriteSucceeded(WriteService Write);

    private sealed record WriteFailed(WriteService Write, Exception Cause);
}
