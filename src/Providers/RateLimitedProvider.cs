using System.Threading.RateLimiting;
using DirectLB.Providers.Model;

namespace DirectLB.Providers;

/// <summary>
/// Keeps every call of this replica under the provider's API quota, waiting in line instead of being throttled.
/// Without it, a thousand entities that all need a call compete for the quota: most calls come back throttled, each
/// entity's backoff grows, and tokens go unused while they sleep. With it, calls flow at the quota and the line
/// drains at the rate the provider allows (what aws-load-balancer-controller's API throttle settings do).
/// </summary>
public sealed class RateLimitedProvider : ILoadBalancerProvider, IChosenAddressProvider, IAddressFamiliesProvider, IAsyncDisposable
{
    private readonly ILoadBalancerProvider _inner;
    private readonly TokenBucketRateLimiter _limiter;

    public RateLimitedProvider(ILoadBalancerProvider inner, double callsPerSecond, int burst)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(callsPerSecond);
        _inner = inner;
        // Tokens are added every 1/rate seconds, one at a time, so calls leave the line evenly rather than in bursts.
        _limiter = new TokenBucketRateLimiter(new TokenBucketRateLimiterOptions
        {
            TokenLimit = Math.Max(1, burst),
            TokensPerPeriod = 1,
            ReplenishmentPeriod = TimeSpan.FromSeconds(1 / callsPerSecond),
            QueueLimit = int.MaxValue,
            QueueProcessingOrder = QueueProcessingOrder.OldestFirst,
            AutoReplenishment = true,
        });
    }

    public string Name => _inner.Name;

    /// <summary>Only asked when the inner provider declares <see cref="ProviderCapabilities.SupportsRequestedAddress"/>.</summary>
    private IChosenAddressProvider Chooser =>
        _inner as IChosenAddressProvider ?? throw new AddressUnavailableException($"the {_inner.Name} provider gives addresses itself");

    /// <summary>Only asked when the inner provider declares <see cref="ProviderCapabilities.AddressFamilies"/>.</summary>
    private IAddressFamiliesProvider Families =>
        _inner as IAddressFamiliesProvider ?? throw new AddressUnavailableException($"the {_inner.Name} provider cannot be asked for IP families");

    public ProviderCapabilities Capabilities => _inner.Capabilities;

    public async Task<LoadBalancerInfo?> FindLoadBalancerAsync(LoadBalancerOwner owner, CancellationToken cancellationToken)
    {
        using var _ = await AcquireAsync(cancellationToken);
        return await _inner.FindLoadBalancerAsync(owner, cancellationToken);
    }

    public async Task<LoadBalancerPage> ListLoadBalancersAsync(Installation installation, string? continueToken, CancellationToken cancellationToken)
    {
        using var _ = await AcquireAsync(cancellationToken);
        return await _inner.ListLoadBalancersAsync(installation, continueToken, cancellationToken);
    }

    public async Task<LoadBalancerInfo> EnsureLoadBalancerAsync(LoadBalancerOwner owner, string name, CancellationToken cancellationToken)
    {
        using var _ = await AcquireAsync(cancellationToken);
        return await _inner.EnsureLoadBalancerAsync(owner, name, cancellationToken);
    }

    public async Task<LoadBalancerInfo> EnsureLoadBalancerAsync(LoadBalancerOwner owner, string name, string address, CancellationToken cancellationToken)
    {
        using var _ = await AcquireAsync(cancellationToken);
        return await Chooser.EnsureLoadBalancerAsync(owner, name, address, cancellationToken);
    }

    public async Task<LoadBalancerInfo> MoveLoadBalancerAsync(LoadBalancerRef loadBalancer, string address, CancellationToken cancellationToken)
    {
        using var _ = await AcquireAsync(cancellationToken);
        return await Chooser.MoveLoadBalancerAsync(loadBalancer, address, cancellationToken);
    }

    public async Task<LoadBalancerInfo> EnsureLoadBalancerAsync(LoadBalancerOwner owner, string name, AddressRequest addresses, CancellationToken cancellationToken)
    {
        using var _ = await AcquireAsync(cancellationToken);
        return await Families.EnsureLoadBalancerAsync(owner, name, addresses, cancellationToken);
    }

    public async Task<LoadBalancerInfo> ReaddressLoadBalancerAsync(LoadBalancerRef loadBalancer, AddressRequest addresses, CancellationToken cancellationToken)
    {
        using var _ = await AcquireAsync(cancellationToken);
        return await Families.ReaddressLoadBalancerAsync(loadBalancer, addresses, cancellationToken);
    }

    public async Task EnsureListenerAsync(LoadBalancerRef loadBalancer, ListenerSpec listener, CancellationToken cancellationToken)
    {
        using var _ = await AcquireAsync(cancellationToken);
        await _inner.EnsureListenerAsync(loadBalancer, listener, cancellationToken);
    }

    public async Task EnsureListenerDeletedAsync(LoadBalancerRef loadBalancer, ListenerKey listener, CancellationToken cancellationToken)
    {
        using var _ = await AcquireAsync(cancellationToken);
        await _inner.EnsureListenerDeletedAsync(loadBalancer, listener, cancellationToken);
    }

    public async Task ChangeTargetsAsync(LoadBalancerRef loadBalancer, ListenerKey listener, IReadOnlyList<TargetSpec> upserts, IReadOnlyList<TargetKey> removals, CancellationToken cancellationToken)
    {
        using var _ = await AcquireAsync(cancellationToken);
        await _inner.ChangeTargetsAsync(loadBalancer, listener, upserts, removals, cancellationToken);
    }

    public async Task<IReadOnlyDictionary<TargetKey, int>?> CountConnectionsAsync(LoadBalancerRef loadBalancer, ListenerKey listener, CancellationToken cancellationToken)
    {
        using var _ = await AcquireAsync(cancellationToken);
        return await _inner.CountConnectionsAsync(loadBalancer, listener, cancellationToken);
    }

    public async Task EnsureLoadBalancerDeletedAsync(LoadBalancerRef loadBalancer, CancellationToken cancellationToken)
    {
        using var _ = await AcquireAsync(cancellationToken);
        await _inner.EnsureLoadBalancerDeletedAsync(loadBalancer, cancellationToken);
    }

    public async ValueTask DisposeAsync()
    {
        await _limiter.DisposeAsync();
        switch (_inner)
        {
            case IAsyncDisposable asyncDisposable:
                await asyncDisposable.DisposeAsync();
                break;
            case IDisposable disposable:
                disposable.Dispose();
                break;
        }
    }

    private async Task<RateLimitLease> AcquireAsync(CancellationToken cancellationToken) =>
        await _limiter.AcquireAsync(1, cancellationToken);
}
