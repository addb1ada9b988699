using DirectLB.Providers;
using DirectLB.Providers.Model;
using DirectLB.Providers.Simulated;
using static DirectLB.Tests.Support.Fixtures;

namespace DirectLB.Tests.Providers;

public class SimulatedProviderTests
{
    private static readonly ListenerSpec HttpListener = new(Http, "http");

    [Fact]
    public async Task Ensuring_twice_returns_the_same_load_balancer_instead_of_a_twin()
    {
        var provider = new SimulatedProvider();

        var first = await provider.EnsureLoadBalancerAsync(Owner, "shop-web", CancellationToken.None);
        var second = await provider.EnsureLoadBalancerAsync(Owner with { ServiceUid = "uid-2" }, "shop-web", CancellationToken.None);

        Assert.Equal(first.Id, second.Id);
        Assert.Single(provider.LoadBalancers);
        Assert.Equal(first.Id, (await provider.FindLoadBalancerAsync(Owner, CancellationToken.None))!.Id);
    }

    [Fact]
    public async Task Another_cluster_scope_is_another_owner()
    {
        var provider = new SimulatedProvider();

        await provider.EnsureLoadBalancerAsync(Owner, "a", CancellationToken.None);

        Assert.Null(await provider.FindLoadBalancerAsync(Owner with { ClusterScope = "west" }, CancellationToken.None));
    }

    [Fact]
    public async Task Each_of_many_owners_finds_its_own_load_balancer_and_none_once_it_is_deleted()
    {
        var provider = new SimulatedProvider(new SimulatedProviderOptions { AddressPool = "127.0.200.0/22" });
        var owners = Enumerable.Range(0, 300).Select(i => Owner with { Name = $"web-{i}" }).ToList();
        var created = new List<LoadBalancerInfo>();
        foreach (var owner in owners)
        {
            created.Add(await provider.EnsureLoadBalancerAsync(owner, owner.Name, CancellationToken.None));
        }

        await provider.EnsureLoadBalancerDeletedAsync(created[7].Ref, CancellationToken.None);

        for (var i = 0; i < owners.Count; i++)
        {
            Assert.Equal(i == 7 ? null : created[i].Id, (await provider.FindLoadBalancerAsync(owners[i], CancellationToken.None))?.Id);
        }

        var again = await provider.EnsureLoadBalancerAsync(owners[7], "web-7", CancellationToken.None);
        Assert.NotEqual(created[7].Id, again.Id);
        Assert.Equal(again.Id, (await provider.FindLoadBalancerAsync(owners[7], CancellationToken.None))!.Id);
    }

    [Fact]
    public async Task Targets_are_upserted_and_removed_in_one_batch_idempotently()
    {
        var provider = new SimulatedProvider();
        var lb = await provider.EnsureLoadBalancerAsync(Owner, "shop-web", CancellationToken.None);
        await provider.EnsureListenerAsync(lb.Ref, HttpListener, CancellationToken.None);

        await provider.ChangeTargetsAsync(lb.Ref, Http, [Serving("10.244.1.5"), Serving("10.244.1.6")], [], CancellationToken.None);
        await provider.ChangeTargetsAsync(lb.Ref, Http, [Draining("10.244.1.5")], [new TargetKey("10.244.1.6", 8080), new TargetKey("10.244.9.9", 8080)], CancellationToken.None);

        var targets = provider.LoadBalancers.Single().Listeners.Single().Targets;
        Assert.Equal([Draining("10.244.1.5")], targets);
        Assert.Equal(2, provider.CallCount(ProviderCallKind.ChangeTargets));
    }

    [Fact]
    public async Task Load_balancers_are_counted_by_the_targets_they_hold_over_all_their_listeners()
    {
        var provider = new SimulatedProvider();
        var web = await provider.EnsureLoadBalancerAsync(Owner, "shop-web", CancellationToken.None);
        await provider.EnsureLoadBalancerAsync(Owner with { Name = "empty" }, "shop-empty", CancellationToken.None);
        var dns = new ListenerSpec(new ListenerKey(TransportProtocol.Udp, 53), "dns");
        await provider.EnsureListenerAsync(web.Ref, HttpListener, CancellationToken.None);
        await provider.EnsureListenerAsync(web.Ref, dns, CancellationToken.None);

        await provider.ChangeTargetsAsync(web.Ref, Http, [Serving("10.244.1.5")], [], CancellationToken.None);
        await provider.ChangeTargetsAsync(web.Ref, dns.Key, [Serving("10.244.1.5", 5353)], [], CancellationToken.None);

        Assert.Equal((1, 1, 0), (provider.CountWithTargets(2), provider.CountWithTargets(0), provider.CountWithTargets(1)));
    }

