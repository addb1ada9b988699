using System.Net;
using DirectLB.EndToEnd.Tests.Support;
using DirectLB.Traffic.Tests.Support;
using Xunit.Abstractions;

namespace DirectLB.Traffic.Tests;

/// <summary>
/// spec.sessionAffinity: ClientIP through the whole pipeline, with clients on their own loopback addresses and a fresh
/// connection for every request: each client keeps reaching one pod; a pod that starts terminating or dies ends its
/// clients' affinity, and they stay on the pod they reach next.
/// </summary>
[Trait("Category", "Traffic")]
public sealed class SessionAffinityTests(ITestOutputHelper output) : InProcessTrafficTest
{
    private static readonly IPAddress[] Clients = [.. Enumerable.Range(1, 6).Select(i => IPAddress.Parse($"127.0.81.{i}"))];

    [Fact]
    public async Task Each_client_keeps_one_pod_until_that_pod_terminates_or_dies_and_then_keeps_the_next()
    {
        var port = World.CreateService(
            "sticky",
            new Dictionary<string, string> { ["directlb.io/drain-delay"] = "5m" },
            s =>
            {
                s.SessionAffinity = "ClientIP";
                s.SessionAffinityConfig = new() { ClientIP = new() { TimeoutSeconds = 600 } };
            });
        var pods = World.Pods("sticky", addressBlock: 174);
        pods.MarkReady(pods.Start(3));
        var vip = IPAddress.Parse(await World.AddressOfAsync("sticky"));
        await World.HAProxy.MatchesAsync(port, pods);

        var first = new Dictionary<IPAddress, string>();
        foreach (var client in Clients)
        {
            first[client] = await OnePodAsync(vip, port, client);
        }

        output.WriteLine(string.Join(", ", first.Select(p => $"{p.Key} → {p.Value}")));
        Assert.Equal(pods.Ready.Select(p => p.Name).Order(), first.Values.Distinct().Order());

        // A terminating pod drains: it keeps its connections but its clients' new ones go elsewhere, and stay there.
        var leaving = pods.Ready.Single(p => p.Name == first[Clients[0]]);
        pods.MarkTerminating([leaving]);
        await Eventually.Until(
            async () => await World.HAProxy.TryServersAsync(port) is { } servers && servers.Single(s => s.Address == leaving.Address).Draining,
            "the terminating pod's server draining");
        var afterDrain = await OnePodAsync(vip, port, Clients[0]);
        Assert.NotEqual(leaving.Name, afterDrain);
        foreach (var client in Clients.Where(c => first[c] != leaving.Name))
        {
            Assert.Equal(first[client], await OnePodAsync(vip, port, client));
        }

        // A pod that dies leaves the slice: its clients move, and stay on the pod they reach.
        var dying = pods.Ready.Single(p => p.Name == afterDrain);
        await pods.KillAsync(dying);
        await Eventually.Until(
            async () => await World.HAProxy.TryServersAsync(port) is { } servers && !servers.Any(s => s.Address == dying.Address),
            "the dead pod out of HAProxy");
        var survivor = pods.Ready.Single(p => p != dying);
        Assert.Equal(survivor.Name, await OnePodAsync(vip, port, Clients[0]));
    }

    /// <summary>Eight requests from <paramref name="client"/>, each on a new connection; all must reach the same pod.</summary>
    private static async Task<string> OnePodAsync(IPAddress vip, int port, IPAddress client)
    {
        var seen = new List<string>();
        for (var i = 0; i < 8; i++)
        {
            using var connection = await HttpConnection.ConnectAsync(vip, port, client, CancellationToken.None);
            seen.Add(await connection.GetAsync(close: true, CancellationToken.None));
        }

        return Assert.Single(seen.Distinct());
    }
}
