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
        bool inSync;
        try
        {
            var desired = Plan();
            inSync = !_busy && !_retryPending && desired.IsValid
                && LoadBalancerDiff.Between(desired.LoadBalancer, applied, _clock.GetUtcNow()).IsEmpty;
        }
        catch (Exception)
        {
            inSync = false; // Reconcile reports the planning failure
        }

        return new LoadBalancerStatusReport(_key, applied?.Id, applied?.Address, targets, inSync, _state.LastError);
    }

    private DesiredState Plan() =>
        DesiredStateBuilder.Build(_key, _observations.Values.ToList(), _options.Filter, _options.Planner, _provider.Capabilities);

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
