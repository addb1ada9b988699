using System.Net;
using DirectLB.EndToEnd.Tests.Support;
using DirectLB.Traffic.Tests.Support;
using Xunit.Abstractions;

namespace DirectLB.Traffic.Tests;

/// <summary>
/// spec.loadBalancerSourceRanges through the whole pipeline, with clients bound to their own loopback addresses: HAProxy
/// refuses a client outside the ranges before any byte reaches a pod, and ranges changed while traffic flows (each change
/// a reload) cut no connection of a client that stays admitted.
/// </summary>
[Trait("Category", "Traffic")]
public sealed class SourceRangesTests(ITestOutputHelper output) : InProcessTrafficTest
{
    private static readonly IPAddress Admitted = IPAddress.Parse("127.0.78.7");
    private static readonly IPAddress Later = IPAddress.Parse("127.0.79.9");
    private static readonly IPAddress Outsider = IPAddress.Parse("127.0.80.8");

    [Fact]
    public async Task A_client_from_the_source_ranges_gets_through_and_one_from_elsewhere_is_refused()
    {
        var port = World.CreateService("ranged", spec: s => s.LoadBalancerSourceRanges = ["127.0.78.0/24", "fd00::/8"]);
        var pods = World.Pods("ranged", addressBlock: 172);
        pods.MarkReady(pods.Start(2));
        var vip = IPAddress.Parse(await World.AddressOfAsync("ranged"));
        await World.HAProxy.MatchesAsync(port, pods);

        var servedBefore = pods.Ready.Sum(p => p.ConnectionsServed);
        for (var i = 0; i < 10; i++)
        {
            await Assert.ThrowsAsync<ClosedBeforeAnswerException>(() => GetAsync(vip, port, Outsider));
        }

        Assert.Equal(servedBefore, pods.Ready.Sum(p => p.ConnectionsServed));
        for (var i = 0; i < 10; i++)
        {
            Assert.Contains(await GetAsync(vip, port, Admitted), pods.Ready.Select(p => p.Name));
        }
    }

    [Fact]
    public async Task Source_ranges_changed_under_load_drop_no_connection_of_an_admitted_client()
    {
        var port = World.CreateService("rerange", spec: s => s.LoadBalancerSourceRanges = ["127.0.78.0/24"]);
        var pods = World.Pods("rerange", addressBlock: 173);
        pods.MarkReady(pods.Start(3));
        var vip = IPAddress.Parse(await World.AddressOfAsync("rerange"));
        await World.HAProxy.MatchesAsync(port, pods);
        using var held = await HttpConnection.ConnectAsync(vip, port, Admitted, CancellationToken.None);
        await held.GetAsync(close: false, CancellationToken.None);

        await using var load = LoadGenerator.Start(vip.ToString(), port, new LoadOptions { SourceAddress = Admitted });
        await load.AnsweredAsync(200, load.Snapshot());

        // Widen: a second client's block joins.
        World.Patch("rerange", """{"spec":{"loadBalancerSourceRanges":["127.0.78.0/24","127.0.79.0/24"]}}""");
        await AdmittedAsync(vip, port, Later);
        await load.AnsweredAsync(200, load.Snapshot());
        Assert.NotEmpty(await held.GetAsync(close: false, CancellationToken.None));

        // Narrow to the one admitted address and an IPv6 block, then to the older annotation's way of saying it.
        World.Patch("rerange", """{"spec":{"loadBalancerSourceRanges":["127.0.78.7/32","fd00::/8"]}}""");
        await RefusedAsync(vip, port, Later);
        await load.AnsweredAsync(200, load.Snapshot());
        World.Patch("rerange", """{"metadata":{"annotations":{"service.beta.kubernetes.io/load-balancer-source-ranges":"127.0.78.0/28,127.0.79.0/24"}},"spec":{"loadBalancerSourceRanges":null}}""");
        await AdmittedAsync(vip, port, Later);
        await load.AnsweredAsync(200, load.Snapshot());

        Assert.NotEmpty(await held.GetAsync(close: false, CancellationToken.None));
        var total = await load.StopAsync();
        output.WriteLine($"whole run: {total}");
        Assert.Empty(total.Failures);
        await Assert.ThrowsAsync<ClosedBeforeAnswerException>(() => GetAsync(vip, port, Outsider));
    }

    /// <summary>
    /// One GET from <paramref name="client"/>. HAProxy refuses at connection level, so on loopback the reset may come
    /// while the connect completes: that too is a refusal before any answer.
    /// </summary>
    private static async Task<string> GetAsync(IPAddress vip, int port, IPAddress client)
    {
        HttpConnection connection;
        try
        {
            connection = await HttpConnection.ConnectAsync(vip, port, client, CancellationToken.None);
        }
        catch (System.Net.Sockets.SocketException e) when (e.SocketErrorCode == System.Net.Sockets.SocketError.ConnectionReset)
        {
            throw new ClosedBeforeAnswerException("reset while connecting", e);
        }

        using (connection)
        {
            return await connection.GetAsync(close: true, CancellationToken.None);
        }
    }

    private static Task AdmittedAsync(IPAddress vip, int port, IPAddress client) =>
        Eventually.Until(async () => await TryGetAsync(vip, port, client), $"{client} admitted");

    private static Task RefusedAsync(IPAddress vip, int port, IPAddress client) =>
        Eventually.Until(async () => !await TryGetAsync(vip, port, client), $"{client} refused");

    private static async Task<bool> TryGetAsync(IPAddress vip, int port, IPAddress client)
    {
        try
        {
            await GetAsync(vip, port, client);
            return true;
        }
        catch (ClosedBeforeAnswerException)
        {
            return false;
        }
    }
}
