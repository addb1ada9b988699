using Akka.Actor;
using DirectLB.Providers.Model;
using Microsoft.Extensions.Logging;

namespace DirectLB.Actors.Entity;

/// <summary>
/// Ending a drain early: while targets drain, the entity asks the provider now and then how many connections each
/// still has, and one with none left leaves at once instead of at its drain delay. A provider that cannot count
/// (it answers null) is not asked again by this entity.
/// </summary>
public sealed partial class ServiceLoadBalancer
{
    private const string DrainProbeTimer = "drain-probe";
    private static readonly IReadOnlySet<(ListenerKey Listener, TargetKey Target)> NoIdleTargets = new HashSet<(ListenerKey, TargetKey)>();

    private IReadOnlySet<(ListenerKey Listener, TargetKey Target)> _idleDraining = NoIdleTargets;
    private bool _connectionCountsUnsupported;

    private void ScheduleDrainProbe()
    {
        if (!_connectionCountsUnsupported && !Timers.IsTimerActive(DrainProbeTimer))
        {
            Timers.StartSingleTimer(DrainProbeTimer, DrainProbeTick.Instance, _options.DrainProbeInterval);
        }
    }

    private void ProbeConnections()
    {
        if (_state.Applied is not { } applied)
        {
            return; // the next in-sync moment schedules another probe
        }

        // Only targets already draining now count: one that drains later must get its own probe after it started.
        var draining = applied.Listeners.Values
            .SelectMany(l => l.Targets.Values.Where(t => t.DrainingSince is not null).Select(t => (l.Spec.Key, t.Spec.Key)))
            .ToHashSet();
        if (draining.Count == 0)
        {
            return;
        }

        Enter(EntityPhase.Probing);
        CountIdleAsync(applied.Ref, draining).PipeTo(
            Self,
            success: idle => new ConnectionsCounted(idle, null),
            failure: ex => new ConnectionsCounted(null, ex));
    }

    private async Task<IReadOnlySet<(ListenerKey, TargetKey)>?> CountIdleAsync(LoadBalancerRef loadBalancer, HashSet<(ListenerKey Listener, TargetKey Target)> draining)
    {
        var idle = new HashSet<(ListenerKey, TargetKey)>();
        foreach (var listener in draining.Select(d => d.Listener).Distinct())
        {
            var counts = await _provider.CountConnectionsAsync(loadBalancer, listener, _stopping.Token);
            if (counts is null)
            {
                return null;
            }

            idle.UnionWith(counts.Where(c => c.Value == 0 && draining.Contains((listener, c.Key))).Select(c => (listener, c.Key)));
        }

        return idle;
    }

    private void OnConnectionsCounted(ConnectionsCounted counted)
    {
        if (counted.Error is not null)
        {
            _log.LogDebug(counted.Error, "{ServiceKey}: could not count connections of draining targets; the drain delay still applies", _key);
        }
        else if (counted.Idle is null)
        {
            _connectionCountsUnsupported = true;
        }
        else
        {
            _idleDraining = counted.Idle;
            if (counted.Idle.Count > 0)
            {
                _log.LogInformation("{ServiceKey}: {Count} draining targets have no connection left; removing them", _key, counted.Idle.Count);
            }
        }

        Continue();
    }

    private sealed record DrainProbeTick
    {
        public static DrainProbeTick Instance { get; } = new();
    }

    private sealed record ConnectionsCounted(IReadOnlySet<(ListenerKey Listener, TargetKey Target)>? Idle, Exception? Error);
}
