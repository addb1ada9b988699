using DirectLB.EndToEnd.Tests.Support;
using DirectLB.Traffic.Tests.Support;
using Xunit.Abstractions;

namespace DirectLB.Traffic.Tests;

/// <summary>
/// The readiness gate under real traffic: HAProxy's health checks take a few seconds before a new server is up, and
/// a rollout goes as fast as Kubernetes lets it (each old pod deleted the moment its replacement is ready). Without
/// the gate the old pods are gone before HAProxy sends anything to the new ones, and requests fail: that proves the
/// test can fail. With the gate a replacement is ready only once HAProxy says it is up, and nothing fails.
/// </summary>
[Trait("Category", "Traffic")]
public sealed class ReadinessGateTrafficTests(ITestOutputHelper output) : InProcessTrafficTest
{
    private const int Replicas = 3;

    /// <summary>Five checks half a second apart: about 2.5 s from registration until HAProxy sends a new server traffic.</summary>
    private static readonly Dictionary<string, string> SlowChecks = new()
    {
        ["directlb.io/health-check-path"] = "/healthz",
        ["directlb.io/health-check-interval"] = "500ms",
        ["directlb.io/health-check-healthy-threshold"] = "5",
        ["directlb.io/health-check-unhealthy-threshold"] = "2",
        ["directlb.io/drain-delay"] = "1s",
    };

    [Fact]
    public async Task Without_the_gate_a_fast_rollout_outruns_the_load_balancer_and_requests_fail()
    {
        var total = await RollAsync("ungated", addressBlock: 174, gated: false);

        Assert.NotEmpty(total.Failures);
    }

    [Fact]
    public async Task With_the_gate_a_fast_rollout_fails_no_request()
    {
        var total = await RollAsync("gated", addressBlock: 175, gated: true);

        Assert.Empty(total.Failures);
    }

    private async Task<TrafficCounts> RollAsync(string service, int addressBlock, bool gated)
    {
        var port = World.CreateService(service, SlowChecks);
        var pods = World.Pods(service, addressBlock, gated);
        var first = pods.Start(Replicas);
        if (gated)
        {
            pods.MarkContainersReady(first);
            await Eventually.Until(() => pods.GatesOpen(first), "the first pods' gates open", TimeSpan.FromSeconds(60));
        }

        pods.MarkReady(first);
        var vip = await World.AddressOfAsync(service);
        await World.HAProxy.MatchesAsync(port, pods, TimeSpan.FromSeconds(60));
        await using var load = LoadGenerator.Start(vip, port);
        var rollout = new Rollout(pods, World.HAProxy, port, load);
        await load.AnsweredAsync(300, load.Snapshot());

        await rollout.RollAsFastAsKubernetesAsync(gated);
        await Eventually.Until(
            async () => await World.HAProxy.TryServersAsync(port) is { } servers && servers.Count(s => s.Serving) == Replicas,
            "every new pod up in HAProxy",
            TimeSpan.FromSeconds(60));
        await load.AnsweredAsync(300, load.Snapshot());
        var total = await load.StopAsync();

        output.WriteLine($"{(gated ? "with" : "without")} the gate: {total}");
        Assert.Equal(Replicas * 2, pods.Everyone.Count);
        return total;
    }
}
