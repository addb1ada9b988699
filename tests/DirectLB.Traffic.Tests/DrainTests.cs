using System.Diagnostics;
using System.Net;
using DirectLB.EndToEnd.Tests.Support;
using DirectLB.Traffic.Tests.Support;

namespace DirectLB.Traffic.Tests;

/// <summary>
/// directlb.io/drain-delay with one connection the test holds itself: a terminating pod keeps the connections it
/// has, gets no new ones, and leaves HAProxy when the delay ends, which closes what is still open.
/// </summary>
[Trait("Category", "Traffic")]
public sealed class DrainTests : InProcessTrafficTest
{
    /// <summary>Long enough for 40 requests on a busy machine, short enough for a quick test.</summary>
    private static readonly TimeSpan DrainDelay = TimeSpan.FromSeconds(5);

    [Fact]
    public async Task A_terminating_pod_keeps_its_established_connection_gets_no_new_one_and_leaves_when_the_drain_delay_ends()
    {
        var port = World.CreateService("drained", new Dictionary<string, string> { ["directlb.io/drain-delay"] = "5s" });
        var pods = World.Pods("drained", addressBlock: 167);
        var started = pods.Start(2);
        pods.MarkReady(started);
        var vip = IPAddress.Parse(await World.AddressOfAsync("drained"));
        await World.HAProxy.MatchesAsync(port, pods);
        using var established = await HttpConnection.ConnectAsync(vip, port, null, CancellationToken.None);
        var first = await established.GetAsync(close: false, CancellationToken.None);
        var leaving = started.Single(p => p.Name == first);
        var staying = started.Single(p => p != leaving);

        pods.MarkTerminating([leaving]);
        var terminating = Stopwatch.StartNew();
        await Eventually.Until(
            async () => await World.HAProxy.TryServersAsync(port) is { } servers && servers.Single(s => s.Address == leaving.Address).Draining,
            "the terminating pod's server draining");

        for (var i = 0; i < 20; i++)
        {
            using var fresh = await HttpConnection.ConnectAsync(vip, port, null, CancellationToken.None);
            Assert.Equal(staying.Name, await fresh.GetAsync(close: true, CancellationToken.None));
            Assert.Equal(leaving.Name, await established.GetAsync(close: false, CancellationToken.None));
        }

        await Eventually.Until(
            async () => await World.HAProxy.TryServersAsync(port) is { } servers && !servers.Any(s => s.Address == leaving.Address),
            "the drained pod out of HAProxy");
        Assert.InRange(terminating.Elapsed, DrainDelay, DrainDelay + TimeSpan.FromSeconds(10));
        await Assert.ThrowsAsync<ClosedBeforeAnswerException>(() => established.GetAsync(close: false, CancellationToken.None));
        await pods.KillAsync(leaving);
        await World.HAProxy.MatchesAsync(port, pods);
    }
}
