using DirectLB.Providers;
using DirectLB.Providers.Model;

namespace DirectLB.Tests.Support;

/// <summary>
/// Wraps a provider; while <see cref="HoldTargetChanges"/> is set, target changes hang until cancelled,
/// so a test can stop an entity with an operation in flight (its outcome then is in doubt).
/// </summary>
public sealed class GatedProvider(ILoadBalancerProvider inner) : ILoadBalancerProvider, IAddressFamiliesProvider
{
    public volatile bool HoldTargetChanges;

    /// <summary>What <see cref="CountConnectionsAsync"/> answers per target; null means "cannot tell", as most providers.</summary>
    public Func<TargetKey, int>? Connections { get; set; }

    public int HeldCalls;

    /// <summary>Rewrites the primary address of every load balancer it answers with, as a provider that names them otherwise would.</summary>
    public Func<string, string>? AnswerAddress { get; set; }

    public string Name => inner.Name;

    public ProviderCapabilities Capabilities => inner.Capabilities;

    public async Task<LoadBalancerInfo?> FindLoadBalancerAsync(LoadBalancerOwner owner, CancellationToken ct) =>
        await inner.FindLoadBalancerAsync(owner, ct) is { } found ? Answer(found) : null;

    public Task<LoadBalancerPage> ListLoadBalancersAsync(Installation installation, string? continueToken, CancellationToken ct) =>
        inner.ListLoadBalancersAsync(installation, continueToken, ct);

    public async Task<LoadBalancerInfo> EnsureLoadBalancerAsync(LoadBalancerOwner owner, string name, CancellationToken ct) =>
        Answer(await inner.EnsureLoadBalancerAsync(owner, name, ct));

    public async Task<LoadBalancerInfo> EnsureLoadBalancerAsync(LoadBalancerOwner owner, string name, AddressRequest addresses, CancellationToken ct) =>
        Answer(await ((IAddressFamiliesProvider)inner).EnsureLoadBalancerAsync(owner, name, addresses, ct));

    public async Task<LoadBalancerInfo> ReaddressLoadBalancerAsync(LoadBalancerRef loadBalancer, AddressRequest addresses, CancellationToken ct) =>
        Answer(await ((IAddressFamiliesProvider)inner).ReaddressLoadBalancerAsync(loadBalancer, addresses, ct));

    private LoadBalancerInfo Answer(LoadBalancerInfo info) => AnswerAddress is { } rewrite ? info with { Address = rewrite(info.Address) } : info;

    public Task EnsureListenerAsync(LoadBalancerRef id, ListenerSpec listener, CancellationToken ct) => inner.EnsureListenerAsync(id, listener, ct);

    public Task EnsureListenerDeletedAsync(LoadBalancerRef id, ListenerKey listener, CancellationToken ct) => inner.EnsureListenerDeletedAsync(id, listener, ct);

    public async Task ChangeTargetsAsync(LoadBalancerRef id, ListenerKey listener, IReadOnlyList<TargetSpec> upserts, IReadOnlyList<TargetKey> removals, CancellationToken ct)
    {
        if (HoldTargetChanges)
        {
            Interlocked.Increment(ref HeldCalls);
            await Task.Delay(Timeout.Infinite, ct);
        }

        await inner.ChangeTargetsAsync(id, listener, upserts, removals, ct);
    }

    public Task EnsureLoadBalancerDeletedAsync(LoadBalancerRef id, CancellationToken ct) => inner.EnsureLoadBalancerDeletedAsync(id, ct);

    public async Task<IReadOnlyDictionary<TargetKey, int>?> CountConnectionsAsync(LoadBalancerRef id, ListenerKey listener, CancellationToken ct)
    {
        var info = (await inner.FindLoadBalancerAsync(DirectLB.Tests.Support.Fixtures.Owner, ct))?.Listeners.FirstOrDefault(l => l.Spec.Key == listener);
        return Connections is null || info is null ? null : info.Targets.ToDictionary(t => t.Key, t => Connections(t.Key));
    }
}
