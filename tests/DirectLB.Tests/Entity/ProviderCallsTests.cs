using DirectLB.Actors.Entity;
using DirectLB.Actors.Planning;
using DirectLB.Providers;
using DirectLB.Providers.Model;
using DirectLB.Providers.Simulated;
using static DirectLB.Tests.Support.Fixtures;

namespace DirectLB.Tests.Entity;

public class ProviderCallsTests
{
    [Fact]
    public void A_provider_that_declares_address_families_but_cannot_be_asked_for_them_is_planned_as_one_that_declares_none()
    {
        var cloud = new SimulatedProvider();
        var dualStack = Service() with { IpFamilies = ["IPv4", "IPv6"], IpFamilyPolicy = "RequireDualStack" };

        var direct = DesiredStateBuilder.Build(Key, [Observation(dualStack)], Filter, Planner, ProviderCalls.Askable(cloud));
        var wrapped = DesiredStateBuilder.Build(Key, [Observation(dualStack)], Filter, Planner, ProviderCalls.Askable(new CapabilitiesOnly(cloud)));

        Assert.Equal(new AddressRequest(IpFamily.IPv4, DualStack: true), direct.LoadBalancer!.Addresses);
        Assert.Null(wrapped.LoadBalancer);
        Assert.Contains("RequireDualStack, but the load balancer provider gives only IPv4 addresses", Assert.Single(wrapped.Errors));
    }

    /// <summary>Forwards the capabilities and the plain verbs of a provider, not its address families.</summary>
    private sealed class CapabilitiesOnly(ILoadBalancerProvider inner) : ILoadBalancerProvider
    {
        public string Name => inner.Name;

        public ProviderCapabilities Capabilities => inner.Capabilities;

        public Task<LoadBalancerInfo?> FindLoadBalancerAsync(LoadBalancerOwner owner, CancellationToken ct) => inner.FindLoadBalancerAsync(owner, ct);

        public Task<LoadBalancerPage> ListLoadBalancersAsync(Installation installation, string? continueToken, CancellationToken ct) => inner.ListLoadBalancersAsync(installation, continueToken, ct);

        public Task<LoadBalancerInfo> EnsureLoadBalancerAsync(LoadBalancerOwner owner, string name, CancellationToken ct) => inner.EnsureLoadBalancerAsync(owner, name, ct);

        public Task EnsureListenerAsync(LoadBalancerRef id, ListenerSpec listener, CancellationToken ct) => inner.EnsureListenerAsync(id, listener, ct);

        public Task EnsureListenerDeletedAsync(LoadBalancerRef id, ListenerKey listener, CancellationToken ct) => inner.EnsureListenerDeletedAsync(id, listener, ct);

        public Task ChangeTargetsAsync(LoadBalancerRef id, ListenerKey listener, IReadOnlyList<TargetSpec> upserts, IReadOnlyList<TargetKey> removals, CancellationToken ct) =>
            inner.ChangeTargetsAsync(id, listener, upserts, removals, ct);

        public Task EnsureLoadBalancerDeletedAsync(LoadBalancerRef id, CancellationToken ct) => inner.EnsureLoadBalancerDeletedAsync(id, ct);
    }
}
