using System.Collections.Immutable;
using DirectLB.Actors.Domain;
using DirectLB.Actors.Observability;
using DirectLB.Actors.Planning;
using DirectLB.Providers.Model;
using Microsoft.Extensions.Logging;

namespace DirectLB.Actors.Entity;

/// <summary>What the entity tells people: Kubernetes Events, metrics and the status board.</summary>
public sealed partial class ServiceLoadBalancer
{
    private readonly HashSet<string> _reportedConflicts = [];
    private readonly HashSet<string> _reportedNotices = [];
    private readonly HashSet<string> _reportedUnpublishable = [];
    private string? _reportedInvalid;

    /// <summary>Since when the plan has lacked only ports no EndpointSlice carries yet; null when it does not.</summary>
    private DateTimeOffset? _slicesBehindSince;

    private void OnInSync(DateTimeOffset? wakeAt, DateTimeOffset now)
    {
        _reportedInvalid = null;
        if (_appliedInRound && _roundStartedAt is { } started)
        {
            DirectLbMetrics.ReconcileDuration.Observe((now - started).TotalSeconds);
            _board.RecordReconcile(_key, now, now - started);
        }

        _appliedInRound = false;
        _roundStartedAt = null;
        _changeLatency = _changeLatency.InSync();
        if (_structuralRound)
        {
            _structuralRound = false;
            var address = _state.Applied is { } applied ? string.Join(", ", applied.Addresses) : null;
            _log.LogInformation("{ServiceKey}: load balancer {LoadBalancerId} ensured at {Address}", _key, _state.Applied?.Id, address);
            RecordEvent(new ServiceEvent(false, ServiceEventReason.EnsuredLoadBalancer, $"Ensured load balancer at {address}"));
        }

        if (wakeAt is { } at)
        {
            Timers.StartSingleTimer(DrainTimer, ReconcileTick.Instance, at > now ? at - now : TimeSpan.Zero);
            ScheduleDrainProbe();
        }

        _board.Publish(Report(inSync: true));
    }

    /// <summary>
    /// Keeps the last good load balancer; says why at once, unless the only reason is a port no EndpointSlice carries
    /// yet: that is what a port rename looks like until the EndpointSlice controller catches up, so it is reported only
    /// if it outlasts <see cref="ReconcileOptions.EndpointSliceGrace"/> (the plan is made again when the grace ends).
    /// </summary>
    private void ReportInvalid(KeepLastGood invalid, DateTimeOffset now)
    {
        if (invalid.SlicesBehind)
        {
            var since = _slicesBehindSince ??= now;
            var left = since + _options.EndpointSliceGrace - now;
            if (left > TimeSpan.Zero)
            {
                if (since == now)
                {
                    _log.LogInformation(
                        "{ServiceKey}: keeping the last good load balancer while the EndpointSlices catch up with the Service ({Errors}); reported as invalid after {Grace}",
                        _key, string.Join("; ", invalid.Errors), _options.EndpointSliceGrace);
                }

                Timers.StartSingleTimer(SliceGraceTimer, ReconcileTick.Instance, left);
                return;
            }
        }

        ReportInvalid(invalid.Errors);
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
                var conflict = new ServiceEvent(true, ServiceEventReason.ConflictingServiceSpec, $"Spec not used: {reason}");
                _board.RecordEvent(_key, conflict, _clock.GetUtcNow());
                _ = RecordEventAsync(clusterId, observation.Service.Uid, conflict);
            }
        }
    }

    /// <summary>Says once, as a Normal Event, each way the load balancer is less than the Service asked for without an error.</summary>
    private void ReportNotices(DesiredState desired)
    {
        foreach (var notice in desired.Notices.Where(_reportedNotices.Add))
        {
            _log.LogInformation("{ServiceKey}: {Notice}", _key, notice);
            RecordEvent(new ServiceEvent(false, ServiceEventReason.IpFamilyFallback, notice));
        }
    }

    // An address the provider gave that Kubernetes cannot show is left out of the status (IngressAddress); said once.
    private void ReportUnpublishableAddresses()
    {
        foreach (var address in IngressAddress.Unpublishable(_state.Applied?.Addresses ?? []).Where(_reportedUnpublishable.Add))
        {
            var message = $"The load balancer's address \"{Quote.Short(address)}\" is left out of status.loadBalancer.ingress: it is "
                + "neither an IP address nor a DNS name Kubernetes accepts (a lowercase RFC 1123 name); the load balancer serves on";
            _log.LogWarning("{ServiceKey}: {Message}", _key, message);
            RecordEvent(new ServiceEvent(true, ServiceEventReason.SyncLoadBalancerFailed, message));
        }
    }

    private void RecordEvent(ServiceEvent serviceEvent)
    {
        _board.RecordEvent(_key, serviceEvent, _clock.GetUtcNow());
        // Events go to every member cluster that can be reached, so each cluster's users see them.
        foreach (var observation in _observations.Values.Where(o => !_unreachable.Contains(o.ClusterId)))
        {
            _ = RecordEventAsync(observation.ClusterId, observation.Service.Uid, serviceEvent);
        }
    }

    private async Task RecordEventAsync(string clusterId, string serviceUid, ServiceEvent serviceEvent)
    {
        // Not tied to the entity's lifetime: the Event of a last step (DeletedLoadBalancer) must land after it stops.
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
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

    /// <summary>
    /// The status as it stands. In sync means idle (or gathering changes) with nothing left to apply; a caller that
    /// knows (the in-sync step itself) says so, so the plan is not computed twice.
    /// </summary>
    private LoadBalancerStatusReport Report(bool? inSync = null)
    {
        var applied = _state.Applied;
        var targets = applied?.Listeners.Values.SelectMany(l => l.Targets.Values.Select(t => t.Spec)).ToImmutableArray() ?? [];
        return new LoadBalancerStatusReport(_key, applied?.Id, applied?.Address, targets, inSync ?? IsInSync(applied), _state.LastError, _health);
    }

    private bool IsInSync(AppliedLoadBalancer? applied)
    {
        try
        {
            return _phase is EntityPhase.Idle or EntityPhase.Debouncing
                && Plan() is { IsValid: true } desired
                && LoadBalancerDiff.Between(desired.LoadBalancer, applied, _clock.GetUtcNow()).IsEmpty;
        }
        catch (Exception)
        {
            return false; // Reconcile reports the planning failure
        }
    }

    /// <summary>
    /// The planner is pure and tested never to throw, whatever the Service says. Should it throw anyway (a bug, or a
    /// message no watcher of this version sends), the entity says so in the log and an Event and keeps the last good
    /// load balancer, instead of crashing and losing what the member clusters told it. The next change plans again.
    /// </summary>
    private void ReportPlanningFailure(Exception failure)
    {
        _log.LogError(failure, "{ServiceKey}: planning failed; keeping the last good load balancer", _key);
        ReportInvalid([$"DirectLB could not plan this Service ({failure.GetType().Name}: {Quote.Short(failure.Message)})"]);
    }
}
