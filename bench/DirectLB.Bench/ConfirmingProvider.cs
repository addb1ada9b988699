using System.Collections.Concurrent;
using System.Diagnostics;
using DirectLB.Providers;
using DirectLB.Providers.Model;
using DirectLB.Providers.Simulated;

namespace DirectLB.Bench;

/// <summary>
/// The simulated cloud, with a note of when it first confirmed each target address as serving: the end point of
/// the bench's own latency measure. Only successful target changes count, as a real cloud's answer would.
/// </summary>
public sealed class ConfirmingProvider(SimulatedProvider cloud) : ILoadBalancerProvider
{
    private readonly ConcurrentDictionary<string, long> _confirmed = new(StringComparer.Ordinal);

    public SimulatedProvider Cloud => cloud;

    public string Name => cloud.Name;

    public ProviderCapabilities Capabilities => cloud.Capabilities;

    /// <summary>The <see cref="Stopwatch"/> timestamp at which the address was first confirmed as a serving target.</summary>
    public bool TryGetConfirmed(string address, out long timestamp) => _confirmed.TryGetValue(address, out timestamp);

    public Task<LoadBalancerInfo?> FindLoadBalancerAsync(LoadBalancerOwner owner, CancellationToken cancellationToken) =>
        cloud.FindLoadBalancerAsync(owner, cancellationToken);

    public Task<LoadBalancerInfo> EnsureLoadBalancerAsync(LoadBalancerOwner owner, string name, CancellationToken cancellationToken) =>
        cloud.EnsureLoadBalancerAsync(owner, name, cancellationToken);

    public Task EnsureListenerAsync(string loadBalancerId, ListenerSpec listener, CancellationToken cancellationToken) =>
        cloud.EnsureListenerAsync(loadBalancerId, listener, cancellationToken);

    public Task EnsureListenerDeletedAsync(string loadBalancerId, ListenerKey listener, CancellationToken cancellationToken) =>
        cloud.EnsureListenerDeletedAsync(loadBalancerId, listener, cancellationToken);

    public async Task ChangeTargetsAsync(
        string loadBalancerId,
        ListenerKey listener,
        IReadOnlyList<TargetSpec> upserts,
        IReadOnlyList<TargetKey> removals,
        CancellationToken cancellationToken)
    {
        await cloud.ChangeTargetsAsync(loadBalancerId, listener, upserts, removals, cancellationToken);
        var now = Stopwatch.GetTimestamp();
        foreach (var upsert in upserts.Where(u => u.State == TargetState.Serving))
        {
            _confirmed.TryAdd(upsert.Key.Address, now);
        }
    }

    public Task EnsureLoadBalancerDeletedAsync(string loadBalancerId, CancellationToken cancellationToken) =>
        cloud.EnsureLoadBalancerDeletedAsync(loadBalancerId, cancellationToken);
}
