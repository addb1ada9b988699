using System.Collections.Immutable;
using Akka.Actor;
using DirectLB.Actors.Domain;
using DirectLB.Actors.Observability;
using DirectLB.Actors.Planning;
using DirectLB.Providers;
using DirectLB.Providers.Model;
using Microsoft.Extensions.Logging;

namespace DirectLB.Actors.Entity;

/// <summary>
/// Converging on the load balancer as it is, not as the journal says it was left. The entity reads it back
/// periodically (jittered), after any failed provider call, and after a restart or failover; what differs is journaled
/// (<see cref="LoadBalancerObserved"/>, so a new owner knows too), said in a <c>LoadBalancerDrift</c> Event, and
/// repaired by the next plan. Each target's health, as the load balancer sees it, comes with every read-back.
/// </summary>
public sealed partial class ServiceLoadBalancer
{
    private const string ReadBackTimer = "read-back";

    private bool _readBackDue;
    private ImmutableDictionary<TargetKey, TargetHealth>? _health;
    private ImmutableDictionary<TargetHealth, int> _healthCounted = ImmutableDictionary<TargetHealth, int>.Empty;

    /// <summary>The first read-back falls anywhere in the first interval, the next ones an interval (±10 %) apart.</summary>
    private void ScheduleReadBack(bool first)
    {
        if (_options.ReadBackInterval > TimeSpan.Zero)
        {
            var fraction = first ? Random.Shared.NextDouble() : 0.9 + (0.2 * Random.Shared.NextDouble());
            Timers.StartSingleTimer(ReadBackTimer, ReadBackTick.Instance, _options.ReadBackInterval * fraction);
        }
    }

    private void OnReadBackTick()
    {
        _readBackDue = true;
        _refusedAddress = null; // ask for a refused address again: the load balancer that held it may be gone
        ScheduleReadBack(first: false);
    }

    private void StartReadBack(LoadBalancerOwner owner)
    {
        Enter(EntityPhase.ReadingBack);
        _provider.FindLoadBalancerAsync(owner, _stopping.Token)
            .PipeTo(Self, success: info => new ReadBackCompleted(owner, info), failure: ex => new ReadBackFailed(ex));
    }

    private void OnReadBackCompleted(ReadBackCompleted result)
    {
        _readBackDue = false;
        _providerProblem = null;
        DirectLbMetrics.ProviderCalls.WithLabels("find_load_balancer", "success").Inc();
        UpdateHealth(result.Observed);
        var inDoubt = _state.InDoubt;
        var drift = LoadBalancerDrift.Between(_state.Applied, result.Observed);
        if (!inDoubt && drift.IsEmpty)
        {
            DirectLbMetrics.ReadBacks.WithLabels("in_sync").Inc();
            Continue();
            return;
        }

        var observed = new LoadBalancerObserved(result.Observed, result.Owner, [.. drift.Select(d => d.Description)], _clock.GetUtcNow());
        _unconfirmed = null; // what was found settles it too
        Persist(observed, e =>
        {
            _state = _state.Apply(e);
            var summary = LoadBalancerDrift.Summarize(drift);
            if (inDoubt)
            {
                DirectLbMetrics.ReadBacks.WithLabels("in_doubt").Inc();
                _log.LogInformation("{ServiceKey}: read back load balancer {LoadBalancerId} after an operation in doubt{Differences}",
                    _key, result.Observed?.Id ?? "(none)", drift.IsEmpty ? "" : $": {summary}");
            }
            else
            {
                ReportDrift(drift, summary);
            }

            PublishTargets();
            SnapshotWhenDue();
            Continue();
        });
    }

    private void OnReadBackFailed(ReadBackFailed failed)
    {
        DirectLbMetrics.ReadBacks.WithLabels("error").Inc();
        var throttled = failed.Cause is ProviderThrottledException;
        DirectLbMetrics.ProviderCalls.WithLabels("find_load_balancer", throttled ? "throttled" : "error").Inc();
        DirectLbMetrics.SyncFailures.WithLabels("provider").Inc();
        _providerProblem = failed.Cause.Message;
        RetryLater($"reading back the load balancer failed: {failed.Cause.Message}", failed.Cause, (failed.Cause as ProviderThrottledException)?.RetryAfter, permanent: false);
    }

    private void ReportDrift(ImmutableArray<DriftFinding> drift, string summary)
    {
        DirectLbMetrics.ReadBacks.WithLabels("drift").Inc();
        foreach (var finding in drift)
        {
            DirectLbMetrics.Drift.WithLabels(finding.Kind.ToString()).Inc();
        }

        _log.LogWarning("{ServiceKey}: the load balancer differs from what was applied, repairing: {Drift}", _key, summary);
        RecordEvent(new ServiceEvent(true, ServiceEventReason.LoadBalancerDrift, $"Repairing the load balancer: {summary}"));
    }

    /// <summary>Keeps each target's health as the load balancer reported it, and this entity's share of the health gauge.</summary>
    private void UpdateHealth(LoadBalancerInfo? observed)
    {
        _health = observed?.Listeners
            .Where(l => l.Health is not null)
            .SelectMany(l => l.Targets.Select(t => (t.Key, Health: l.HealthOf(t.Key))))
            .GroupBy(t => t.Key)
            .ToImmutableDictionary(g => g.Key, g => g.First().Health);
        var counted = (_health ?? ImmutableDictionary<TargetKey, TargetHealth>.Empty).Values
            .GroupBy(h => h)
            .ToImmutableDictionary(g => g.Key, g => g.Count());
        foreach (var health in Enum.GetValues<TargetHealth>())
        {
            var delta = counted.GetValueOrDefault(health) - _healthCounted.GetValueOrDefault(health);
            if (delta != 0)
            {
                DirectLbMetrics.TargetHealth.WithLabels(health.ToString().ToLowerInvariant()).Inc(delta);
            }
        }

        _healthCounted = counted;
    }

    private void ForgetHealthMetrics() => UpdateHealth(null);

    private sealed record ReadBackTick
    {
        public static ReadBackTick Instance { get; } = new();
    }

    private sealed record ReadBackCompleted(LoadBalancerOwner Owner, LoadBalancerInfo? Observed);

    private sealed record ReadBackFailed(Exception Cause);
}
