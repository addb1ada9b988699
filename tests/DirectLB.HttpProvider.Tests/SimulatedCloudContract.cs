using DirectLB.Providers.Http.Tests.Support;
using DirectLB.Providers.Model;
using DirectLB.Providers.Simulated;
using static DirectLB.Providers.Http.Tests.Support.Samples;

namespace DirectLB.Providers.Http.Tests;

/// <summary>
/// The contract as a simulated cloud shows it, in process and through HTTP: throttling, target limits, injected
/// failures, call counts, UDP, paging by a small page size and health as the cloud reports it.
/// </summary>
public abstract class SimulatedCloudContract : ProviderContract
{
    private const int PageSize = 2;

    protected abstract Task<ProviderUnderTest> StartAsync(SimulatedProviderOptions? cloud);

    protected override Task<ProviderUnderTest> StartAsync() => StartAsync(new SimulatedProviderOptions { ListPageSize = PageSize });

    protected override int ExpectedPages(int count) => (count + PageSize - 1) / PageSize;

    [Fact]
    public async Task Each_target_batch_is_one_call()
    {
        await using var sut = await StartAsync();
        var lb = await sut.Provider.EnsureLoadBalancerAsync(Owner, "shop-web", CancellationToken.None);
        await sut.Provider.EnsureListenerAsync(lb.Ref, WebListener, CancellationToken.None);

        await sut.Provider.ChangeTargetsAsync(lb.Ref, WebKey, [Serving("10.244.1.5"), Serving("10.244.1.6")], [], CancellationToken.None);
        await sut.Provider.ChangeTargetsAsync(lb.Ref, WebKey, [Draining("10.244.1.5")], [new TargetKey("10.244.1.6", 8080)], CancellationToken.None);

        Assert.Equal(2, sut.Cloud.CallCount(ProviderCallKind.ChangeTargets));
    }

    [Fact]
    public async Task Source_ranges_of_a_listener_are_kept_and_only_clients_from_them_get_through()
    {
        await using var sut = await StartAsync();
        var lb = await sut.Provider.EnsureLoadBalancerAsync(Owner, "shop-web", CancellationToken.None);
        var ranged = WebListener with { SourceRanges = SourceRanges.Of(["10.0.0.0/8", "fd00::/8"]) };
        await sut.Provider.EnsureListenerAsync(lb.Ref, ranged, CancellationToken.None);
        await sut.Provider.ChangeTargetsAsync(lb.Ref, WebKey, [Serving("10.244.1.5")], [], CancellationToken.None);

        var found = await sut.Provider.FindLoadBalancerAsync(Owner, CancellationToken.None);

        Assert.Equal(ranged, found!.Listeners.Single().Spec);
        Assert.True(sut.Provider.Capabilities.SupportsSourceRanges);
        Assert.Equal(new TargetKey("10.244.1.5", 8080), sut.Cloud.Connect(lb.Address, WebKey, "10.1.2.3").Target);
        Assert.True(sut.Cloud.Connect(lb.Address, WebKey, "fd00::7").Admitted);
        Assert.Contains("outside the source ranges", sut.Cloud.Connect(lb.Address, WebKey, "192.168.1.1").Refusal);
        Assert.False(sut.Cloud.Connect(lb.Address, WebKey, "fe80::1").Admitted);
    }

    [Fact]
    public async Task A_moved_load_balancer_serves_at_its_new_address_and_no_longer_at_the_old()
    {
        await using var sut = await StartAsync();
        var lb = await sut.Provider.EnsureLoadBalancerAsync(Owner, "shop-web", CancellationToken.None);
        await sut.Provider.EnsureListenerAsync(lb.Ref, WebListener, CancellationToken.None);
        await sut.Provider.ChangeTargetsAsync(lb.Ref, WebKey, [Serving("10.244.1.5")], [], CancellationToken.None);

        var moved = await ((IChosenAddressProvider)sut.Provider).MoveLoadBalancerAsync(lb.Ref, "127.0.201.77", CancellationToken.None);

        Assert.Equal("127.0.201.77", moved.Address);
        Assert.Equal(new TargetKey("10.244.1.5", 8080), sut.Cloud.Connect("127.0.201.77", WebKey, "10.1.2.3").Target);
        Assert.Contains("nothing listens", sut.Cloud.Connect(lb.Address, WebKey, "10.1.2.3").Refusal);
    }

