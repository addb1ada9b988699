using DirectLB.HAProxy.Tests.Support;
using DirectLB.Providers;
using DirectLB.Providers.HAProxy;
using DirectLB.Providers.Model;
using static DirectLB.HAProxy.Tests.Support.HAProxyTestContext;

namespace DirectLB.HAProxy.Tests;

[Trait("Category", "HAProxy")]
public sealed class IdempotencyTests : IAsyncLifetime
{
    private static readonly CancellationToken None = CancellationToken.None;
    private readonly HAProxyTestContext _context = new();

    public Task InitializeAsync() => Task.CompletedTask;

    public Task DisposeAsync() => _context.DisposeAsync().AsTask();

    [Fact]
    public async Task Every_verb_repeated_converges_to_one_frontend_and_one_server_per_target()
    {
        var provider = await _context.StartAsync();
        var backend = _context.Backend();
        var first = await LoadBalancerSetup.CreateAsync(provider, [Serving(backend)]);

        var again = await provider.EnsureLoadBalancerAsync(Owner(), "default/web", None);
        await provider.EnsureListenerAsync(again.Ref, new ListenerSpec(first.Listener, "http"), None);
        await first.ChangeAsync(provider, [Serving(backend)]);
        await first.ChangeAsync(provider, [Serving(backend)]);

        Assert.Equal(first.LoadBalancer.Id, again.Id);
        Assert.Equal(first.Address, again.Address);
        var stat = await provider.Admin.SendAsync("show stat", None);
        Assert.Single(stat.Split('\n'), l => l.StartsWith($"fe-{again.Id}-{first.Port},FRONTEND", StringComparison.Ordinal));
        var servers = await provider.Admin.SendAsync("show servers state", None);
        Assert.Single(servers.Split('\n'), l => l.Contains(ServerName.For(Serving(backend).Key), StringComparison.Ordinal));
        Assert.Equal(backend.Name, await HttpProbe.GetOnceAsync(first.Address, first.Port));
    }

    [Fact]
    public async Task Deleting_what_is_gone_succeeds_and_removing_an_absent_target_is_ignored()
    {
        var provider = await _context.StartAsync();
        var lb = await LoadBalancerSetup.CreateAsync(provider, [Serving(_context.Backend())]);

        await lb.ChangeAsync(provider, [], [new TargetKey("127.0.99.99", 1234)]);
        await provider.EnsureListenerDeletedAsync(lb.LoadBalancer.Ref, lb.Listener, None);
        await provider.EnsureListenerDeletedAsync(lb.LoadBalancer.Ref, lb.Listener, None);
        await provider.EnsureLoadBalancerDeletedAsync(lb.LoadBalancer.Ref, None);
        await provider.EnsureLoadBalancerDeletedAsync(lb.LoadBalancer.Ref, None);

        Assert.Null(await provider.FindLoadBalancerAsync(Owner(), None));
        var stat = await provider.Admin.SendAsync("show stat", None);
        Assert.DoesNotContain(lb.LoadBalancer.Id, stat);
        await Assert.ThrowsAsync<LoadBalancerNotFoundException>(
            () => provider.EnsureListenerAsync(lb.LoadBalancer.Ref, new ListenerSpec(lb.Listener, "http"), None));
    }

    [Fact]
    public async Task Two_services_get_two_addresses_and_an_address_is_reused_after_deletion()
    {
        var provider = await _context.StartAsync();
        var web = await provider.EnsureLoadBalancerAsync(Owner("web"), "default/web", None);
        var api = await provider.EnsureLoadBalancerAsync(Owner("api"), "default/api", None);

        Assert.NotEqual(web.Id, api.Id);
        Assert.NotEqual(web.Address, api.Address);
        Assert.Equal(Owner("api").ToTags(), api.Tags);

        await provider.EnsureLoadBalancerDeletedAsync(web.Ref, None);
        var next = await provider.EnsureLoadBalancerAsync(Owner("db"), "default/db", None);
        Assert.Equal(web.Address, next.Address);
    }

    [Theory]
    [InlineData(TransportProtocol.Udp, "UDP")]
    [InlineData(TransportProtocol.Sctp, "SCTP")]
    public async Task A_non_tcp_listener_is_refused_for_good_with_a_clear_reason(TransportProtocol protocol, string named)
    {
        var provider = await _context.StartAsync();
        var lb = await provider.EnsureLoadBalancerAsync(Owner(), "default/web", None);

        var error = await Assert.ThrowsAsync<ProviderException>(
            () => provider.EnsureListenerAsync(lb.Ref, new ListenerSpec(new ListenerKey(protocol, 53), "dns"), None));

        Assert.False(error.Retryable);
        Assert.Contains($"HAProxy does not proxy {named}", error.Message);
    }

    [Fact]
    public async Task Targets_past_the_limit_or_with_an_impossible_weight_are_refused_before_anything_changes()
    {
        var provider = await _context.StartAsync(_context.Options() with { MaxTargetsPerLoadBalancer = 2 });
        var (a, b, c) = (_context.Backend(), _context.Backend(), _context.Backend());
        var lb = await LoadBalancerSetup.CreateAsync(provider, [Serving(a), Serving(b)]);

        var tooMany = await Assert.ThrowsAsync<ProviderException>(() => lb.ChangeAsync(provider, [Serving(c)]));
        var tooHeavy = await Assert.ThrowsAsync<ProviderException>(() => lb.ChangeAsync(provider, [Serving(a, weight: 1000)]));

        Assert.False(tooMany.Retryable);
        Assert.Contains("limit of 2", tooMany.Message);
        Assert.Contains("weight 1000", tooHeavy.Message);
        var found = await provider.FindLoadBalancerAsync(Owner(), None);
        Assert.Equal([1, 1], found!.Listeners.Single().Targets.Select(t => t.Weight));
    }

    [Fact]
    public async Task A_missing_haproxy_binary_fails_at_start_naming_the_package_to_install()
    {
        var options = _context.Options() with { BinaryPath = "/nonexistent/haproxy" };

        var error = await Assert.ThrowsAsync<ProviderException>(() => HAProxyProvider.StartAsync(options));

        Assert.False(error.Retryable);
        Assert.Contains("apt-get install haproxy", error.Message);
        Assert.Contains("/nonexistent/haproxy", error.Message);
    }

    [Fact]
    public void Invalid_options_are_reported_all_at_once()
    {
        var options = new HAProxyProviderOptions
        {
            StateDirectory = "relative",
            VipPool = "10.0.0.0/33",
            MaxTargetsPerLoadBalancer = 0,
            Mode = HAProxyMode.Attach,
        };

        var errors = options.Validate();

        Assert.Contains(errors, e => e.Contains("StateDirectory"));
        Assert.Contains(errors, e => e.Contains("VipPool"));
        Assert.Contains(errors, e => e.Contains("MaxTargetsPerLoadBalancer"));
        Assert.Contains(errors, e => e.Contains("attach mode"));
    }
}
