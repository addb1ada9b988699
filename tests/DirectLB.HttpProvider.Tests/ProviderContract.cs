using DirectLB.Providers.Http.Tests.Support;
using DirectLB.Providers.Model;
using static DirectLB.Providers.Http.Tests.Support.Samples;

namespace DirectLB.Providers.Http.Tests;

/// <summary>
/// What every <see cref="ILoadBalancerProvider"/> must do, written once and run against each implementation
/// (see ContractTargets.cs): in process, over HTTP to the simulated cloud, over HTTP to an lb-agent on real HAProxy,
/// and fanned out to several servers. Each test looks at the result through the provider's own read-back, which
/// reports what runs. What only a simulated cloud can show (faults, throttling, call counts) is in
/// <see cref="SimulatedCloudContract"/>.
/// </summary>
public abstract partial class ProviderContract
{
    protected abstract Task<ProviderUnderTest> StartAsync();

    /// <summary>How many pages listing <paramref name="count"/> load balancers takes on this target.</summary>
    protected virtual int ExpectedPages(int count) => 1;

    [Fact]
    public async Task Ensuring_twice_returns_the_same_load_balancer_instead_of_a_twin()
    {
        await using var sut = await StartAsync();

        var first = await sut.Provider.EnsureLoadBalancerAsync(Owner, "shop-web", CancellationToken.None);
        var second = await sut.Provider.EnsureLoadBalancerAsync(Owner with { ServiceUid = "uid-2" }, "shop-web", CancellationToken.None);

        Assert.Equal(first.Id, second.Id);
        Assert.Single((await sut.Provider.ListLoadBalancersAsync(Ours, null, CancellationToken.None)).Items);
    }

    [Fact]
    public async Task Health_check_and_proxy_protocol_settings_of_a_listener_are_kept()
    {
        await using var sut = await StartAsync();
        var lb = await sut.Provider.EnsureLoadBalancerAsync(Owner, "shop-web", CancellationToken.None);
        var checkedListener = WebListener with { HealthCheck = new HealthCheckSpec("/ready", 9000, 5000, 3, 4), ProxyProtocolV2 = true };

        await sut.Provider.EnsureListenerAsync(lb.Ref, checkedListener, CancellationToken.None);

        var found = await sut.Provider.FindLoadBalancerAsync(Owner, CancellationToken.None);
        Assert.Equal(checkedListener, found!.Listeners.Single().Spec);
    }

    [Fact]
    public async Task Source_ranges_of_a_listener_are_kept_changed_and_removed_without_touching_its_targets()
    {
        await using var sut = await StartAsync();
        var lb = await sut.Provider.EnsureLoadBalancerAsync(Owner, "shop-web", CancellationToken.None);
        var ranged = WebListener with { SourceRanges = SourceRanges.Of(["10.0.0.0/8", "fd00::/8"]) };
        await sut.Provider.EnsureListenerAsync(lb.Ref, ranged, CancellationToken.None);
        await sut.Provider.ChangeTargetsAsync(lb.Ref, WebKey, [Serving("10.244.1.5")], [], CancellationToken.None);
        var kept = (await FindWebListenerAsync(sut)).Spec;

        var narrowed = WebListener with { SourceRanges = SourceRanges.Of(["192.168.0.0/16"]) };
        await sut.Provider.EnsureListenerAsync(lb.Ref, narrowed, CancellationToken.None);
        var changed = (await FindWebListenerAsync(sut)).Spec;
        await sut.Provider.EnsureListenerAsync(lb.Ref, WebListener, CancellationToken.None);
        var removed = await FindWebListenerAsync(sut);

        Assert.True(sut.Provider.Capabilities.SupportsSourceRanges);
        Assert.Equal((ranged, narrowed, WebListener), (kept, changed, removed.Spec));
        Assert.Equal([Serving("10.244.1.5")], removed.Targets);
    }

    [Fact]
    public async Task ClientIP_affinity_of_a_listener_is_kept_changed_and_removed_without_touching_its_targets()
    {
        await using var sut = await StartAsync();
        var lb = await sut.Provider.EnsureLoadBalancerAsync(Owner, "shop-web", CancellationToken.None);
        var sticky = WebListener with { Affinity = new ClientIpAffinity(600) };
        await sut.Provider.EnsureListenerAsync(lb.Ref, sticky, CancellationToken.None);
        await sut.Provider.ChangeTargetsAsync(lb.Ref, WebKey, [Serving("10.244.1.5")], [], CancellationToken.None);
        var kept = (await FindWebListenerAsync(sut)).Spec;

        await sut.Provider.EnsureListenerAsync(lb.Ref, WebListener with { Affinity = new ClientIpAffinity(30) }, CancellationToken.None);
        var changed = (await FindWebListenerAsync(sut)).Spec;
        await sut.Provider.EnsureListenerAsync(lb.Ref, WebListener, CancellationToken.None);
        var removed = await FindWebListenerAsync(sut);

        Assert.True(sut.Provider.Capabilities.SupportsSessionAffinity);
        Assert.Equal((sticky, new ClientIpAffinity(30), WebListener), (kept, changed.Affinity, removed.Spec));
        Assert.Equal([Serving("10.244.1.5")], removed.Targets);
    }

