using DirectLB.Actors.Domain;
using DirectLB.EndToEnd.Tests.Support;
using DirectLB.KubeApiServer.Typed;
using DirectLB.Traffic.Tests.Support;
using k8s.Models;

namespace DirectLB.Traffic.Tests;

/// <summary>
/// spec.loadBalancerIP through the whole pipeline with real HAProxy (VIP pool 127.0.102.0/24): the Service is served at
/// the address it asked for; another Service asking for the same address is refused with an Event and gets nothing;
/// a changed address moves the load balancer, which then serves there and no longer at the old address.
/// </summary>
[Trait("Category", "Traffic")]
public sealed class RequestedAddressTests : InProcessTrafficTest
{
    private const string Pinned = "127.0.102.77";
    private const string Moved = "127.0.102.78";

    [Fact]
    public async Task A_Service_is_served_at_its_requested_address_which_no_other_Service_can_take_and_moves_when_it_changes()
    {
        var port = World.CreateService("pinned", spec: s => s.LoadBalancerIP = Pinned);
        var pods = World.Pods("pinned", addressBlock: 176);
        pods.MarkReady(pods.Start(2));
        Assert.Equal(Pinned, await World.AddressOfAsync("pinned"));
        await World.HAProxy.MatchesAsync(port, pods);
        Assert.Contains(await HttpConnection.GetOnceAsync(Pinned, port), pods.Ready.Select(p => p.Name));

        World.CreateService("squatter", spec: s => s.LoadBalancerIP = Pinned);
        await Eventually.Until(
            () => World.Api.Store.CoreEventsFor(KubeObjects.Namespace, "squatter", "Service")
                .Any(e => e.Type == "Warning" && e.Reason == ServiceEventReason.InvalidConfiguration && e.Message.Contains($"{Pinned} of the VIP pool")),
            "the squatter's InvalidConfiguration Event");
        Assert.Null(World.Api.Store.Get<V1Service>(KubeObjects.Namespace, "squatter")?.Status?.LoadBalancer?.Ingress);
        Assert.Contains(await HttpConnection.GetOnceAsync(Pinned, port), pods.Ready.Select(p => p.Name));

        World.Patch("pinned", $$$"""{"spec":{"loadBalancerIP":"{{{Moved}}}"}}""");
        await Eventually.Until(async () => await World.AddressOfAsync("pinned") == Moved, "the status at the new address");

        Assert.Contains(await HttpConnection.GetOnceAsync(Moved, port), pods.Ready.Select(p => p.Name));
        await Eventually.Until(async () => await HttpConnection.RefusedAsync(Pinned, port), "the old address refusing connections");
    }
}
