using DirectLB.EndToEnd.Tests.Support;
using DirectLB.KubeApiServer.Typed;
using DirectLB.Traffic.Tests.Support;
using k8s.Models;
using Xunit.Abstractions;

namespace DirectLB.Traffic.Tests;

/// <summary>
/// A listener change (here a new health check interval) makes DirectLB reload HAProxy. Servers changed at run
/// time must come through the reload as they were: a draining pod must not take new connections from the new worker.
/// </summary>
[Trait("Category", "Traffic")]
public sealed class ReloadTests(ITestOutputHelper output) : InProcessTrafficTest
{
    [Fact]
    public async Task A_reload_in_the_middle_of_a_drain_keeps_the_pod_draining_and_fails_no_request()
    {
        var port = World.CreateService("reloaded", new Dictionary<string, string> { ["directlb.io/drain-delay"] = "20s" });
        var pods = World.Pods("reloaded", addressBlock: 168);
        var started = pods.Start(3);
        pods.MarkReady(started);
        var vip = await World.AddressOfAsync("reloaded");
        await World.HAProxy.MatchesAsync(port, pods);
        await using var load = LoadGenerator.Start(vip, port);

        var leaving = started[0];
        pods.MarkTerminating([leaving]);
        await Eventually.Until(
            async () => await World.HAProxy.TryServersAsync(port) is { } servers && servers.Single(s => s.Address == leaving.Address).Draining,
            "the terminating pod's server draining");
        await load.AnsweredAsync(50, load.Snapshot()); // connections given to it before the drain have reached it
        var connectionsBefore = leaving.ConnectionsServed;
        var worker = await World.HAProxy.WorkerPidAsync();

        var service = World.Api.Store.Get<V1Service>(KubeObjects.Namespace, "reloaded")!;
        service.Metadata.Annotations["directlb.io/health-check-interval"] = "500ms";
        World.Api.Store.Replace(service);
        await Eventually.Until(async () => await World.HAProxy.WorkerPidAsync() is { } now && now != worker, "HAProxy reloaded onto the new health check");
        var afterReload = load.Snapshot();
        await load.AnsweredAsync(600, afterReload);
        var window = load.Snapshot().Since(afterReload);
        var servers = await World.HAProxy.ServersAsync(port);
        var total = await load.StopAsync();
        output.WriteLine($"after the reload: {window}");
        output.WriteLine($"whole run: {total}");

        Assert.Empty(total.Failures);
        Assert.Contains("inter 500ms", await File.ReadAllTextAsync(Path.Combine(World.HAProxy.Directory, "haproxy.cfg")));
        // Still draining in the new worker, or already gone: DirectLB ends a drain early once the current worker
        // counts no connection on it (what the old worker still holds finishes there). Never serving again.
        Assert.True(servers.SingleOrDefault(s => s.Address == leaving.Address) is null or { Draining: true }, "the pod drains or has left, in the new worker");
        Assert.All(servers.Where(s => s.Address != leaving.Address), s => Assert.True(s.Serving));
        Assert.Equal(connectionsBefore, leaving.ConnectionsServed);
        Assert.Equal(started.Skip(1).Select(p => p.Name).Order(), window.NewConnection.Keys.Order());
    }
}