    [Fact]
    public async Task A_load_balancer_is_found_by_its_owner_with_its_listeners_and_targets()
    {
        await using var sut = await StartAsync();
        var created = await sut.Provider.EnsureLoadBalancerAsync(Owner, "shop-web", CancellationToken.None);
        await sut.Provider.EnsureListenerAsync(created.Ref, WebListener, CancellationToken.None);
        await sut.Provider.ChangeTargetsAsync(created.Ref, WebKey, [Serving("10.244.1.5")], [], CancellationToken.None);

        var found = await sut.Provider.FindLoadBalancerAsync(Owner with { ServiceUid = "uid-in-another-cluster" }, CancellationToken.None);

        Assert.NotNull(found);
        Assert.Equal((created.Id, created.Name, created.Address), (found.Id, found.Name, found.Address));
        Assert.Equal(Owner.ToTags(), found.Tags);
        var listener = Assert.Single(found.Listeners);
        Assert.Equal(WebListener, listener.Spec);
        Assert.Equal([Serving("10.244.1.5")], listener.Targets);
    }

    [Fact]
    public async Task Another_cluster_scope_is_another_owner()
    {
        await using var sut = await StartAsync();

        await sut.Provider.EnsureLoadBalancerAsync(Owner, "shop-web", CancellationToken.None);

        Assert.Null(await sut.Provider.FindLoadBalancerAsync(Owner with { ClusterScope = "west" }, CancellationToken.None));
    }

    [Fact]
    public async Task Targets_are_upserted_and_removed_in_one_batch_idempotently()
    {
        await using var sut = await StartAsync();
        var lb = await sut.Provider.EnsureLoadBalancerAsync(Owner, "shop-web", CancellationToken.None);
        await sut.Provider.EnsureListenerAsync(lb.Ref, WebListener, CancellationToken.None);

        await sut.Provider.ChangeTargetsAsync(lb.Ref, WebKey, [Serving("10.244.1.5"), Serving("10.244.1.6")], [], CancellationToken.None);
        for (var i = 0; i < 2; i++)
        {
            await sut.Provider.ChangeTargetsAsync(lb.Ref, WebKey, [Draining("10.244.1.5")], [new TargetKey("10.244.1.6", 8080), new TargetKey("10.244.9.9", 8080)], CancellationToken.None);
        }

        Assert.Equal([Draining("10.244.1.5")], (await FindWebListenerAsync(sut)).Targets);
    }

    [Fact]
    public async Task Listeners_are_updated_in_place_and_deleted_idempotently()
    {
        await using var sut = await StartAsync();
        var lb = await sut.Provider.EnsureLoadBalancerAsync(Owner, "shop-web", CancellationToken.None);

        await sut.Provider.EnsureListenerAsync(lb.Ref, WebListener, CancellationToken.None);
        await sut.Provider.EnsureListenerAsync(lb.Ref, WebListener with { Name = "web" }, CancellationToken.None);
        Assert.Equal("web", (await FindWebListenerAsync(sut)).Spec.Name);

        await sut.Provider.EnsureListenerDeletedAsync(lb.Ref, WebKey, CancellationToken.None);
        await sut.Provider.EnsureListenerDeletedAsync(lb.Ref, WebKey, CancellationToken.None);
        Assert.Empty((await sut.Provider.FindLoadBalancerAsync(Owner, CancellationToken.None))!.Listeners);
    }

    [Fact]
    public async Task Deleting_a_load_balancer_twice_succeeds()
    {
        await using var sut = await StartAsync();
        var lb = await sut.Provider.EnsureLoadBalancerAsync(Owner, "shop-web", CancellationToken.None);

        await sut.Provider.EnsureLoadBalancerDeletedAsync(lb.Ref, CancellationToken.None);
        await sut.Provider.EnsureLoadBalancerDeletedAsync(lb.Ref, CancellationToken.None);

        Assert.Empty((await sut.Provider.ListLoadBalancersAsync(Ours, null, CancellationToken.None)).Items);
        Assert.Null(await sut.Provider.FindLoadBalancerAsync(Owner, CancellationToken.None));
    }

    [Fact]
    public async Task Calls_on_a_missing_load_balancer_say_which_one()
    {
        await using var sut = await StartAsync();

        var missing = new LoadBalancerRef("lb-404", Owner);
        var calls = new Func<Task>[]
        {
            () => sut.Provider.EnsureListenerAsync(missing, WebListener, CancellationToken.None),
            () => sut.Provider.EnsureListenerDeletedAsync(missing, WebKey, CancellationToken.None),
            () => sut.Provider.ChangeTargetsAsync(missing, WebKey, [Serving("10.244.1.5")], [], CancellationToken.None),
        };

        foreach (var call in calls)
        {
            Assert.Contains("lb-404", (await Assert.ThrowsAsync<LoadBalancerNotFoundException>(call)).Message);
        }
    }