    [Fact]
    public async Task Deleting_what_is_gone_succeeds_and_a_freed_address_is_handed_out_again_only_after_the_others()
    {
        var provider = new SimulatedProvider(new SimulatedProviderOptions { AddressPool = "127.0.201.0/30" });
        var lb = await provider.EnsureLoadBalancerAsync(Owner, "shop-web", CancellationToken.None);

        await provider.EnsureLoadBalancerDeletedAsync(lb.Ref, CancellationToken.None);
        await provider.EnsureLoadBalancerDeletedAsync(lb.Ref, CancellationToken.None);
        var again = await provider.EnsureLoadBalancerAsync(Owner, "shop-web", CancellationToken.None);
        var other = await provider.EnsureLoadBalancerAsync(Owner with { Name = "api" }, "shop-api", CancellationToken.None);

        Assert.Equal(("127.0.201.1", "127.0.201.2", "127.0.201.1"), (lb.Address, again.Address, other.Address));
        Assert.NotEqual(lb.Id, again.Id);
    }

    [Fact]
    public async Task Calls_on_a_missing_load_balancer_say_so()
    {
        var provider = new SimulatedProvider();

        await Assert.ThrowsAsync<LoadBalancerNotFoundException>(() => provider.EnsureListenerAsync(new LoadBalancerRef("lb-404", Owner), HttpListener, CancellationToken.None));
    }

    [Fact]
    public async Task Past_the_rate_limit_calls_are_throttled_with_a_retry_hint()
    {
        var provider = new SimulatedProvider(new SimulatedProviderOptions { RateLimitPerSecond = 0.01, RateLimitBurst = 2 });

        await provider.FindLoadBalancerAsync(Owner, CancellationToken.None);
        await provider.FindLoadBalancerAsync(Owner, CancellationToken.None);
        var throttled = await Assert.ThrowsAsync<ProviderThrottledException>(() => provider.FindLoadBalancerAsync(Owner, CancellationToken.None));

        Assert.True(throttled.RetryAfter > TimeSpan.Zero);
        Assert.Equal(1, provider.ThrottledCalls);
        Assert.Equal(3, provider.CallCount(ProviderCallKind.FindLoadBalancer));
    }

    [Fact]
    public async Task A_rate_limit_set_while_running_throttles_from_then_on()
    {
        var provider = new SimulatedProvider();
        await provider.FindLoadBalancerAsync(Owner, CancellationToken.None);

        provider.LimitRate(0.01, 1);
        await provider.FindLoadBalancerAsync(Owner, CancellationToken.None);
        await Assert.ThrowsAsync<ProviderThrottledException>(() => provider.FindLoadBalancerAsync(Owner, CancellationToken.None));
        provider.LimitRate(0, 1);
        await provider.FindLoadBalancerAsync(Owner, CancellationToken.None);

        Assert.Equal(1, provider.ThrottledCalls);
    }

    [Fact]
    public async Task A_batch_over_the_target_limit_is_refused_whole()
    {
        var provider = new SimulatedProvider(new SimulatedProviderOptions { MaxTargetsPerLoadBalancer = 1 });
        var lb = await provider.EnsureLoadBalancerAsync(Owner, "shop-web", CancellationToken.None);
        await provider.EnsureListenerAsync(lb.Ref, HttpListener, CancellationToken.None);

        var error = await Assert.ThrowsAsync<ProviderException>(() =>
            provider.ChangeTargetsAsync(lb.Ref, Http, [Serving("10.244.1.5"), Serving("10.244.1.6")], [], CancellationToken.None));

        Assert.False(error.Retryable);
        Assert.Empty(provider.LoadBalancers.Single().Listeners.Single().Targets);
    }

