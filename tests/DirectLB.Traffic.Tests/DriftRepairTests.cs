using DirectLB.Actors.Domain;
using DirectLB.EndToEnd.Tests.Support;
using DirectLB.KubeApiServer.Typed;
using DirectLB.Providers.HAProxy;
using DirectLB.Traffic.Tests.Support;
using Xunit.Abstractions;

namespace DirectLB.Traffic.Tests;

/// <summary>
/// Someone changes HAProxy behind DirectLB's back through its runtime API, with traffic flowing: at the next read-back
/// DirectLB sees what HAProxy runs, says so in a LoadBalancerDrift Event, and puts every server back as it should be.
/// </summary>
[Trait("Category", "Traffic")]
public sealed class DriftRepairTests(ITestOutputHelper output) : InProcessTrafficTest
{
    protected override string[] ExtraArguments => ["--read-back-interval", "00:00:01"];

    [Fact]
    public async Task Servers_removed_reweighted_or_drained_behind_its_back_are_repaired_within_a_read_back_interval()
    {
        var port = World.CreateService("tampered");
        var pods = World.Pods("tampered", addressBlock: 171);
        var started = pods.Start(3);
        pods.MarkReady(started);
        var vip = await World.AddressOfAsync("tampered");
        await AllServingAsync(port, started);
        await using var load = LoadGenerator.Start(vip, port);

        var servers = await World.HAProxy.ServersAsync(port);
        var backend = servers[0].Backend;
        var admin = new RuntimeApiClient(World.HAProxy.AdminSocket);
        string Server(PodServer pod) => $"{backend}/{ServerName.For(new DirectLB.Providers.Model.TargetKey(pod.Address, pod.Port))}";
        await admin.SendAsync($"set server {Server(started[0])} state maint", CancellationToken.None);
        await admin.SendAsync($"shutdown sessions server {Server(started[0])}", CancellationToken.None);
        await Eventually.Until(async () => (await admin.SendAsync($"del server {Server(started[0])}", CancellationToken.None)).StartsWith("Server deleted"), "the server deleted by hand");
        await admin.SendAsync($"set server {Server(started[1])} weight 9", CancellationToken.None);
        await admin.SendAsync($"set server {Server(started[2])} state drain", CancellationToken.None);

        await AllServingAsync(port, started);
        var repaired = await World.HAProxy.ServersAsync(port);
        Assert.All(repaired, s => Assert.Equal(1, s.Weight));
        await Eventually.Until(
            () => World.Api.Store.CoreEventsFor(KubeObjects.Namespace, "tampered").Any(e => e.Reason == ServiceEventReason.LoadBalancerDrift),
            "a LoadBalancerDrift Event on the Service");
        var drift = World.Api.Store.CoreEventsFor(KubeObjects.Namespace, "tampered").First(e => e.Reason == ServiceEventReason.LoadBalancerDrift);
        output.WriteLine(drift.Message);
        Assert.Equal("Warning", drift.Type);

        var start = load.Snapshot();
        await load.AnsweredAsync(600, start);
        var after = load.Snapshot().Since(start);
        output.WriteLine($"after the repair: {after}");
        Assert.Equal(started.Select(p => p.Name).Order(), after.NewConnection.Keys.Order());
    }

    private Task AllServingAsync(int port, IReadOnlyList<PodServer> pods) =>
        Eventually.Until(async () =>
        {
            var running = await World.HAProxy.TryServersAsync(port);
            return running is not null && running.Count == pods.Count
                && pods.All(p => running.Any(s => s.Address == p.Address && s.Serving && s.Weight == 1));
        }, "every pod a serving HAProxy server of weight 1");
}
