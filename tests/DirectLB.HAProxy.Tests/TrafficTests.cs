using DirectLB.Providers;
using DirectLB.HAProxy.Tests.Support;
using DirectLB.Providers.Model;
using static DirectLB.HAProxy.Tests.Support.HAProxyTestContext;

namespace DirectLB.HAProxy.Tests;

[Trait("Category", "HAProxy")]
public sealed class TrafficTests : IAsyncLifetime
{
    private readonly HAProxyTestContext _context = new();

    public Task InitializeAsync() => Task.CompletedTask;

    public Task DisposeAsync() => _context.DisposeAsync().AsTask();

    [Fact]
    public async Task Requests_through_the_vip_reach_exactly_the_registered_backends()
    {
        var provider = await _context.StartAsync();
        var registered = new[] { _context.Backend(), _context.Backend(), _context.Backend() };
        var bystander = _context.Backend();

        var lb = await LoadBalancerSetup.CreateAsync(provider, [.. registered.Select(b => Serving(b))]);

        Assert.StartsWith("127.0.100.", lb.Address);
        var spread = await HttpProbe.SpreadAsync(lb.Address, lb.Port, 30);
        Assert.Equal(registered.Select(b => b.Name).Order(), spread.Keys.Order());
        Assert.Equal(0, bystander.Requests);
    }

    [Fact]
    public async Task A_requested_IPv6_VIP_on_loopback_serves_and_a_load_balancer_moves_there_from_its_IPv4_VIP()
    {
        var provider = await _context.StartAsync(_context.Options() with { VipPool6 = "::1/128" });
        var backends = new[] { _context.Backend(), _context.Backend() };
        var lb = await LoadBalancerSetup.CreateAsync(provider, [.. backends.Select(b => Serving(b))]);
        Assert.StartsWith("127.0.100.", lb.Address);

        var moved = await provider.MoveLoadBalancerAsync(lb.LoadBalancer.Ref, "::1", CancellationToken.None);

        Assert.Equal("::1", moved.Address);
        var spread = await HttpProbe.SpreadAsync("::1", lb.Port, 10);
        Assert.Equal(backends.Select(b => b.Name).Order(), spread.Keys.Order());
        await Assert.ThrowsAnyAsync<System.Net.Sockets.SocketException>(() => HttpProbe.GetOnceAsync(lb.Address, lb.Port));
        var other = await provider.EnsureLoadBalancerAsync(Owner("api"), "default/api", CancellationToken.None);
        await Assert.ThrowsAsync<AddressUnavailableException>(() => provider.MoveLoadBalancerAsync(other.Ref, "::1", CancellationToken.None));
    }

    [Fact]
    public async Task Equal_weights_spread_evenly_and_weights_two_to_one_split_two_thirds_to_one_third()
    {
        var provider = await _context.StartAsync();
        var backends = new[] { _context.Backend(), _context.Backend(), _context.Backend() };
        var lb = await LoadBalancerSetup.CreateAsync(provider, [.. backends.Select(b => Serving(b))]);

        var even = await HttpProbe.SpreadAsync(lb.Address, lb.Port, 300);
        Assert.All(backends, b => Assert.InRange(even.GetValueOrDefault(b.Name), 90, 110));

        var (heavy, light) = (backends[0], backends[1]);
        await lb.ChangeAsync(provider, [Serving(heavy, weight: 2), Serving(light, weight: 1)], [new TargetKey(backends[2].Address, backends[2].Port)]);

        var weighted = await HttpProbe.SpreadAsync(lb.Address, lb.Port, 300);
        Assert.InRange(weighted.GetValueOrDefault(heavy.Name), 180, 220);
        Assert.InRange(weighted.GetValueOrDefault(light.Name), 80, 120);
        Assert.False(weighted.ContainsKey(backends[2].Name));
    }

    [Fact]
    public async Task Draining_stops_new_connections_to_a_target_while_an_established_one_keeps_working()
    {
        var provider = await _context.StartAsync();
        var (leaving, staying) = (_context.Backend(), _context.Backend());
        var lb = await LoadBalancerSetup.CreateAsync(provider, [Serving(leaving), Serving(staying)]);

        // Round robin over fresh connections: one of the first two lands on the backend that will drain.
        var first = await HttpProbe.ConnectAsync(lb.Address, lb.Port);
        var second = await HttpProbe.ConnectAsync(lb.Address, lb.Port);
        await using var _ = first;
        await using var __ = second;
        var onLeaving = await first.GetAsync() == leaving.Name ? first : second;
        Assert.Equal(leaving.Name, await onLeaving.GetAsync());

        await lb.ChangeAsync(provider, [Draining(leaving)]);

        var fresh = await HttpProbe.SpreadAsync(lb.Address, lb.Port, 20);
        Assert.Equal([staying.Name], fresh.Keys);
        Assert.Equal(leaving.Name, await onLeaving.GetAsync());

        var found = await provider.FindLoadBalancerAsync(Owner(), CancellationToken.None);
        Assert.Equal(TargetState.Draining, found!.Listeners.Single().Targets.Single(t => t.Key.Port == leaving.Port).State);

        // The held connection is what keeps the drain going: counted while open, zero once it closes.
        var leavingKey = found.Listeners.Single().Targets.Single(t => t.Key.Port == leaving.Port).Key;
        var open = await provider.CountConnectionsAsync(lb.LoadBalancer.Ref, lb.Listener, CancellationToken.None);
        Assert.Equal(1, open![leavingKey]);
        await onLeaving.DisposeAsync();
        var deadline = DateTime.UtcNow.AddSeconds(15);
        while ((await provider.CountConnectionsAsync(lb.LoadBalancer.Ref, lb.Listener, CancellationToken.None))![leavingKey] != 0)
        {
            Assert.True(DateTime.UtcNow < deadline, "the closed connection is still counted after 15 s");
            await Task.Delay(100);
        }
    }

