using DirectLB.Providers;
using DirectLB.Providers.Model;
using DirectLB.Providers.Simulated;
using static DirectLB.Tests.Support.Fixtures;

namespace DirectLB.Tests.Providers;

/// <summary>The simulated cloud's IPv6 pool: what it declares, what it hands out, and that a dual-stack load balancer serves on both addresses.</summary>
public class SimulatedDualStackTests
{
    [Fact]
    public async Task A_dual_stack_load_balancer_takes_an_address_from_each_pool_and_serves_clients_on_both()
    {
        var provider = new SimulatedProvider(new SimulatedProviderOptions { AddressPool6 = "fd00:db8:201::/120" });
        var lb = await provider.EnsureLoadBalancerAsync(Owner, "shop-web", new AddressRequest(IpFamily.IPv4, DualStack: true), CancellationToken.None);
        await provider.EnsureListenerAsync(lb.Ref, HttpSpec, CancellationToken.None);
        await provider.ChangeTargetsAsync(lb.Ref, Http, [Serving("10.244.1.5")], [], CancellationToken.None);

        var overIPv4 = provider.Connect(lb.Address, Http, "192.0.2.1");
        var overIPv6 = provider.Connect(lb.SecondaryAddress!, Http, "2001:db8::1");

        Assert.True(provider.Capabilities.SupportsDualStack);
        Assert.Equal(["127.0.201.1", "fd00:db8:201::1"], lb.Addresses);
        Assert.Equal(new TargetKey("10.244.1.5", 8080), overIPv4.Target);
        Assert.Equal(new TargetKey("10.244.1.5", 8080), overIPv6.Target);
    }

    [Fact]
    public async Task Without_an_IPv6_pool_the_cloud_declares_IPv4_alone_and_refuses_IPv6_creating_nothing()
    {
        var provider = new SimulatedProvider(new SimulatedProviderOptions { AddressPool6 = null });

        var refused = await Assert.ThrowsAsync<AddressUnavailableException>(
            () => provider.EnsureLoadBalancerAsync(Owner, "shop-web", new AddressRequest(IpFamily.IPv4, DualStack: true), CancellationToken.None));
        var single = await provider.EnsureLoadBalancerAsync(Owner, "shop-web", new AddressRequest(IpFamily.IPv4, DualStack: false), CancellationToken.None);

        Assert.False(provider.Capabilities.SupportsDualStack);
        Assert.Equal([IpFamily.IPv4], provider.Capabilities.AddressFamilies);
        Assert.Contains("no IPv6 address pool", refused.Message);
        Assert.Equal("127.0.201.2", single.Address); // the IPv4 address taken for the refused request went back, and is not handed out at once
    }

    [Theory]
    [InlineData("fd00::/64", null, "is not IPv4")]
    [InlineData("127.0.201.0/24", "10.0.0.0/24", "is not IPv6")]
    [InlineData("127.0.201.0/24", "fd00::/127", "between /64 and /126")]
    public void A_pool_of_the_wrong_family_or_size_is_refused_at_start(string pool, string? pool6, string error)
    {
        var refused = Assert.Throws<ArgumentException>(() => new SimulatedProvider(new SimulatedProviderOptions { AddressPool = pool, AddressPool6 = pool6 }));

        Assert.Contains(error, refused.Message);
    }
}
