using DirectLB.HAProxy.Tests.Support;
using DirectLB.Providers;
using DirectLB.Providers.HAProxy;
using DirectLB.Providers.Model;
using static DirectLB.HAProxy.Tests.Support.HAProxyTestContext;

namespace DirectLB.HAProxy.Tests;

/// <summary>
/// Reading back reads what HAProxy runs, not what its configuration file says: servers changed behind DirectLB's back
/// through the runtime API show as they are, with the health HAProxy's own checks give them.
/// </summary>
[Trait("Category", "HAProxy")]
public sealed class ReadBackTests : IAsyncLifetime
{
    private static readonly CancellationToken None = CancellationToken.None;
    private readonly HAProxyTestContext _context = new();

    public Task InitializeAsync() => Task.CompletedTask;

    public Task DisposeAsync() => _context.DisposeAsync().AsTask();

    [Fact]
    public async Task Servers_removed_reweighted_or_drained_through_the_runtime_api_read_back_as_they_run()
    {
        var provider = await _context.StartAsync();
        var (a, b, c) = (_context.Backend(), _context.Backend(), _context.Backend());
        var lb = await LoadBalancerSetup.CreateAsync(provider, [Serving(a), Serving(b), Serving(c)]);
        var backend = HAProxyModel.BackendName(lb.LoadBalancer.Id, lb.Port);

        await provider.Admin.SendAsync($"set server {backend}/{ServerName.For(Serving(a).Key)} state maint", None);
        await provider.Admin.SendAsync($"del server {backend}/{ServerName.For(Serving(a).Key)}", None);
        await provider.Admin.SendAsync($"set server {backend}/{ServerName.For(Serving(b).Key)} weight 5", None);
        await provider.Admin.SendAsync($"set server {backend}/{ServerName.For(Serving(c).Key)} state drain", None);

        var found = await provider.FindLoadBalancerAsync(lb.LoadBalancer.Ref.Owner, None);

        Assert.Equal(
            new[] { Serving(b, weight: 5), Draining(c) }.OrderBy(t => t.Key),
            found!.Listeners.Single().Targets);
    }

    [Fact]
    public async Task A_server_put_in_maintenance_behind_its_back_reads_as_absent_and_a_target_change_brings_it_back()
    {
        var provider = await _context.StartAsync();
        var (a, b) = (_context.Backend(), _context.Backend());
        var lb = await LoadBalancerSetup.CreateAsync(provider, [Serving(a), Serving(b)]);
        var backend = HAProxyModel.BackendName(lb.LoadBalancer.Id, lb.Port);
        await provider.Admin.SendAsync($"set server {backend}/{ServerName.For(Serving(a).Key)} state maint", None);
        Assert.Equal([Serving(b)], (await provider.FindLoadBalancerAsync(lb.LoadBalancer.Ref.Owner, None))!.Listeners.Single().Targets);

        await lb.ChangeAsync(provider, [Serving(a)]);

        var repaired = (await provider.FindLoadBalancerAsync(lb.LoadBalancer.Ref.Owner, None))!.Listeners.Single().Targets;
        Assert.Equal(new[] { Serving(a), Serving(b) }.OrderBy(t => t.Key), repaired);
        await HttpProbe.EventuallyAsync(
            async () => (await HttpProbe.SpreadAsync(lb.Address, lb.Port, 20)).Count == 2,
            "both servers taking traffic again");
    }

    [Fact]
    public async Task Each_server_reads_back_with_the_health_haproxy_checks_give_it()
    {
        var provider = await _context.StartAsync();
        var (sick, well) = (_context.Backend(), _context.Backend());
        sick.Healthy = false;
        var check = new HealthCheckSpec(HttpPath: "/health", IntervalMilliseconds: 100, Rise: 2, Fall: 1);
        var lb = await LoadBalancerSetup.CreateAsync(provider, [Serving(sick), Serving(well)], new ListenerSpec(new ListenerKey(TransportProtocol.Tcp, FreePort()), "http", check));

        await HttpProbe.EventuallyAsync(
            async () =>
            {
                var listener = (await provider.FindLoadBalancerAsync(lb.LoadBalancer.Ref.Owner, None))!.Listeners.Single();
                return listener.HealthOf(Serving(sick).Key) == TargetHealth.Unhealthy && listener.HealthOf(Serving(well).Key) == TargetHealth.Healthy;
            },
            "the failing server unhealthy and the other healthy");

        sick.Healthy = true;
        await HttpProbe.EventuallyAsync(
            async () => (await provider.FindLoadBalancerAsync(lb.LoadBalancer.Ref.Owner, None))!.Listeners.Single().HealthOf(Serving(sick).Key) == TargetHealth.Healthy,
            "the recovered server healthy");
    }

