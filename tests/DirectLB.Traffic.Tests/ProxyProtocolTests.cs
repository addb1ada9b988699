using DirectLB.Traffic.Tests.Support;
using System.Net;
using Xunit.Abstractions;

namespace DirectLB.Traffic.Tests;

/// <summary>
/// directlb.io/proxy-protocol: v2 through the whole pipeline. The load balancer's connection to the pod comes from
/// HAProxy, so the only way a pod learns the client's address is the PROXY v2 header HAProxy sends first. Without it,
/// the pod sees HAProxy's address: the README says so, and the second test shows it.
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
            Assert.DoesNotContain(Client, pod.Peers);
        });
    }

    [Fact]
    public async Task Without_proxy_protocol_pods_see_the_load_balancers_address_not_the_clients()
    {
        var port = World.CreateService("unproxied");
        var pods = World.Pods("unproxied", addressBlock: 175);
        pods.MarkReady(pods.Start(2));
        var vip = await World.AddressOfAsync("unproxied");
        await World.HAProxy.MatchesAsync(port, pods);

        for (var i = 0; i < 10; i++)
        {
            using var connection = await HttpConnection.ConnectAsync(IPAddress.Parse(vip), port, IPAddress.Parse(Client), CancellationToken.None);
            await connection.GetAsync(close: true, CancellationToken.None);
        }

        var peers = pods.Ready.SelectMany(p => p.Peers).ToList();
        output.WriteLine($"peers the pods saw: {string.Join(", ", peers.Distinct())}");
        Assert.NotEmpty(peers);
        Assert.DoesNotContain(Client, peers);
        Assert.All(pods.Ready, pod => Assert.Empty(pod.ProxiedClients));
    }
}
