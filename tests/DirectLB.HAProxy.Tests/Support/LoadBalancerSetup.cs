using DirectLB.Providers.HAProxy;
using DirectLB.Providers.Model;

namespace DirectLB.HAProxy.Tests.Support;

/// <summary>A load balancer with one TCP listener and the given targets, as most tests need it.</summary>
public sealed record LoadBalancerSetup(LoadBalancerInfo LoadBalancer, ListenerKey Listener)
{
    public string Address => LoadBalancer.Address;

    public int Port => Listener.Port;

    public static async Task<LoadBalancerSetup> CreateAsync(
        HAProxyProvider provider,
        IReadOnlyList<TargetSpec> targets,
        ListenerSpec? listener = null,
        string owner = "web")
    {
        var lb = await provider.EnsureLoadBalancerAsync(HAProxyTestContext.Owner(owner), $"default/{owner}", CancellationToken.None);
        var spec = listener ?? new ListenerSpec(new ListenerKey(TransportProtocol.Tcp, HAProxyTestContext.FreePort()), "http");
        await provider.EnsureListenerAsync(lb.Ref, spec, CancellationToken.None);
        await provider.ChangeTargetsAsync(lb.Ref, spec.Key, targets, [], CancellationToken.None);
        return new LoadBalancerSetup(lb, spec.Key);
    }

    public Task ChangeAsync(HAProxyProvider provider, IReadOnlyList<TargetSpec> upserts, IReadOnlyList<TargetKey>? removals = null) =>
        provider.ChangeTargetsAsync(LoadBalancer.Ref, Listener, upserts, removals ?? [], CancellationToken.None);
}
