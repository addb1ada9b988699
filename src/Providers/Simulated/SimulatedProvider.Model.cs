using DirectLB.Providers.Model;

namespace DirectLB.Providers.Simulated;

/// <summary>What the simulated cloud holds: its load balancers and their listeners.</summary>
public sealed partial class SimulatedProvider
{
    private sealed class SimulatedLoadBalancer(string id, string name, string address, IReadOnlyDictionary<string, string> tags)
    {
        public string Address { get; set; } = address;

        /// <summary>The address of the other family on a dual-stack load balancer.</summary>
        public string? SecondaryAddress { get; set; }

        public IReadOnlyList<string> Addresses => SecondaryAddress is null ? [Address] : [Address, SecondaryAddress];

        public IReadOnlyDictionary<string, string> Tags => tags;

        public Dictionary<ListenerKey, SimulatedListener> Listeners { get; } = [];

        public string Id => id;

        public LoadBalancerInfo ToInfo(Func<TargetSpec, DateTimeOffset, TargetHealth> health) => new(
            id,
            name,
            Address,
            tags,
            Listeners.Values
                .OrderBy(l => l.Spec.Key.Port)
                .Select(l => new ListenerInfo(
                    l.Spec,
                    l.Targets.Values.OrderBy(t => t.Key).ToList(),
                    l.Targets.Values.ToDictionary(t => t.Key, t => health(t, l.RegisteredAt[t.Key]))))
                .ToList())
        {
            SecondaryAddress = SecondaryAddress,
        };
    }

    private sealed partial class SimulatedListener(ListenerSpec spec)
    {
        public ListenerSpec Spec { get; set; } = spec;

        public Dictionary<TargetKey, TargetSpec> Targets { get; } = [];

        public Dictionary<TargetKey, DateTimeOffset> RegisteredAt { get; } = [];
    }
}
