using DirectLB.EndToEnd.Tests.Support;
using DirectLB.KubeApiServer.Services;
using DirectLB.KubeApiServer.Typed;
using DirectLB.Traffic.Tests.Support;
using k8s.Models;

namespace DirectLB.Traffic.Tests;

/// <summary>
/// Dual stack through the whole pipeline with real HAProxy: the IPv4 VIP pool 127.0.102.0/24 and the IPv6 pool ::1/128
/// (the one IPv6 loopback address). A Service under RequireDualStack gets an address of each family, every frontend
/// bound to both, and both answer; turned single stack, it gives the IPv6 address back.
/// </summary>
[Trait("Category", "Traffic")]
public sealed class DualStackTests : InProcessTrafficTest
{
    protected override string[] ExtraArguments => ["--vip-pool6", "::1/128"];

    protected override ServiceNetwork Network => ServiceNetwork.DualStack;

    [Fact]
    public async Task A_Service_under_RequireDualStack_is_served_on_an_IPv4_VIP_and_on_the_IPv6_one_and_status_lists_both()
    {
        var port = World.CreateService("dual", spec: s =>
        {
            s.IpFamilies = ["IPv4", "IPv6"];
            s.IpFamilyPolicy = "RequireDualStack";
        });
        var pods = World.Pods("dual", addressBlock: 179);
        pods.MarkReady(pods.Start(2));

        var ingress = await IngressAsync("dual", count: 2);
        await World.HAProxy.MatchesAsync(port, pods);

        Assert.StartsWith("127.0.102.", ingress[0].Ip);
        Assert.Equal("::1", ingress[1].Ip);
        Assert.All(ingress, i => Assert.Equal("Proxy", i.IpMode));
        Assert.Contains(await HttpConnection.GetOnceAsync(ingress[0].Ip, port), pods.Ready.Select(p => p.Name));
        Assert.Contains(await HttpConnection.GetOnceAsync("::1", port), pods.Ready.Select(p => p.Name));

        World.Patch("dual", """{"spec":{"ipFamilyPolicy":"SingleStack","ipFamilies":["IPv4"]}}""");
        var single = await IngressAsync("dual", count: 1);

        Assert.Equal(ingress[0].Ip, single[0].Ip);
        Assert.Contains(await HttpConnection.GetOnceAsync(single[0].Ip, port), pods.Ready.Select(p => p.Name));
        await Eventually.Until(async () => await HttpConnection.RefusedAsync("::1", port), "the IPv6 address refusing connections once given back");
    }

    private async Task<IList<V1LoadBalancerIngress>> IngressAsync(string service, int count)
    {
        IList<V1LoadBalancerIngress>? ingress = null;
        await Eventually.Until(
            () => (ingress = World.Api.Store.Get<V1Service>(KubeObjects.Namespace, service)?.Status?.LoadBalancer?.Ingress) is { } listed && listed.Count == count,
            $"{service} lists {count} address(es) in status.loadBalancer.ingress");
        return ingress!;
    }
}