    [Fact]
    public async Task Targets_for_a_missing_listener_are_refused_for_good()
    {
        await using var sut = await StartAsync();
        var lb = await sut.Provider.EnsureLoadBalancerAsync(Owner, "shop-web", CancellationToken.None);

        var error = await Assert.ThrowsAsync<ProviderException>(() =>
            sut.Provider.ChangeTargetsAsync(lb.Ref, WebKey, [Serving("10.244.1.5")], [], CancellationToken.None));

        Assert.False(error.Retryable);
    }

    [Fact]
    public async Task A_verb_by_id_on_a_load_balancer_of_another_owner_is_refused_and_changes_nothing()
    {
        await using var sut = await StartAsync();
        var lb = await sut.Provider.EnsureLoadBalancerAsync(Owner, "shop-web", CancellationToken.None);
        await sut.Provider.EnsureListenerAsync(lb.Ref, WebListener, CancellationToken.None);
        await sut.Provider.ChangeTargetsAsync(lb.Ref, WebKey, [Serving("10.244.1.5")], [], CancellationToken.None);
        var someoneElse = new LoadBalancerRef(lb.Id, Owner with { Name = "api" });

        var calls = new Func<Task>[]
        {
            () => sut.Provider.EnsureListenerAsync(someoneElse, WebListener with { ProxyProtocolV2 = true }, CancellationToken.None),
            () => sut.Provider.ChangeTargetsAsync(someoneElse, WebKey, [], [new TargetKey("10.244.1.5", 8080)], CancellationToken.None),
            () => sut.Provider.EnsureListenerDeletedAsync(someoneElse, WebKey, CancellationToken.None),
            () => sut.Provider.EnsureLoadBalancerDeletedAsync(someoneElse, CancellationToken.None),
            () => sut.Provider.EnsureLoadBalancerDeletedAsync(new LoadBalancerRef(lb.Id, Owner with { Installation = Ours with { Id = "other" } }), CancellationToken.None),
        };

        foreach (var call in calls)
        {
            var refused = await Assert.ThrowsAsync<LoadBalancerNotOwnedException>(call);
            Assert.Contains(lb.Id, refused.Message);
        }

        var kept = await FindWebListenerAsync(sut);
        Assert.Equal(WebListener, kept.Spec);
        Assert.Equal([Serving("10.244.1.5")], kept.Targets);
    }

    [Fact]
    public async Task A_load_balancer_tagged_before_installations_existed_is_found_and_kept_by_its_service()
    {
        await using var sut = await StartAsync();
        var legacy = Owner with { Installation = null };
        var lb = await sut.Provider.EnsureLoadBalancerAsync(legacy, "shop-web", CancellationToken.None);

        var found = await sut.Provider.FindLoadBalancerAsync(Owner, CancellationToken.None);
        await sut.Provider.EnsureListenerAsync(new LoadBalancerRef(lb.Id, Owner), WebListener, CancellationToken.None);

        Assert.Equal(lb.Id, found?.Id);
        Assert.Equal(lb.Id, (await sut.Provider.EnsureLoadBalancerAsync(Owner, "shop-web", CancellationToken.None)).Id);
        Assert.Empty((await sut.Provider.ListLoadBalancersAsync(Ours, null, CancellationToken.None)).Items);
    }

    [Fact]
    public async Task An_installation_lists_its_own_load_balancers_page_by_page_and_no_one_elses()
    {
        await using var sut = await StartAsync();
        var ours = new List<string>();
        for (var i = 0; i < 5; i++)
        {
            ours.Add((await sut.Provider.EnsureLoadBalancerAsync(Owner with { Name = $"web-{i}" }, $"shop-web-{i}", CancellationToken.None)).Id);
        }

        await sut.Provider.EnsureLoadBalancerAsync(Owner with { Name = "theirs", Installation = Ours with { Id = "other" } }, "theirs", CancellationToken.None);
        await sut.Provider.EnsureLoadBalancerAsync(Owner with { Name = "legacy", Installation = null }, "legacy", CancellationToken.None);

        var listed = new List<LoadBalancerInfo>();
        var pages = 0;
        string? next = null;
        do
        {
            var page = await sut.Provider.ListLoadBalancersAsync(Ours, next, CancellationToken.None);
            listed.AddRange(page.Items);
            next = page.Continue;
            pages++;
        }
        while (next is not null);

        Assert.Equal(ours.Order(StringComparer.Ordinal), listed.Select(lb => lb.Id).Order(StringComparer.Ordinal));
        Assert.Equal(ExpectedPages(5), pages);
        Assert.All(listed, lb => Assert.True(Ours.Tagged(lb.Tags)));
    }

    private static async Task<ListenerInfo> FindWebListenerAsync(ProviderUnderTest sut) =>
        (await sut.Provider.FindLoadBalancerAsync(Owner, CancellationToken.None))!.Listeners.Single(l => l.Spec.Key == WebKey);
}
