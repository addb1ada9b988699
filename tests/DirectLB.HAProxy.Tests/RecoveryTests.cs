using System.Diagnostics;
using DirectLB.HAProxy.Tests.Support;
using DirectLB.Providers.HAProxy;
using DirectLB.Providers.Model;
using static DirectLB.HAProxy.Tests.Support.HAProxyTestContext;

namespace DirectLB.HAProxy.Tests;

[Trait("Category", "HAProxy")]
public sealed class RecoveryTests : IAsyncLifetime
{
    private static readonly CancellationToken None = CancellationToken.None;
    private readonly HAProxyTestContext _context = new();

    public Task InitializeAsync() => Task.CompletedTask;

    public Task DisposeAsync() => _context.DisposeAsync().AsTask();

    [Fact]
    public async Task Listener_changes_reload_without_failing_a_single_request_on_the_existing_listener()
    {
        var provider = await _context.StartAsync();
        var (a, b) = (_context.Backend(), _context.Backend());
        var lb = await LoadBalancerSetup.CreateAsync(provider, [Serving(a), Serving(b)]);

        using var stop = new CancellationTokenSource();
        var succeeded = 0;
        var failures = new System.Collections.Concurrent.ConcurrentQueue<string>();
        var client = Task.Run(async () =>
        {
            await using var keptAlive = await HttpProbe.ConnectAsync(lb.Address, lb.Port);
            while (!stop.IsCancellationRequested)
            {
                try
                {
                    // Both kinds of client a reload can hurt: fresh connections, and one kept alive across it.
                    await HttpProbe.GetOnceAsync(lb.Address, lb.Port);
                    await keptAlive.GetAsync();
                    Interlocked.Increment(ref succeeded);
                }
                catch (Exception e)
                {
                    failures.Enqueue(e.Message);
                }
            }
        });

        await HttpProbe.EventuallyAsync(() => Task.FromResult(Volatile.Read(ref succeeded) > 5), "the client running");
        var beforeReloads = Volatile.Read(ref succeeded);
        var added = new List<int>();
        for (var i = 0; i < 3; i++)
        {
            var port = FreePort();
            await provider.EnsureListenerAsync(lb.LoadBalancer.Ref, new ListenerSpec(new ListenerKey(TransportProtocol.Tcp, port), $"extra-{i}"), None);
            await provider.ChangeTargetsAsync(lb.LoadBalancer.Ref, new ListenerKey(TransportProtocol.Tcp, port), [Serving(b)], [], None);
            added.Add(port);
        }

        var duringReloads = Volatile.Read(ref succeeded) - beforeReloads;
        await HttpProbe.EventuallyAsync(() => Task.FromResult(Volatile.Read(ref succeeded) > beforeReloads + duringReloads + 5), "requests after the reloads");
        await stop.CancelAsync();
        await client;

        Assert.Empty(failures);
        Assert.True(duringReloads > 0, "no request ran while the listeners were added");
        Assert.All(added, port => Assert.Equal(b.Name, HttpProbe.GetOnceAsync(lb.Address, port).Result));
    }

    [Fact]
    public async Task A_reload_haproxy_cannot_complete_fails_retryably_and_keeps_the_running_configuration()
    {
        var provider = await _context.StartAsync();
        var backend = _context.Backend();
        var lb = await LoadBalancerSetup.CreateAsync(provider, [Serving(backend)]);
        var taken = FreePort();
        var squatter = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Parse(lb.Address), taken);
        squatter.Start();
        var blocked = new ListenerSpec(new ListenerKey(TransportProtocol.Tcp, taken), "blocked");

        // "haproxy -c" cannot know the port is taken; only the reload finds out.
        var error = await Assert.ThrowsAsync<DirectLB.Providers.ProviderException>(
            () => provider.EnsureListenerAsync(lb.LoadBalancer.Ref, blocked, None));

        Assert.True(error.Retryable);
        Assert.Contains("reload failed", error.Message);
        Assert.Contains("Address already in use", error.Message);
        Assert.Equal(backend.Name, await HttpProbe.GetOnceAsync(lb.Address, lb.Port));
        Assert.Equal([lb.Listener], (await provider.FindLoadBalancerAsync(Owner(), None))!.Listeners.Select(l => l.Spec.Key));

