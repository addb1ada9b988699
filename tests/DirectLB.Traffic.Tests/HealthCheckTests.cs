using DirectLB.EndToEnd.Tests.Support;
using DirectLB.Traffic.Tests.Support;
using Xunit.Abstractions;

namespace DirectLB.Traffic.Tests;

/// <summary>
/// directlb.io/health-check-* through the whole pipeline: annotation, planner, entity, HAProxy's checks. A pod
/// whose /healthz fails is ready as far as Kubernetes knows, yet gets no traffic until it answers again.
/// </summary>
[Trait("Category", "Traffic")]
public sealed class HealthCheckTests(ITestOutputHelper output) : InProcessTrafficTest
{
    [Fact]
    public async Task A_pod_whose_health_check_path_fails_gets_no_traffic_until_it_passes_again()
    {
        var port = World.CreateService("checked", new Dictionary<string, string>
        {
            ["directlb.io/health-check-path"] = "/healthz",
            ["directlb.io/health-check-interval"] = "200ms",
            ["directlb.io/health-check-healthy-threshold"] = "1",
            ["directlb.io/health-check-unhealthy-threshold"] = "1",
        });
        var pods = World.Pods("checked", addressBlock: 164);
        var started = pods.Start(3);
        var sick = started[0];
        sick.Healthy = false;
        pods.MarkReady(started);
        var vip = await World.AddressOfAsync("checked");
        await ServersUpAsync(port, up: started.Except([sick]), down: [sick]);

        await using var load = LoadGenerator.Start(vip, port);
        var whileSick = await WindowAsync(load, 600);
        Assert.Equal(started.Except([sick]).Select(p => p.Name).Order(), whileSick.ByPod.Keys.Order());

        sick.Healthy = true;
        await ServersUpAsync(port, up: started, down: []);
        var healed = await WindowAsync(load, 600);
        Assert.Equal(started.Select(p => p.Name).Order(), healed.NewConnection.Keys.Order());

        var total = await load.StopAsync();
        output.WriteLine($"whole run: {total}");
        Assert.Empty(total.Failures);
    }

    private Task ServersUpAsync(int port, IEnumerable<PodServer> up, IEnumerable<PodServer> down) =>
        Eventually.Until(async () =>
        {
            if (await World.HAProxy.TryServersAsync(port) is not { } running)
            {
                return false;
            }

            var servers = running.ToDictionary(s => s.Address);
            return up.All(p => servers.TryGetValue(p.Address, out var s) && s.Serving)
                && down.All(p => servers.TryGetValue(p.Address, out var s) && !s.Up);
        }, "HAProxy's checks mark the pods up and down as their /healthz answers");

    private async Task<TrafficCounts> WindowAsync(LoadGenerator load, int requests)
    {
        var start = load.Snapshot();
        await load.AnsweredAsync(requests, start);
        var window = load.Snapshot().Since(start);
        output.WriteLine(window.ToString());
        return window;
    }
}
