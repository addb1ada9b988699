using DirectLB.Providers;
using DirectLB.Providers.HAProxy;
using DirectLB.Providers.Model;

namespace DirectLB.HAProxy.Tests;

public sealed class VipPoolTests
{
    [Fact]
    public void An_IPv4_pool_hands_out_its_lowest_free_address_and_never_its_network_or_broadcast_address()
    {
        var pool = new VipPool("192.0.2.0/30");

        Assert.Equal("192.0.2.1", pool.Next([]));
        Assert.Equal("192.0.2.2", pool.Next(["192.0.2.1"]));
        Assert.Throws<ProviderException>(() => pool.Next(["192.0.2.1", "192.0.2.2"]));
        Assert.False(pool.Holds("192.0.2.0"));
        Assert.False(pool.Holds("192.0.2.3"));
    }

    [Fact]
    public void An_IPv6_pool_hands_out_addresses_of_its_block_and_claims_any_spelling_of_one_in_canonical_form()
    {
        var pool = new VipPool("fd00:100::/120");

        Assert.Equal("fd00:100::1", pool.Next([]));
        Assert.Equal("fd00:100::ff", pool.Claim("FD00:100:0::FF", ["fd00:100::1"]));
        Assert.Throws<AddressUnavailableException>(() => pool.Claim("fd00:100::1", ["fd00:100::1"]));
        Assert.Throws<AddressUnavailableException>(() => pool.Claim("fd00:100::100", []));
        Assert.Throws<AddressUnavailableException>(() => pool.Claim("192.0.2.1", []));
    }

    [Fact]
    public void The_IPv6_loopback_block_of_one_address_hands_out_that_address()
    {
        var pool = new VipPool("::1/128");

        Assert.Equal("::1", pool.Next([]));
        Assert.Equal("::1", pool.Claim("::1", []));
        Assert.Throws<ProviderException>(() => pool.Next(["::1"]));
    }

    [Theory]
    [InlineData("::1/128", true)]
    [InlineData("fd00:100::/64", true)]
    [InlineData("fd00:100::/63", false)]
    [InlineData("10.0.0.0/24", false)]
    [InlineData("fe80::1%lo/128", false)]
    [InlineData("fd00::", false)]
    public void An_IPv6_pool_option_must_be_an_IPv6_block_of_64_to_128_bits(string pool, bool valid)
    {
        var errors = new HAProxyProviderOptions { StateDirectory = "/var/lib/directlb/haproxy", VipPool6 = pool }.Validate();

        Assert.Equal(valid, !errors.Any(e => e.Contains("VipPool6")));
    }

    [Fact]
    public void An_IPv6_VIP_is_bound_in_brackets_and_reads_back_as_it_is()
    {
        var options = new HAProxyProviderOptions { StateDirectory = "/var/lib/directlb/haproxy", VipPool6 = "::1/128", BindPool = "127.0.126.0/24" };
        var model = HAProxyModel.Empty
            .With(new LoadBalancerInfo("lb-1", "web", "::1", new Dictionary<string, string>(), []))
            .WithListener("lb-1", new ListenerSpec(new ListenerKey(TransportProtocol.Tcp, 8080), "http"));

        var text = ConfigRenderer.Render(model, options);

        Assert.Contains("    bind [::1]:8080", text.Split('\n'));
        Assert.Equal("::1", ConfigMetadata.Parse(text, "haproxy.cfg").Get("lb-1").Address);
    }
}
