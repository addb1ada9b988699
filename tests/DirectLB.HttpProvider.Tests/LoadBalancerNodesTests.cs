using DirectLB.Providers.Http.Tests.Support;
using DirectLB.Providers.Model;
using static DirectLB.Providers.Http.Tests.Support.Samples;

namespace DirectLB.Providers.Http.Tests;

/// <summary>
/// Several load balancer nodes behind one provider, each an lb-agent's contract server on its own real HAProxy: what
/// every node ends up serving, looked at on each node's own HAProxy, while nodes go away and come back.
/// </summary>
[Trait("Category", "HAProxy")]
public sealed class LoadBalancerNodesTests
{
    private static readonly LoadBalancerOwner Other = new("east", "shop", "api", "uid-2", Ours);
    private static readonly LoadBalancerOwner Gone = new("east", "shop", "old", "uid-3", Ours);

    [Fact]
    public async Task Every_load_balancer_is_on_every_node_with_one_id_and_one_address()
    {
        var (provider, nodes) = await AgentServers.StartTierAsync(2);
        await using var _ = new Teardown(provider, nodes);
        // The first node hands out its next address; the second, left alone, would hand out another one.
        await nodes[0].HAProxy.EnsureLoadBalancerAsync(Gone, "first-node-only", CancellationToken.None);

        var lb = await provider.EnsureLoadBalancerAsync(Owner, "shop-web", CancellationToken.None);
        await provider.EnsureListenerAsync(lb.Ref, WebListener, CancellationToken.None);
        await provider.ChangeTargetsAsync(lb.Ref, WebKey, [Serving("10.244.1.5"), Draining("10.244.1.6")], [], CancellationToken.None);

        foreach (var node in nodes)
        {
            var copy = await node.HAProxy.FindLoadBalancerAsync(Owner, CancellationToken.None);
            Assert.Equal((lb.Id, lb.Address), (copy?.Id, copy?.Address));
            Assert.Equal([Serving("10.244.1.5"), Draining("10.244.1.6")], copy!.Listeners.Single().Targets);
        }

        Assert.All(provider.NodesOf(lb.Id), node => Assert.Equal(NodeSync.InSync, node.State));
        Assert.Equal(nodes.Select(n => n.Server.BaseAddress.Authority), provider.NodesOf(lb.Id).Select(n => n.Node));
    }

    [Fact]
    public async Task A_node_that_does_not_answer_is_skipped_and_catches_up_on_what_it_missed_when_it_answers_again()
    {
        var (provider, nodes) = await AgentServers.StartTierAsync(2);
        await using var _ = new Teardown(provider, nodes);
        var web = await provider.EnsureLoadBalancerAsync(Owner, "shop-web", CancellationToken.None);
        await provider.EnsureListenerAsync(web.Ref, WebListener, CancellationToken.None);
        await provider.ChangeTargetsAsync(web.Ref, WebKey, [Serving("10.244.1.5")], [], CancellationToken.None);
        var old = await provider.EnsureLoadBalancerAsync(Gone, "shop-old", CancellationToken.None);

        await nodes[1].StopAnsweringAsync();
        await provider.ChangeTargetsAsync(web.Ref, WebKey, [Serving("10.244.1.7")], [new TargetKey("10.244.1.5", 8080)], CancellationToken.None);
        var api = await provider.EnsureLoadBalancerAsync(Other, "shop-api", CancellationToken.None);
        await provider.EnsureListenerAsync(api.Ref, WebListener with { Key = new ListenerKey(TransportProtocol.Tcp, 81) }, CancellationToken.None);
        await provider.EnsureLoadBalancerDeletedAsync(old.Ref, CancellationToken.None);
        var whileAway = provider.NodesOf(web.Id).Single(n => n.Node == nodes[1].Server.BaseAddress.Authority);
        var stale = await nodes[1].HAProxy.FindLoadBalancerAsync(Owner, CancellationToken.None);

        await nodes[1].AnswerAgainAsync();

        Assert.Equal(NodeSync.Behind, whileAway.State);
        Assert.Equal([Serving("10.244.1.5")], stale!.Listeners.Single().Targets);
        await Eventually.AssertAsync(async () =>
        {
            var caughtUp = await nodes[1].HAProxy.FindLoadBalancerAsync(Owner, CancellationToken.None);
            Assert.Equal([Serving("10.244.1.7")], caughtUp!.Listeners.Single().Targets);
            var created = await nodes[1].HAProxy.FindLoadBalancerAsync(Other, CancellationToken.None);
            Assert.Equal((api.Id, api.Address, 81), (created?.Id, created?.Address, created?.Listeners.Single().Spec.Key.Port));
            Assert.Null(await nodes[1].HAProxy.FindLoadBalancerAsync(Gone, CancellationToken.None));
            Assert.All(provider.NodesOf(web.Id).Concat(provider.NodesOf(api.Id)), node => Assert.Equal(NodeSync.InSync, node.State));
        });
    }

