using DirectLB.Providers;
using DirectLB.Providers.HAProxy;
using DirectLB.Providers.Model;

namespace DirectLB.HAProxy.Tests;

public sealed class ServerNameTests
{
    [Theory]
    [InlineData("10.244.1.5", 8080, "t-10-244-1-5-8080", "10.244.1.5:8080")]
    [InlineData("fd00::7", 9090, "t6-fd00--7-9090", "[fd00::7]:9090")]
    [InlineData("FD00:0:0::0007", 9090, "t6-fd00--7-9090", "[fd00::7]:9090")]
    [InlineData("::ffff:10.0.0.1", 80, "t6---ffff-10_0_0_1-80", "[::ffff:10.0.0.1]:80")]
    public void Names_are_deterministic_from_the_canonical_target(string address, int port, string name, string endpoint)
    {
        var target = new TargetKey(address, port);

        Assert.Equal(name, ServerName.For(target));
        Assert.Equal(endpoint, ServerName.Endpoint(target));
    }

    [Theory]
    [InlineData("pod.example.com", 80)]
    [InlineData("fe80::1%eth0", 80)]
    [InlineData("10.0.0.1", 0)]
    public void Targets_haproxy_cannot_reach_are_refused_for_good(string address, int port)
    {
        var error = Assert.Throws<ProviderException>(() => ServerName.For(new TargetKey(address, port)));

        Assert.False(error.Retryable);
    }
}
