using DirectLB.Traffic.Tests.Support;
using System.Net;
using Xunit.Abstractions;

namespace DirectLB.Traffic.Tests;

/// <summary>
/// directlb.io/proxy-protocol: v2 through the whole pipeline. The load balancer's connection to the pod comes from
/// HAProxy, so the only way a pod learns the client's address is the PROXY v2 header HAProxy sends first.
/// </summary>
[Trait("Category", "Traffic")]
public sealed class ProxyProtocolTests(ITestOutputHelper output) : InProcessTrafficTest
{
    /// <summary>The client's own address: any of 127.0.0.0/8 works on Linux loopback, and this one is nobody else's.</summary>
    private const string Client = "127.0.77.7";

    [Fact]
    public async Task Pods_behind_proxy_protocol_v2_see_the_clients_address()
    {
        var port = World.CreateService("proxied", new Dictionary<string, string> { ["directlb.io/proxy-protocol"] = "v2" });
        var pods = World.Pods("proxied", addressBlock: 165);
        pods.MarkReady(pods.Start(2, expectProxyV2: true));
        var vip = await World.AddressOfAsync("proxied");
        await World.HAProxy.MatchesAsync(port, pods);

        await using var load = LoadGenerator.Start(vip, port, new LoadOptions { SourceAddress = IPAddress.Parse(Client) });
        await load.AnsweredAsync(300, load.Snapshot());
        var total = await load.StopAsync();
        output.WriteLine($"whole run: {total}");
        foreach (var pod in pods.Ready)
        {
            output.WriteLine($"{pod.Name}: {pod.ProxiedClients.Count} PROXY headers, clients {string.Join(", ", pod.ProxiedClients.Distinct())}");
        }

        Assert.Empty(total.Failures);
        Assert.All(pods.Ready, pod =>
        {
            Assert.NotEmpty(pod.ProxiedClients);
            Assert.All(pod.ProxiedClients, client => Assert.Equal(Client, client));
        });
    }
}