    [Fact]
    public async Task A_new_checked_server_takes_no_traffic_and_reads_as_initial_until_its_checks_pass()
    {
        var provider = await _context.StartAsync();
        var (old, fresh) = (_context.Backend(), _context.Backend());
        var check = new HealthCheckSpec(HttpPath: "/health", IntervalMilliseconds: 500, Rise: 3, Fall: 1);
        var lb = await LoadBalancerSetup.CreateAsync(provider, [Serving(old)], new ListenerSpec(new ListenerKey(TransportProtocol.Tcp, FreePort()), "http", check));
        await HttpProbe.EventuallyAsync(
            async () => (await provider.FindLoadBalancerAsync(lb.LoadBalancer.Ref.Owner, None))!.Listeners.Single().HealthOf(Serving(old).Key) == TargetHealth.Healthy,
            "the first server up");

        await lb.ChangeAsync(provider, [Serving(fresh)]);

        var right = (await provider.FindLoadBalancerAsync(lb.LoadBalancer.Ref.Owner, None))!.Listeners.Single();
        Assert.Equal(TargetHealth.Initial, right.HealthOf(Serving(fresh).Key));
        Assert.Equal([old.Name], (await HttpProbe.SpreadAsync(lb.Address, lb.Port, 10)).Keys);
        await HttpProbe.EventuallyAsync(
            async () => (await provider.FindLoadBalancerAsync(lb.LoadBalancer.Ref.Owner, None))!.Listeners.Single().HealthOf(Serving(fresh).Key) == TargetHealth.Healthy,
            "the new server up after three checks");
        await HttpProbe.EventuallyAsync(
            async () => (await HttpProbe.SpreadAsync(lb.Address, lb.Port, 20)).ContainsKey(fresh.Name),
            "the new server taking traffic");
    }

    [Fact]
    public async Task A_verb_naming_another_owner_is_refused_and_haproxy_keeps_serving_as_before()
    {
        var provider = await _context.StartAsync();
        var a = _context.Backend();
        var lb = await LoadBalancerSetup.CreateAsync(provider, [Serving(a)]);
        var someoneElse = new LoadBalancerRef(lb.LoadBalancer.Id, Owner("api"));

        await Assert.ThrowsAsync<LoadBalancerNotOwnedException>(() => provider.EnsureLoadBalancerDeletedAsync(someoneElse, None));
        await Assert.ThrowsAsync<LoadBalancerNotOwnedException>(() => provider.ChangeTargetsAsync(someoneElse, lb.Listener, [], [Serving(a).Key], None));

        Assert.Equal([Serving(a)], (await provider.FindLoadBalancerAsync(lb.LoadBalancer.Ref.Owner, None))!.Listeners.Single().Targets);
        Assert.Equal([a.Name], (await HttpProbe.SpreadAsync(lb.Address, lb.Port, 5)).Keys);
    }

    [Fact]
    public async Task An_installation_lists_only_its_own_load_balancers()
    {
        var provider = await _context.StartAsync();
        var ours = new Installation("test", "directlb.io/direct");
        var mine = await provider.EnsureLoadBalancerAsync(Owner("web") with { Installation = ours }, "default/web", None);
        await provider.EnsureLoadBalancerAsync(Owner("api") with { Installation = ours with { Id = "other" } }, "default/api", None);
        await provider.EnsureLoadBalancerAsync(Owner("old"), "default/old", None);

        var page = await provider.ListLoadBalancersAsync(ours, null, None);

        Assert.Equal([mine.Id], page.Items.Select(lb => lb.Id));
        Assert.Null(page.Continue);
    }
}
