using System.Net;
using DirectLB.Providers.Model;

namespace DirectLB.Providers.Simulated;

/// <summary>
/// A client's connection as the simulated load balancer takes it: the target it reaches, or why it was refused.
/// Exactly one of <see cref="Target"/> and <see cref="Refusal"/> is set.
/// </summary>
public sealed record SimulatedConnection(TargetKey? Target, string? Refusal)
{
    public bool Admitted => Target is not null;
}

/// <summary>
/// The simulated cloud's data plane, so that what a listener says is enforced and tests can see it: a client outside a
/// listener's source ranges is refused; an admitted one reaches a serving target (round robin), never a draining or
/// unhealthy one, nor one not yet trusted (initial). With ClientIP affinity a client goes back to the target its last
/// connection reached while that target serves and the client was not silent longer than the timeout.
/// </summary>
public sealed partial class SimulatedProvider
{
    /// <summary>A client at <paramref name="client"/> opens a connection to <paramref name="address"/> on <paramref name="listener"/>.</summary>
    public SimulatedConnection Connect(string address, ListenerKey listener, string client)
    {
        var from = IPAddress.Parse(client);
        lock (_gate)
        {
            var lb = _loadBalancers.Values.FirstOrDefault(lb => lb.Addresses.Contains(address));
            if (lb is null || !lb.Listeners.TryGetValue(listener, out var taking))
            {
                return new SimulatedConnection(null, $"nothing listens on {address} {listener}");
            }

            if (taking.Spec.SourceRanges is { } ranges && !ranges.Admits(from))
            {
                return new SimulatedConnection(null, $"client {client} is outside the source ranges {ranges}");
            }

            var candidates = taking.Targets.Values
                .Where(t => Health(t, taking.RegisteredAt[t.Key]) == TargetHealth.Healthy)
                .OrderBy(t => t.Key)
                .ToList();
            if (candidates.Count == 0)
            {
                return new SimulatedConnection(null, $"{address} {listener} has no serving target");
            }

            var now = _clock.GetUtcNow();
            var key = from.IsIPv4MappedToIPv6 ? from.MapToIPv4() : from;
            if (taking.Spec.Affinity is { } affinity && taking.Stuck.TryGetValue(key, out var stuck)
                && now - stuck.LastSeen <= TimeSpan.FromSeconds(affinity.TimeoutSeconds) && candidates.Any(t => t.Key == stuck.Target))
            {
                taking.Stuck[key] = (stuck.Target, now);
                return new SimulatedConnection(stuck.Target, null);
            }

            taking.Turn++;
            var target = candidates[(int)(taking.Turn % candidates.Count)].Key;
            if (taking.Spec.Affinity is not null)
            {
                taking.Stuck[key] = (target, now);
            }

            return new SimulatedConnection(target, null);
        }
    }

    private sealed partial class SimulatedListener
    {
        /// <summary>How many connections were handed out, for the round robin.</summary>
        public long Turn { get; set; }

        /// <summary>With affinity: the target each client address last reached, and when.</summary>
        public Dictionary<IPAddress, (TargetKey Target, DateTimeOffset LastSeen)> Stuck { get; } = [];
    }
}