        squatter.Stop();
        await provider.EnsureListenerAsync(lb.LoadBalancer.Ref, blocked, None);
        await provider.ChangeTargetsAsync(lb.LoadBalancer.Ref, blocked.Key, [Serving(backend)], [], None);
        Assert.Equal(backend.Name, await HttpProbe.GetOnceAsync(lb.Address, taken));
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task A_new_provider_on_the_same_state_directory_finds_the_same_load_balancer_and_targets(bool haproxyKeptRunning)
    {
        var (serving, draining) = (_context.Backend(), _context.Backend());
        LoadBalancerSetup lb;
        await using (var first = await HAProxyProvider.StartAsync(_context.Options(stopOnDispose: !haproxyKeptRunning)))
        {
            lb = await LoadBalancerSetup.CreateAsync(first, [Serving(serving, weight: 3), Draining(draining)]);
        }

        if (haproxyKeptRunning)
        {
            // Traffic outlives the controller; the next provider adopts this HAProxy.
            Assert.Equal(serving.Name, await HttpProbe.GetOnceAsync(lb.Address, lb.Port));
        }
        else
        {
            // Refused, or reset by a worker still on its way out: either way nothing answers.
            var unanswered = await Record.ExceptionAsync(() => HttpProbe.GetOnceAsync(lb.Address, lb.Port));
            Assert.True(unanswered is System.Net.Sockets.SocketException or IOException, $"expected no answer, got {unanswered?.ToString() ?? "an answer"}");
        }

        var second = await _context.StartAsync();
        var found = await second.FindLoadBalancerAsync(Owner(), None);
        var ensured = await second.EnsureLoadBalancerAsync(Owner(), "default/web", None);

        Assert.NotNull(found);
        Assert.Equal((lb.LoadBalancer.Id, lb.Address), (found.Id, found.Address));
        Assert.Equal(found.Id, ensured.Id);
        Assert.Equal(Owner().ToTags(), found.Tags);
        var targets = found.Listeners.Single().Targets;
        Assert.Equal(
            [Serving(serving, weight: 3), Draining(draining)],
            targets.OrderBy(t => t.State));
        await AssertRuntimeServersAsync(second, targets);
        Assert.Equal([serving.Name], (await HttpProbe.SpreadAsync(lb.Address, lb.Port, 10)).Keys);
    }

    [Fact]
    public async Task A_killed_haproxy_is_restarted_with_its_servers_weights_and_drains()
    {
        var provider = await _context.StartAsync();
        var (serving, draining) = (_context.Backend(), _context.Backend());
        var lb = await LoadBalancerSetup.CreateAsync(provider, [Serving(serving), Draining(draining)]);
        var master = int.Parse(await File.ReadAllTextAsync(Path.Combine(_context.StateDirectory, "haproxy.pid")));

        using (var process = Process.GetProcessById(master))
        {
            process.Kill();
            await process.WaitForExitAsync();
        }

        // The supervisor restarts it without any call arriving, and converges its servers (on a loaded machine the
        // restart and the convergence take a moment, so wait for both before looking at the traffic).
        var targets = (await provider.FindLoadBalancerAsync(Owner(), None))!.Listeners.Single().Targets;
        await HttpProbe.EventuallyAsync(
            async () =>
            {
                try
                {
                    await AssertRuntimeServersAsync(provider, targets);
                }
                catch (Xunit.Sdk.XunitException)
                {
                    return false; // not converged yet
                }

                return await HttpProbe.GetOnceAsync(lb.Address, lb.Port) == serving.Name;
            },
            "the restarted HAProxy serving with its servers, weights and drains",
            TimeSpan.FromSeconds(40));
        Assert.Equal([serving.Name], (await HttpProbe.SpreadAsync(lb.Address, lb.Port, 10)).Keys);
        Assert.NotEqual(master, int.Parse(await File.ReadAllTextAsync(Path.Combine(_context.StateDirectory, "haproxy.pid"))));
    }

    [Fact]
    public async Task Attach_mode_drives_an_haproxy_someone_else_started()
    {
        var options = _context.Options() with
        {
            Mode = HAProxyMode.Attach,
            ConfigPath = Path.Combine(_context.StateDirectory, "external.cfg"),
            MasterSocket = Path.Combine(_context.StateDirectory, "external-master.sock"),
            AdminSocket = Path.Combine(_context.StateDirectory, "external-admin.sock"),
        };
        await File.WriteAllTextAsync(options.ConfigPath, "global\n    log stdout local0\n");
        using var external = Process.Start(new ProcessStartInfo("haproxy", ["-W", "-S", options.MasterSocket, "-f", options.ConfigPath])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        })!;
        try
        {
            await HttpProbe.EventuallyAsync(() => Task.FromResult(File.Exists(options.MasterSocket)), "the external HAProxy's master socket");
            var provider = await _context.StartAsync(options);
            var backend = _context.Backend();

            var lb = await LoadBalancerSetup.CreateAsync(provider, [Serving(backend)]);

            Assert.Equal(backend.Name, await HttpProbe.GetOnceAsync(lb.Address, lb.Port));
            Assert.Contains($"fe-{lb.LoadBalancer.Id}-{lb.Port}", await File.ReadAllTextAsync(options.ConfigPath));
        }
        finally
        {
            external.Kill(entireProcessTree: true);
            await external.WaitForExitAsync();
        }
    }

    /// <summary>HAProxy runs exactly these servers, with these weights and drain states: none lost, none extra.</summary>
    private static async Task AssertRuntimeServersAsync(HAProxyProvider provider, IReadOnlyList<TargetSpec> targets)
    {
        var lines = (await provider.Admin.SendAsync("show servers state", None))
            .Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Skip(2)
            .Select(l => l.Split(' '))
            .ToList();
        Assert.Equal(targets.Select(t => ServerName.For(t.Key)).Order(), lines.Select(f => f[3]).Order());
        foreach (var target in targets)
        {
            var fields = lines.Single(f => f[3] == ServerName.For(target.Key));
            Assert.Equal(target.Weight.ToString(), fields[7]);
            Assert.Equal(target.State == TargetState.Draining, (int.Parse(fields[6]) & 0x08) != 0);
        }
    }
}
