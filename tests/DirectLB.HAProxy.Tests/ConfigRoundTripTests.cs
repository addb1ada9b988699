using DirectLB.Providers.HAProxy;
using DirectLB.Providers.Model;

namespace DirectLB.HAProxy.Tests;

public sealed class ConfigRoundTripTests
{
    private static readonly HAProxyProviderOptions Options = new() { StateDirectory = "/var/lib/directlb/haproxy" };

    [Fact]
    public void What_is_rendered_reads_back_as_the_same_load_balancers_listeners_and_targets()
    {
        var owner = new LoadBalancerOwner("cluster \"a\"\nwith newline", "default", "web", "uid-1");
        var checkedListener = new ListenerSpec(
            new ListenerKey(TransportProtocol.Tcp, 443),
            "https",
            new HealthCheckSpec("/healthz", 8081, 500, 1, 4),
            ProxyProtocolV2: true,
            SourceRanges: SourceRanges.Of(["10.0.0.0/8", "fd00::/8"]),
            Affinity: new ClientIpAffinity(600));
        var plainListener = new ListenerSpec(new ListenerKey(TransportProtocol.Tcp, 80), "http");
        var targets = new[]
        {
            new TargetSpec(new TargetKey("10.244.1.5", 8443), 3, TargetState.Serving, "east"),
            new TargetSpec(new TargetKey("fd00::7", 8443), 1, TargetState.Draining, "west"),
        };
        var model = HAProxyModel.Empty
            .With(new LoadBalancerInfo("lb-1", "default/web", "127.0.100.1", owner.ToTags(), []))
            .WithListener("lb-1", checkedListener)
            .WithListener("lb-1", plainListener)
            .WithTargets("lb-1", checkedListener.Key, targets, []);

        var text = ConfigRenderer.Render(model, Options);
        var parsed = ConfigMetadata.Parse(text, "haproxy.cfg").Get("lb-1");

        Assert.True(owner.Owns(parsed.Tags));
        Assert.Equal(("default/web", "127.0.100.1"), (parsed.Name, parsed.Address));
        Assert.Equal([plainListener, checkedListener], parsed.Listeners.Select(l => l.Spec));
        Assert.Equal(targets, parsed.Listeners[1].Targets);
        Assert.Empty(parsed.Listeners[0].Targets);
    }

    [Fact]
    public void Servers_carry_weight_health_check_and_proxy_protocol_and_the_backend_its_http_check()
    {
        var listener = new ListenerSpec(new ListenerKey(TransportProtocol.Tcp, 80), "http", new HealthCheckSpec("/ready"), ProxyProtocolV2: true);
        var model = HAProxyModel.Empty
            .With(new LoadBalancerInfo("lb-1", "web", "127.0.100.1", new Dictionary<string, string>(), []))
            .WithListener("lb-1", listener)
            .WithTargets("lb-1", listener.Key, [new TargetSpec(new TargetKey("10.0.0.1", 8080), 5, TargetState.Serving, "c")], []);

        var text = ConfigRenderer.Render(model, Options);

        Assert.Contains("    bind 127.0.100.1:80\n", text);
        Assert.Contains("    balance roundrobin\n", text);
        Assert.Contains("    http-check send meth GET uri /ready", text);
        Assert.Contains("    server t-10-0-0-1-8080 10.0.0.1:8080 weight 5 check inter 2000ms rise 2 fall 3 send-proxy-v2\n", text);
        Assert.Contains("stats socket /var/lib/directlb/haproxy/admin.sock mode 600 level admin expose-fd listeners", text);
    }

    [Fact]
    public void Source_ranges_become_a_connection_level_acl_split_into_lines_haproxy_takes()
    {
        var blocks = Enumerable.Range(0, 40).Select(i => $"10.{i}.0.0/16").Append("fd00::/8").ToList();
        var listener = new ListenerSpec(new ListenerKey(TransportProtocol.Tcp, 80), "http", SourceRanges: SourceRanges.Of(blocks));
        var model = HAProxyModel.Empty
            .With(new LoadBalancerInfo("lb-1", "web", "127.0.100.1", new Dictionary<string, string>(), []))
            .WithListener("lb-1", listener);

        var lines = ConfigRenderer.Render(model, Options).Split('\n');

        var acl = lines.Where(l => l.StartsWith("    acl directlb_source_ranges src ", StringComparison.Ordinal)).ToList();
        Assert.Equal(2, acl.Count);
        Assert.Equal(blocks.Order(), acl.SelectMany(l => l.Split(' ', StringSplitOptions.RemoveEmptyEntries).Skip(3)).Order());
        Assert.Contains("    tcp-request connection reject unless directlb_source_ranges", lines);
    }