    [Fact]
    public async Task Changing_source_ranges_keeps_the_targets_and_removing_them_admits_everyone()
    {
        await using var sut = await StartAsync();
        var lb = await sut.Provider.EnsureLoadBalancerAsync(Owner, "shop-web", CancellationToken.None);
        await sut.Provider.EnsureListenerAsync(lb.Ref, WebListener with { SourceRanges = SourceRanges.Of(["10.0.0.0/8"]) }, CancellationToken.None);
        await sut.Provider.ChangeTargetsAsync(lb.Ref, WebKey, [Serving("10.244.1.5")], [], CancellationToken.None);

        await sut.Provider.EnsureListenerAsync(lb.Ref, WebListener with { SourceRanges = SourceRanges.Of(["192.168.0.0/16"]) }, CancellationToken.None);
        var narrowed = (sut.Cloud.Connect(lb.Address, WebKey, "10.1.2.3"), sut.Cloud.Connect(lb.Address, WebKey, "192.168.1.1"));
        await sut.Provider.EnsureListenerAsync(lb.Ref, WebListener, CancellationToken.None);

        Assert.False(narrowed.Item1.Admitted);
        Assert.True(narrowed.Item2.Admitted);
        Assert.True(sut.Cloud.Connect(lb.Address, WebKey, "10.1.2.3").Admitted);
        Assert.Equal([Serving("10.244.1.5")], sut.Cloud.LoadBalancers.Single().Listeners.Single().Targets);
    }

    [Fact]
    public async Task With_ClientIP_affinity_a_client_stays_on_one_target_until_it_drains_then_on_the_next()
    {
        await using var sut = await StartAsync();
        var lb = await sut.Provider.EnsureLoadBalancerAsync(Owner, "shop-web", CancellationToken.None);
        await sut.Provider.EnsureListenerAsync(lb.Ref, WebListener with { Affinity = new ClientIpAffinity(600) }, CancellationToken.None);
        await sut.Provider.ChangeTargetsAsync(lb.Ref, WebKey, [Serving("10.244.1.5"), Serving("10.244.1.6"), Serving("10.244.1.7")], [], CancellationToken.None);

        var first = sut.Cloud.Connect(lb.Address, WebKey, "10.1.2.3").Target!.Value;
        var again = Enumerable.Range(0, 6).Select(_ => sut.Cloud.Connect(lb.Address, WebKey, "10.1.2.3").Target).ToList();
        var others = Enumerable.Range(0, 6).Select(i => sut.Cloud.Connect(lb.Address, WebKey, $"10.1.2.{10 + i}").Target).Distinct().Count();
        await sut.Provider.ChangeTargetsAsync(lb.Ref, WebKey, [Draining(first.Address)], [], CancellationToken.None);
        var moved = sut.Cloud.Connect(lb.Address, WebKey, "10.1.2.3").Target!.Value;

        Assert.All(again, t => Assert.Equal(first, t));
        Assert.True(others > 1, "clients without an entry are balanced, not all sent to one target");
        Assert.NotEqual(first, moved);
        Assert.All(Enumerable.Range(0, 4), _ => Assert.Equal(moved, sut.Cloud.Connect(lb.Address, WebKey, "10.1.2.3").Target));
    }

    [Fact]
    public async Task Past_the_rate_limit_calls_are_throttled_with_a_retry_hint()
    {
        await using var sut = await StartAsync(new SimulatedProviderOptions { RateLimitPerSecond = 0.01, RateLimitBurst = 2 });

        await sut.Provider.FindLoadBalancerAsync(Owner, CancellationToken.None);
        await sut.Provider.FindLoadBalancerAsync(Owner, CancellationToken.None);
        var throttled = await Assert.ThrowsAsync<ProviderThrottledException>(() => sut.Provider.FindLoadBalancerAsync(Owner, CancellationToken.None));

        Assert.True(throttled.Retryable);
        Assert.True(throttled.RetryAfter > TimeSpan.Zero, $"retry after {throttled.RetryAfter}");
        Assert.Equal(1, sut.Cloud.ThrottledCalls);
    }

    [Fact]
    public async Task A_batch_over_the_target_limit_is_refused_whole_and_for_good()
    {
        await using var sut = await StartAsync(new SimulatedProviderOptions { MaxTargetsPerLoadBalancer = 1 });
        var lb = await sut.Provider.EnsureLoadBalancerAsync(Owner, "shop-web", CancellationToken.None);
        await sut.Provider.EnsureListenerAsync(lb.Ref, WebListener, CancellationToken.None);

        var error = await Assert.ThrowsAsync<ProviderException>(() =>
            sut.Provider.ChangeTargetsAsync(lb.Ref, WebKey, [Serving("10.244.1.5"), Serving("10.244.1.6")], [], CancellationToken.None));

        Assert.False(error.Retryable);
        Assert.Contains("limit of 1", error.Message);
        Assert.Empty(sut.Cloud.LoadBalancers.Single().Listeners.Single().Targets);
    }

