using System.Collections.Immutable;
using Akka.Actor;
using DirectLB.Actors.Domain;
using DirectLB.Actors.Observability;
using Microsoft.Extensions.Logging;

namespace DirectLB.Actors.Entity;

/// <summary>
/// Pod readiness gates: each pod that lists this Service's gate is registered as soon as its containers are ready,
/// and its gate opens once the load balancer reports it healthy, so a rollout never outruns the load balancer. While a
/// gate waits, the load balancer is read back every <see cref="ReconcileOptions.GatePollInterval"/>. Gate writes touch
/// pods, not the load balancer or the Service, so they go out side by side with the entity's one outside call;
/// each is written once per change (the pod's next resourceVersion says whether it took).
/// </summary>
public sealed partial class ServiceLoadBalancer
{
    private const string GatePollTimer = "gate-poll";

    private readonly Dictionary<(string Cluster, string Pod), (GateCondition Condition, string ResourceVersion)> _gateWrites = [];
    private int _gatesPendingCounted;
    private string? _providerProblem;

    /// <summary>
    /// Writes every gate whose condition should change, and keeps health coming while a gate waits. A gate that waits
    /// on something DirectLB cannot fix by itself says so: invalid configuration, or a load balancer that fails.
    /// </summary>
    private void UpdateGates()
    {
        (string, string)? problem = _reportedInvalid is { } invalid
            ? (ReadinessGates.Invalid, $"the Service's configuration is invalid: {invalid}")
            : _providerProblem is { } failing ? (ReadinessGates.Blocked, $"the load balancer cannot be changed: {failing}") : null;
        var updates = ReadinessGates.Next(_key, _observations.Values, _options.Filter, _state.Applied, _health, problem);
        var present = _observations.Values.SelectMany(o => o.Gates.Select(p => (o.ClusterId, p.Name))).ToHashSet();
        foreach (var gone in _gateWrites.Keys.Where(k => !present.Contains(k)).ToList())
        {
            _gateWrites.Remove(gone);
        }

        foreach (var update in updates)
        {
            var slot = (update.ClusterId, update.Pod.Name);
            if (_gateWrites.TryGetValue(slot, out var written) && written.Condition == update.Condition && written.ResourceVersion == update.Pod.ResourceVersion)
            {
                continue; // written already; the pod's next version will show it
            }

            _gateWrites[slot] = (update.Condition, update.Pod.ResourceVersion);
            WriteGateAsync(update).PipeTo(Self, success: () => new GateWritten(update, null), failure: ex => new GateWritten(update, ex));
        }

        var pending = _observations.Values.Sum(o => o.Gates.Count(p => p.ContainersReady && !p.Terminating && p.Condition?.Open != true));
        DirectLbMetrics.GatesPending.Inc(pending - _gatesPendingCounted);
        _gatesPendingCounted = pending;
        if (ReadinessGates.AnyPending(_observations.Values, _options.Filter) && !Timers.IsTimerActive(GatePollTimer))
        {
            Timers.StartSingleTimer(GatePollTimer, GatePollTick.Instance, _options.GatePollInterval);
        }
    }

    /// <summary>Not tied to this incarnation: a release written as the entity finishes must still land.</summary>
    private async Task WriteGateAsync(GateUpdate update)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        var type = ReadinessGate.ConditionType(_key.Name);
        await _writer.SetPodConditionAsync(update.ClusterId, _key.Namespace, update.Pod.Name, type, update.Condition, timeout.Token);
        if (update.Condition.Reason is ReadinessGates.Released or ReadinessGates.Blocked or ReadinessGates.Invalid or ReadinessGates.Unhealthy)
        {
            var warning = update.Condition.Reason != ReadinessGates.Released;
            await _writer.RecordPodEventAsync(
                update.ClusterId, _key.Namespace, update.Pod.Name, update.Pod.Uid, new ServiceEvent(warning, update.Condition.Reason, $"Readiness gate {type}: {update.Condition.Message}"), timeout.Token);
        }
    }

    private void OnGateWritten(GateWritten written)
    {
        var (update, error) = (written.Update, written.Error);
        if (error is not null)
        {
            // Written again at the next evaluation (after the next read-back or change).
            _gateWrites.Remove((update.ClusterId, update.Pod.Name));
            DirectLbMetrics.SyncFailures.WithLabels("kubernetes").Inc();
            _log.LogWarning(error, "{ServiceKey}: setting the readiness gate of pod {Pod} in cluster {ClusterId} failed", _key, update.Pod.Name, update.ClusterId);
            return;
        }

        _log.LogInformation("{ServiceKey}: readiness gate of pod {Pod} in cluster {ClusterId} {State}: {Message}",
            _key, update.Pod.Name, update.ClusterId, update.Condition.Open ? "open" : "closed", update.Condition.Message);
        if (update.Condition.Reason == ReadinessGates.Healthy && update.Pod.ContainersReadySince is { } since)
        {
            DirectLbMetrics.GateOpenSeconds.Observe(Math.Max(0, (_clock.GetUtcNow() - since).TotalSeconds));
        }
    }

    private void ForgetGateMetrics() => DirectLbMetrics.GatesPending.Dec(_gatesPendingCounted);

    private sealed record GatePollTick
    {
        public static GatePollTick Instance { get; } = new();
    }

    private sealed record GateWritten(GateUpdate Update, Exception? Error);
}
