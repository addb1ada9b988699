using DirectLB.Traffic.Tests.Support;
using Xunit.Abstractions;

namespace DirectLB.Traffic.Tests;

/// <summary>
/// Two "nodes", 2 pods on node-a and 1 on node-b. With externalTrafficPolicy: Local a cloud LB splits 50/50 per
/// node, so node-a's pods get a quarter each and node-b's a half: the imbalance the seed complains about. DirectLB
/// weighs every pod the same by default, and per node only when a Service asks for it.
/// </summary>
[Trait("Category", "Traffic")]
public sealed class WeightingTests(ITestOutputHelper output) : InProcessTrafficTest
{
    private const double Tolerance = 0.10;

    [Fact]
    public async Task Every_pod_weighs_the_same_so_two_pods_on_one_node_and_one_on_another_get_two_thirds_and_one_third()
    {
        var port = World.CreateService("even");
        var pods = TwoNodes("even", addressBlock: 161);

        var shares = await NodeSharesAsync("even", port, pods);

        AssertShare(2.0 / 3, shares["node-a"]);
        AssertShare(1.0 / 3, shares["node-b"]);
        Assert.All(await World.HAProxy.ServersAsync(port), server => Assert.Equal(1, server.Weight));
    }

    [Fact]
    public async Task Weighting_per_node_gives_each_node_half_whatever_its_pod_count()
    {
        var port = World.CreateService("per-node", new Dictionary<string, string> { ["directlb.io/weighting"] = "node" });
        var pods = TwoNodes("per-node", addressBlock: 162);

        var shares = await NodeSharesAsync("per-node", port, pods);

        AssertShare(1.0 / 2, shares["node-a"]);
        AssertShare(1.0 / 2, shares["node-b"]);
        var weights = (await World.HAProxy.ServersAsync(port)).ToDictionary(s => s.Address, s => s.Weight);
        Assert.All(pods.Ready, pod => Assert.Equal(pod.NodeName == "node-a" ? 128 : 256, weights[pod.Address]));
    }

    private PodSet TwoNodes(string service, int addressBlock)
    {
        var pods = World.Pods(service, addressBlock);
        pods.MarkReady(pods.Start(2, node: "node-a"));
        pods.MarkReady(pods.Start(1, node: "node-b"));
        return pods;
    }

    /// <summary>Sends 900 requests on new connections through the VIP and returns each node's share of them.</summary>
    private async Task<IReadOnlyDictionary<string, double>> NodeSharesAsync(string service, int port, PodSet pods)
    {
        var vip = await World.AddressOfAsync(service);
        await World.HAProxy.MatchesAsync(port, pods);
        await using var load = LoadGenerator.Start(vip, port, new LoadOptions { KeepAliveLoops = 0 });
        var start = load.Snapshot();
        await load.AnsweredAsync(900, start);
        var window = load.Snapshot().Since(start);
        output.WriteLine($"{service}: {window}");

        Assert.Empty(window.Failures);
        var nodeOf = pods.Ready.ToDictionary(p => p.Name, p => p.NodeName!);
        var shares = window.NewConnectionShares()
            .GroupBy(share => nodeOf[share.Key], share => share.Value)
            .ToDictionary(node => node.Key, node => node.Sum());
        output.WriteLine($"{service}: node-a {shares["node-a"]:P1}, node-b {shares["node-b"]:P1}");
        return shares;
    }

    private static void AssertShare(double expected, double actual) =>
        Assert.InRange(actual, expected * (1 - Tolerance), expected * (1 + Tolerance));
}
