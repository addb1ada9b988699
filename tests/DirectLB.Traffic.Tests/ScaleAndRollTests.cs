using DirectLB.Traffic.Tests.Support;
using Xunit.Abstractions;

namespace DirectLB.Traffic.Tests;

/// <summary>
/// The seed's promise under real traffic: the real host in this process drives a real HAProxy while pods scale
/// 2 → 10, all 10 are replaced by a rollout (maxSurge 3, maxUnavailable 0), and they scale back to 2, and a load
/// generator sends requests through the VIP the whole time.
/// </summary>
[Trait("Category", "Traffic")]
public sealed class ScaleAndRollTests(ITestOutputHelper output) : InProcessTrafficTest
{
    [Fact]
    public async Task Scaling_2_to_10_rolling_every_pod_and_scaling_back_to_2_fails_no_request_and_shares_traffic_equally()
    {
        var port = World.CreateService("web", new Dictionary<string, string> { ["directlb.io/drain-delay"] = "2s" });
        var pods = World.Pods("web", addressBlock: 160);
        pods.MarkReady(pods.Start(2));
        var vip = await World.AddressOfAsync("web");
        await World.HAProxy.MatchesAsync(port, pods); // a new server takes traffic once its first health checks passed
        await using var load = LoadGenerator.Start(vip, port);
        var rollout = new Rollout(pods, World.HAProxy, port, load);
        await rollout.AppliedAsync();

        await rollout.ScaleUpAsync(8);
        var atTen = await SteadyWindowAsync(load, pods, requests: 1500);

        await rollout.RollAsync(maxSurge: 3);
        var afterRoll = await SteadyWindowAsync(load, pods, requests: 1500);

        await rollout.ScaleDownAsync(8);
        var atTwo = await SteadyWindowAsync(load, pods, requests: 400);
        var total = await load.StopAsync();

        output.WriteLine($"whole run: {total}");
        foreach (var drain in rollout.Drains)
        {
            output.WriteLine($"  {drain.Pod,-8} out of HAProxy {drain.Duration.TotalSeconds:0.00}s after terminating; while draining {drain.NewConnections} new connections, {drain.Requests} requests");
        }

        foreach (var pod in pods.Everyone)
        {
            output.WriteLine($"  {pod.Name,-8} starting {pod.RequestsWhile(PodPhase.Starting),5}  ready {pod.RequestsWhile(PodPhase.Ready),6}  terminating {pod.RequestsWhile(PodPhase.Terminating),5}");
        }

        Assert.Empty(total.Failures);
        Assert.Equal(20, pods.Everyone.Count); // 2 first, 8 more, then 10 replacing them in the roll ...
        Assert.Equal(2, pods.Ready.Count);     // ... of which 2 are left after scaling down.
        Assert.All(pods.Everyone, pod => Assert.Equal(0, pod.RequestsWhile(PodPhase.Starting)));
        TrafficWindows.AssertEqualShares(atTen, 10);
        TrafficWindows.AssertEqualShares(afterRoll, 10);
        TrafficWindows.AssertEqualShares(atTwo, 2);
        Assert.Equal(18, rollout.Drains.Count);
        Assert.All(rollout.Drains, drain => Assert.Equal(0, drain.NewConnections));
        // Out once its connections ended (DirectLB counts them on HAProxy) or the 2 s drain delay passed, whichever came first.
        Assert.All(rollout.Drains, drain => Assert.InRange(drain.Duration.TotalSeconds, 0, 20));
    }

    private Task<TrafficCounts> SteadyWindowAsync(LoadGenerator load, PodSet pods, int requests) => TrafficWindows.SteadyAsync(load, pods, requests, output);
}
