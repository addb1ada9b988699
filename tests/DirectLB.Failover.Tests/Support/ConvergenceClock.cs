using System.Collections.Concurrent;
using DirectLB.Providers.Simulated;

namespace DirectLB.Failover.Tests.Support;

/// <summary>
/// Measures how long each change takes to reach the cloud: a Service is rolled, then the cloud is polled until
/// its load balancer holds exactly the new ready endpoints. The longest wait is the longest gap in reconciling.
/// </summary>
public sealed class ConvergenceClock(ServiceFleet fleet, SimulatedProvider cloud)
{
    private readonly ConcurrentDictionary<string, DateTimeOffset> _pending = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, TimeSpan> _took = new(StringComparer.Ordinal);

    public IReadOnlyDictionary<string, TimeSpan> Took => _took;

    public void Roll(string name)
    {
        fleet.Roll(name);
        _pending[name] = DateTimeOffset.UtcNow;
    }

    /// <summary>Polls the cloud until every rolled Service has converged, or the deadline passes.</summary>
    public Task AllConvergedAsync(TimeSpan deadline) =>
        EndToEnd.Tests.Support.Eventually.Until(
            () =>
            {
                var now = DateTimeOffset.UtcNow;
                var byName = Cloud.ByName(cloud);
                foreach (var (name, since) in _pending)
                {
                    if (Cloud.Matches(fleet, byName, name) && _pending.TryRemove(name, out _))
                    {
                        _took[name] = now - since;
                    }
                }

                return _pending.IsEmpty;
            },
            $"every rolled Service converged (still pending: {string.Join(", ", _pending.Keys.Order().Take(10))})",
            deadline);
}