    [Fact]
    public async Task A_node_changed_behind_the_providers_back_is_put_right_by_the_read_back()
    {
        var (provider, nodes) = await AgentServers.StartTierAsync(2);
        await using var _ = new Teardown(provider, nodes);
        var lb = await provider.EnsureLoadBalancerAsync(Owner, "shop-web", CancellationToken.None);
        await provider.EnsureListenerAsync(lb.Ref, WebListener, CancellationToken.None);
        await provider.ChangeTargetsAsync(lb.Ref, WebKey, [Serving("10.244.1.5"), Serving("10.244.1.6")], [], CancellationToken.None);
        await nodes[1].HAProxy.ChangeTargetsAsync(lb.Ref, WebKey, [Draining("10.244.1.9")], [new TargetKey("10.244.1.5", 8080)], CancellationToken.None);

        var readBack = await provider.FindLoadBalancerAsync(Owner, CancellationToken.None);

        Assert.Equal([Serving("10.244.1.5"), Serving("10.244.1.6")], readBack!.Listeners.Single().Targets);
        var repaired = await nodes[1].HAProxy.FindLoadBalancerAsync(Owner, CancellationToken.None);
        Assert.Equal([Serving("10.244.1.5"), Serving("10.244.1.6")], repaired!.Listeners.Single().Targets);
    }

    [Fact]
    public async Task A_dual_stack_load_balancer_has_the_same_two_addresses_on_every_node_whatever_each_node_would_choose()
    {
        var (provider, nodes) = await AgentServers.StartTierAsync(2, pool6: "fd00:db8:9::/120");
        await using var _ = new Teardown(provider, nodes);
        // The first node hands out its next addresses of both families; the second, left alone, would hand out others.
        await nodes[0].HAProxy.EnsureLoadBalancerAsync(Gone, "first-node-only", new AddressRequest(IpFamily.IPv6, DualStack: true), CancellationToken.None);

        var lb = await provider.EnsureLoadBalancerAsync(Owner, "shop-web", new AddressRequest(IpFamily.IPv4, DualStack: true), CancellationToken.None);

        Assert.True(provider.Capabilities.SupportsDualStack);
        Assert.Equal("fd00:db8:9::2", lb.SecondaryAddress);
        foreach (var node in nodes)
        {
            var copy = await node.HAProxy.FindLoadBalancerAsync(Owner, CancellationToken.None);
            Assert.Equal(lb.Id, copy!.Id);
            Assert.Equal(lb.Addresses, copy.Addresses);
        }
    }

    [Fact]
    public async Task A_node_away_while_a_load_balancer_turned_dual_stack_is_given_both_addresses_keeping_its_listener_and_targets()
    {
        var (provider, nodes) = await AgentServers.StartTierAsync(2, pool6: "::1/128");
        await using var _ = new Teardown(provider, nodes);
        var lb = await provider.EnsureLoadBalancerAsync(Owner, "shop-web", CancellationToken.None);
        await provider.EnsureListenerAsync(lb.Ref, WebListener, CancellationToken.None);
        await provider.ChangeTargetsAsync(lb.Ref, WebKey, [Serving("10.244.1.5")], [], CancellationToken.None);

        await nodes[1].StopAnsweringAsync();
        var dual = await provider.ReaddressLoadBalancerAsync(lb.Ref, new AddressRequest(IpFamily.IPv4, DualStack: true), CancellationToken.None);
        var stale = await nodes[1].HAProxy.FindLoadBalancerAsync(Owner, CancellationToken.None);
        await nodes[1].AnswerAgainAsync();

        Assert.Equal([lb.Address, "::1"], dual.Addresses);
        Assert.Equal([lb.Address], stale!.Addresses);
        await Eventually.AssertAsync(async () =>
        {
            var caughtUp = await nodes[1].HAProxy.FindLoadBalancerAsync(Owner, CancellationToken.None);
            Assert.Equal(dual.Addresses, caughtUp!.Addresses);
            Assert.Equal([Serving("10.244.1.5")], caughtUp.Listeners.Single().Targets);
            Assert.All(provider.NodesOf(lb.Id), node => Assert.Equal(NodeSync.InSync, node.State));
        });
    }

    [Fact]
    public async Task With_no_node_answering_a_call_fails_and_may_be_retried()
    {
        var (provider, nodes) = await AgentServers.StartTierAsync(2);
        await using var _ = new Teardown(provider, nodes);
        var lb = await provider.EnsureLoadBalancerAsync(Owner, "shop-web", CancellationToken.None);
        var untouched = await provider.EnsureLoadBalancerAsync(Other, "shop-api", CancellationToken.None);

        foreach (var node in nodes)
        {
            await node.StopAnsweringAsync();
        }

        var error = await Assert.ThrowsAsync<ProviderException>(() => provider.EnsureListenerAsync(lb.Ref, WebListener, CancellationToken.None));
        Assert.True(error.Retryable);
        Assert.Contains("no load balancer node answers", error.Message);
        Assert.All(provider.NodesOf(lb.Id), node => Assert.Equal(NodeSync.Behind, node.State));
        Assert.All(provider.NodesOf(lb.Id), node => Assert.Contains("does not answer", node.Detail));
        Assert.All(provider.NodesOf(untouched.Id), node => Assert.Equal(NodeSync.Unreachable, node.State));
    }

    /// <summary>Stops the provider's probing, then each node (its server, its HAProxy, its state).</summary>
    private sealed class Teardown(IAsyncDisposable provider, IReadOnlyList<AgentNode> nodes) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync()
        {
            await provider.DisposeAsync();
            foreach (var node in nodes)
            {
                await node.DisposeAsync();
            }
        }
    }
}