    [Fact]
    public async Task A_removed_target_gets_no_traffic_and_leaves_no_server_behind()
    {
        var provider = await _context.StartAsync();
        var (removed, kept) = (_context.Backend(), _context.Backend());
        var lb = await LoadBalancerSetup.CreateAsync(provider, [Serving(removed), Serving(kept)]);
        await using var established = await HttpProbe.ConnectAsync(lb.Address, lb.Port);
        await established.GetAsync();

        await lb.ChangeAsync(provider, [], [new TargetKey(removed.Address, removed.Port)]);

        var spread = await HttpProbe.SpreadAsync(lb.Address, lb.Port, 20);
        Assert.Equal([kept.Name], spread.Keys);
        var servers = await provider.Admin.SendAsync("show servers state", CancellationToken.None);
        Assert.DoesNotContain($"-{removed.Port}", servers);
        Assert.Contains($"-{kept.Port}", servers);
    }

    [Fact]
    public async Task An_http_health_check_keeps_traffic_away_from_a_failing_target()
    {
        var provider = await _context.StartAsync();
        var (sick, well) = (_context.Backend(), _context.Backend());
        sick.Healthy = false;
        var check = new HealthCheckSpec(HttpPath: "/health", IntervalMilliseconds: 100, Rise: 1, Fall: 1);
        var listener = new ListenerSpec(new ListenerKey(TransportProtocol.Tcp, FreePort()), "http", check);
        var lb = await LoadBalancerSetup.CreateAsync(provider, [Serving(sick), Serving(well)], listener);

        await HttpProbe.EventuallyAsync(
            async () => (await HttpProbe.SpreadAsync(lb.Address, lb.Port, 10)).Keys.SequenceEqual([well.Name]),
            "the failing target leaving rotation");

        sick.Healthy = true;
        await HttpProbe.EventuallyAsync(
            async () => (await HttpProbe.SpreadAsync(lb.Address, lb.Port, 10)).ContainsKey(sick.Name),
            "the recovered target returning to rotation");
    }

    [Fact]
    public async Task Adding_a_health_check_to_a_listener_keeps_its_targets_and_checks_them()
    {
        var provider = await _context.StartAsync();
        var (sick, well) = (_context.Backend(), _context.Backend());
        sick.Healthy = false;
        var lb = await LoadBalancerSetup.CreateAsync(provider, [Serving(sick), Serving(well)]);
        Assert.Equal(2, (await HttpProbe.SpreadAsync(lb.Address, lb.Port, 4)).Count);

        var check = new HealthCheckSpec(HttpPath: "/health", IntervalMilliseconds: 100, Rise: 1, Fall: 1);
        await provider.EnsureListenerAsync(lb.LoadBalancer.Ref, new ListenerSpec(lb.Listener, "http", check), CancellationToken.None);

        await HttpProbe.EventuallyAsync(
            async () => (await HttpProbe.SpreadAsync(lb.Address, lb.Port, 10)).Keys.SequenceEqual([well.Name]),
            "the failing target leaving rotation once checked");
        var found = await provider.FindLoadBalancerAsync(Owner(), CancellationToken.None);
        Assert.Equal(check, found!.Listeners.Single().Spec.HealthCheck);
        Assert.Equal(2, found.Listeners.Single().Targets.Count);
    }

    [Fact]
    public async Task Proxy_protocol_v2_tells_the_target_the_client_address()
    {
        var provider = await _context.StartAsync();
        var backend = _context.Backend(expectProxyV2: true);
        var listener = new ListenerSpec(new ListenerKey(TransportProtocol.Tcp, FreePort()), "http", ProxyProtocolV2: true);
        var lb = await LoadBalancerSetup.CreateAsync(provider, [Serving(backend)], listener);

        Assert.Equal(backend.Name, await HttpProbe.GetOnceAsync(lb.Address, lb.Port));
        Assert.Contains("127.0.0.1", backend.ProxiedClients);
    }
}