    [Fact]
    public void With_a_bind_pool_each_VIP_is_bound_at_its_place_in_that_block_and_read_back_as_the_VIP()
    {
        var translated = Options with { VipPool = "192.0.2.0/24", BindPool = "127.0.126.0/24" };
        var model = HAProxyModel.Empty
            .With(new LoadBalancerInfo("lb-1", "web", "192.0.2.17", new Dictionary<string, string>(), []))
            .WithListener("lb-1", new ListenerSpec(new ListenerKey(TransportProtocol.Tcp, 8080), "http"));

        var text = ConfigRenderer.Render(model, translated);

        Assert.Contains("    bind 127.0.126.17:8080", text.Split('\n'));
        Assert.Equal("192.0.2.17", ConfigMetadata.Parse(text, "haproxy.cfg").Get("lb-1").Address);
        Assert.Contains("BindPool", string.Join(" ", (Options with { BindPool = "127.0.0.0/16" }).Validate()));
    }

    [Fact]
    public void A_dual_stack_load_balancer_binds_every_frontend_to_both_addresses_and_reads_back_with_both()
    {
        var translated = Options with { VipPool = "192.0.2.0/24", BindPool = "127.0.126.0/24", VipPool6 = "2001:db8::/64" };
        var model = HAProxyModel.Empty
            .With(new LoadBalancerInfo("lb-1", "web", "192.0.2.17", new Dictionary<string, string>(), []) { SecondaryAddress = "2001:db8::11" })
            .WithListener("lb-1", new ListenerSpec(new ListenerKey(TransportProtocol.Tcp, 8080), "http"))
            .WithListener("lb-1", new ListenerSpec(new ListenerKey(TransportProtocol.Tcp, 8443), "https"));

        var text = ConfigRenderer.Render(model, translated);
        var lines = text.Split('\n');

        Assert.Equal(
            ["    bind 127.0.126.17:8080", "    bind [2001:db8::11]:8080", "    bind 127.0.126.17:8443", "    bind [2001:db8::11]:8443"],
            lines.Where(l => l.StartsWith("    bind ", StringComparison.Ordinal)));
        Assert.Equal(["192.0.2.17", "2001:db8::11"], ConfigMetadata.Parse(text, "haproxy.cfg").Get("lb-1").Addresses);
    }

    [Fact]
    public void ClientIP_affinity_becomes_a_stick_table_of_client_addresses_of_both_families_with_its_timeout()
    {
        var sticky = new ListenerSpec(new ListenerKey(TransportProtocol.Tcp, 80), "http", Affinity: new ClientIpAffinity(90));
        var plain = new ListenerSpec(new ListenerKey(TransportProtocol.Tcp, 81), "plain");
        var model = HAProxyModel.Empty
            .With(new LoadBalancerInfo("lb-1", "web", "127.0.100.1", new Dictionary<string, string>(), []))
            .WithListener("lb-1", sticky)
            .WithListener("lb-1", plain);

        var backends = ConfigRenderer.Render(model, Options).Split("\nbackend ").Skip(1).ToList();

        Assert.Contains("    stick-table type ipv6 size 1m expire 90s\n    stick on src\n", backends[0]);
        Assert.DoesNotContain("stick", backends[1]);
    }

    [Fact]
    public void In_transparent_mode_every_server_connects_from_the_client_s_address_in_its_own_family()
    {
        var listener = new ListenerSpec(new ListenerKey(TransportProtocol.Tcp, 80), "http");
        var model = HAProxyModel.Empty
            .With(new LoadBalancerInfo("lb-1", "web", "127.0.100.1", new Dictionary<string, string>(), []))
            .WithListener("lb-1", listener)
            .WithTargets("lb-1", listener.Key, [new TargetSpec(new TargetKey("10.0.0.1", 8080), 1, TargetState.Serving, "c"), new TargetSpec(new TargetKey("fd00::1", 8080), 1, TargetState.Serving, "c")], []);

        var transparent = ConfigRenderer.Render(model, Options with { Transparent = true });
        var plain = ConfigRenderer.Render(model, Options);

        Assert.Contains("    server t-10-0-0-1-8080 10.0.0.1:8080 weight 1 source 0.0.0.0 usesrc clientip\n", transparent);
        Assert.Contains("[fd00::1]:8080 weight 1 source :: usesrc clientip\n", transparent);
        Assert.DoesNotContain("usesrc", plain);
    }

    [Fact]
    public void Listener_specs_written_before_health_checks_existed_still_compare_equal()
    {
        var key = new ListenerKey(TransportProtocol.Tcp, 80);

        Assert.Equal(new ListenerSpec(key, "http"), new ListenerSpec(key, "http", null, false));
        Assert.NotEqual(new ListenerSpec(key, "http"), new ListenerSpec(key, "http", new HealthCheckSpec()));
        Assert.Equal(new ListenerSpec(key, "http", new HealthCheckSpec("/x")), new ListenerSpec(key, "http", new HealthCheckSpec("/x")));
    }
}