    [Fact]
    public async Task Injected_failures_hit_the_next_calls_of_their_kind_only()
    {
        var provider = new SimulatedProvider();
        provider.Faults.FailNext(ProviderCallKind.EnsureLoadBalancer, 2);

        await Assert.ThrowsAsync<ProviderException>(() => provider.EnsureLoadBalancerAsync(Owner, "a", CancellationToken.None));
        await provider.FindLoadBalancerAsync(Owner, CancellationToken.None);
        await Assert.ThrowsAsync<ProviderException>(() => provider.EnsureLoadBalancerAsync(Owner, "a", CancellationToken.None));
        await provider.EnsureLoadBalancerAsync(Owner, "a", CancellationToken.None);

        Assert.Single(provider.LoadBalancers);
    }

    [Fact]
    public async Task Udp_listeners_are_accepted_and_sctp_refused()
    {
        var provider = new SimulatedProvider();
        var lb = await provider.EnsureLoadBalancerAsync(Owner, "dns", CancellationToken.None);

        await provider.EnsureListenerAsync(lb.Ref, new ListenerSpec(new ListenerKey(TransportProtocol.Udp, 53), "dns"), CancellationToken.None);
        await Assert.ThrowsAsync<ProviderException>(() => provider.EnsureListenerAsync(lb.Ref, new ListenerSpec(new ListenerKey(TransportProtocol.Sctp, 9), "x"), CancellationToken.None));
    }

    [Fact]
    public async Task Random_faults_fail_throttle_and_slow_their_share_of_calls_the_same_way_for_a_seed_until_turned_off()
    {
        var chaos = new ProviderChaos { FailureRate = 0.05, ThrottleRate = 0.03, SlowRate = 0.02, SlowLatency = TimeSpan.FromMilliseconds(1), Seed = 7 };
        var first = await OutcomesAsync(new SimulatedProvider(new SimulatedProviderOptions { Chaos = chaos }), 2_000);
        var provider = new SimulatedProvider(new SimulatedProviderOptions { Chaos = chaos });
        var again = await OutcomesAsync(provider, 2_000);

        Assert.Equal(first, again);
        Assert.InRange(again.Count(o => o == "failed"), 60, 140);
        Assert.InRange(again.Count(o => o == "throttled"), 30, 90);
        Assert.Equal(again.Count(o => o == "throttled"), provider.ThrottledCalls);
        Assert.InRange(provider.ChaosInjected(ChaosDraw.Slow), 15, 65);
        Assert.Equal(again.Count(o => o == "failed"), provider.ChaosInjected(ChaosDraw.Fail));

        provider.InjectChaos(null);
        Assert.All(await OutcomesAsync(provider, 200), o => Assert.Equal("ok", o));
    }

    [Fact]
    public async Task A_randomly_throttled_call_carries_its_retry_hint()
    {
        var provider = new SimulatedProvider(new SimulatedProviderOptions
        {
            Chaos = new ProviderChaos { ThrottleRate = 1, ThrottleRetryAfter = TimeSpan.FromSeconds(3) },
        });

        var throttled = await Assert.ThrowsAsync<ProviderThrottledException>(() => provider.FindLoadBalancerAsync(Owner, CancellationToken.None));

        Assert.Equal(TimeSpan.FromSeconds(3), throttled.RetryAfter);
    }

    [Theory]
    [InlineData(-0.1, 0, 0)]
    [InlineData(0, 1.5, 0)]
    [InlineData(0.5, 0.3, 0.3)]
    public void Random_fault_rates_that_are_no_share_of_calls_are_refused(double failure, double throttle, double slow)
    {
        Assert.ThrowsAny<ArgumentException>(() =>
            new SimulatedProvider(new SimulatedProviderOptions { Chaos = new ProviderChaos { FailureRate = failure, ThrottleRate = throttle, SlowRate = slow } }));
    }

    private static async Task<List<string>> OutcomesAsync(SimulatedProvider provider, int calls)
    {
        var outcomes = new List<string>();
        for (var i = 0; i < calls; i++)
        {
            try
            {
                await provider.FindLoadBalancerAsync(Owner, CancellationToken.None);
                outcomes.Add("ok");
            }
            catch (ProviderThrottledException)
            {
                outcomes.Add("throttled");
            }
            catch (ProviderException)
            {
                outcomes.Add("failed");
            }
        }

        return outcomes;
    }
}
