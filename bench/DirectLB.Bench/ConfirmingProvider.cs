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
public sealed class ConfirmingProvider(SimulatedProvider cloud) : ILoadBalancerProvider, IAddressFamiliesProvider
{
    private readonly ConcurrentDictionary<string, long> _confirmed = new(StringComparer.Ordinal);

    public SimulatedProvider Cloud => cloud;

    public string Name => cloud.Name;

    public ProviderCapabilities Capabilities => cloud.Capabilities;

    /// <summary>The <see cref="Stopwatch"/> timestamp at which the address was first confirmed as a serving target.</summary>
    public bool TryGetConfirmed(string address, out long timestamp) => _confirmed.TryGetValue(address, out timestamp);

    public Task<LoadBalancerInfo?> FindLoadBalancerAsync(LoadBalancerOwner owner, CancellationToken cancellationToken) =>
        cloud.FindLoadBalancerAsync(owner, cancellationToken);

    public Task<LoadBalancerPage> ListLoadBalancersAsync(Installation installation, string? continueToken, CancellationToken cancellationToken) =>
        cloud.ListLoadBalancersAsync(installation, continueToken, cancellationToken);

    public Task<LoadBalancerInfo> EnsureLoadBalancerAsync(LoadBalancerOwner owner, string name, CancellationToken cancellationToken) =>
        cloud.EnsureLoadBalancerAsync(owner, name, cancellationToken);

    public Task<LoadBalancerInfo> EnsureLoadBalancerAsync(LoadBalancerOwner owner, string name, AddressRequest addresses, CancellationToken cancellationToken) =>
        cloud.EnsureLoadBalancerAsync(owner, name, addresses, cancellationToken);

    public Task<LoadBalancerInfo> ReaddressLoadBalancerAsync(LoadBalancerRef loadBalancer, AddressRequest addresses, CancellationToken cancellationToken) =>
        cloud.ReaddressLoadBalancerAsync(loadBalancer, addresses, cancellationToken);

    public Task EnsureListenerAsync(LoadBalancerRef loadBalancer, ListenerSpec listener, CancellationToken cancellationToken) =>
        cloud.EnsureListenerAsync(loadBalancer, listener, cancellationToken);

    public Task EnsureListenerDeletedAsync(LoadBalancerRef loadBalancer, ListenerKey listener, CancellationToken cancellationToken) =>
        cloud.EnsureListenerDeletedAsync(loadBalancer, listener, cancellationToken);

    public async Task ChangeTargetsAsync(
        LoadBalancerRef loadBalancer,
        ListenerKey listener,
        IReadOnlyList<TargetSpec> upserts,
        IReadOnlyList<TargetKey> removals,
        CancellationToken cancellationToken)
    {
        await cloud.ChangeTargetsAsync(loadBalancer, listener, upserts, removals, cancellationToken);
        var now = Stopwatch.GetTimestamp();
        foreach (var upsert in upserts.Where(u => u.State == TargetState.Serving))
        {
            _confirmed.TryAdd(upsert.Key.Address, now);
        }
    }

    public Task EnsureLoadBalancerDeletedAsync(LoadBalancerRef loadBalancer, CancellationToken cancellationToken) =>
        cloud.EnsureLoadBalancerDeletedAsync(loadBalancer, cancellationToken);
}