    [Fact]
    public async Task An_injected_failure_is_retryable_and_says_what_failed()
    {
        await using var sut = await StartAsync();
        sut.Cloud.Faults.FailNext(ProviderCallKind.EnsureLoadBalancer);

        var error = await Assert.ThrowsAsync<ProviderException>(() => sut.Provider.EnsureLoadBalancerAsync(Owner, "shop-web", CancellationToken.None));
        await sut.Provider.EnsureLoadBalancerAsync(Owner, "shop-web", CancellationToken.None);

        Assert.True(error.Retryable);
        Assert.Contains("injected failure of EnsureLoadBalancer", error.Message);
        Assert.Single(sut.Cloud.LoadBalancers);
    }

    [Fact]
    public async Task Udp_listeners_are_accepted_and_sctp_refused_for_good()
    {
        await using var sut = await StartAsync();
        var lb = await sut.Provider.EnsureLoadBalancerAsync(Owner, "dns", CancellationToken.None);

        await sut.Provider.EnsureListenerAsync(lb.Ref, new ListenerSpec(new ListenerKey(TransportProtocol.Udp, 53), "dns"), CancellationToken.None);
        var refused = await Assert.ThrowsAsync<ProviderException>(() =>
            sut.Provider.EnsureListenerAsync(lb.Ref, new ListenerSpec(new ListenerKey(TransportProtocol.Sctp, 9), "x"), CancellationToken.None));

        Assert.False(refused.Retryable);
        Assert.Equal(new ListenerKey(TransportProtocol.Udp, 53), sut.Cloud.LoadBalancers.Single().Listeners.Single().Spec.Key);
    }

    [Fact]
    public async Task Capabilities_are_those_of_the_cloud()
    {
        await using var sut = await StartAsync(new SimulatedProviderOptions { MaxTargetsPerLoadBalancer = 7 });

        Assert.Equal(
            (sut.Cloud.Capabilities.SupportsWeights, sut.Cloud.Capabilities.SupportsDrain, 7),
            (sut.Provider.Capabilities.SupportsWeights, sut.Provider.Capabilities.SupportsDrain, sut.Provider.Capabilities.MaxTargetsPerLoadBalancer));
        Assert.True(sut.Provider.Capabilities.Protocols.SetEquals(sut.Cloud.Capabilities.Protocols));
    }

    [Fact]
    public async Task A_new_target_is_initial_until_the_load_balancer_trusts_it_then_healthy_and_a_draining_one_says_so()
    {
        await using var sut = await StartAsync(new SimulatedProviderOptions { HealthyAfter = TimeSpan.FromMilliseconds(400) });
        var lb = await sut.Provider.EnsureLoadBalancerAsync(Owner, "shop-web", CancellationToken.None);
        await sut.Provider.EnsureListenerAsync(lb.Ref, WebListener, CancellationToken.None);
        await sut.Provider.ChangeTargetsAsync(lb.Ref, WebKey, [Serving("10.244.1.5"), Draining("10.244.1.6")], [], CancellationToken.None);

        var fresh = (await sut.Provider.FindLoadBalancerAsync(Owner, CancellationToken.None))!.Listeners.Single();
        Assert.Equal(TargetHealth.Initial, fresh.HealthOf(new TargetKey("10.244.1.5", 8080)));
        Assert.Equal(TargetHealth.Draining, fresh.HealthOf(new TargetKey("10.244.1.6", 8080)));

        await Eventually.AssertAsync(async () =>
        {
            var later = (await sut.Provider.FindLoadBalancerAsync(Owner, CancellationToken.None))!.Listeners.Single();
            Assert.Equal(TargetHealth.Healthy, later.HealthOf(new TargetKey("10.244.1.5", 8080)));
        });

        sut.Cloud.SetTargetHealth(new TargetKey("10.244.1.5", 8080), TargetHealth.Unhealthy);
        var failing = (await sut.Provider.FindLoadBalancerAsync(Owner, CancellationToken.None))!.Listeners.Single();
        Assert.Equal(TargetHealth.Unhealthy, failing.HealthOf(new TargetKey("10.244.1.5", 8080)));
    }
}
