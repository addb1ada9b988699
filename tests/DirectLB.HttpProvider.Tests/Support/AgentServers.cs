using DirectLB.Providers.HAProxy;
using DirectLB.Providers.Http.Nodes;
using DirectLB.Providers.Http.Server;
using Microsoft.Extensions.Logging.Abstractions;

namespace DirectLB.Providers.Http.Tests.Support;

/// <summary>
/// A load balancer node as <c>directlb lb-agent</c> composes it: a real HAProxy (own mode, a short state directory of
/// its own, a VIP pool of its own on loopback) behind the contract server with a bearer token, and an Http provider
/// pointed at it. Teardown stops HAProxy and removes the state.
/// </summary>
public static class AgentServers
{
    public const string Token = "agent-test-token";

    private static int _nextPool;

    private static string NextPool() => $"127.0.{110 + (Interlocked.Increment(ref _nextPool) % 40)}.0/24";

    /// <param name="pool6">The node's IPv6 VIP pool (<c>--vip-pool6</c>), none by default.</param>
    public static async Task<ProviderUnderTest> StartWithHttpProviderAsync(string? pool6 = null)
    {
        var node = await StartNodeAsync(pool6: pool6);
        try
        {
            var provider = await HttpProvider.CreateAsync(new HttpProviderOptions
            {
                BaseAddress = node.Server.BaseAddress,
                BearerToken = Token,
                Timeout = TimeSpan.FromSeconds(30),
            });
            return new ProviderUnderTest(provider, null, async () =>
            {
                provider.Dispose();
                await node.DisposeAsync();
            });
        }
        catch
        {
            await node.DisposeAsync();
            throw;
        }
    }

    /// <summary>
    /// Several nodes on one VIP pool, as a tier of load balancer nodes is: each HAProxy binds every VIP (HAProxy's
    /// listeners share a port with SO_REUSEPORT), and an Http provider fanned out over all of them.
    /// </summary>
    public static async Task<(LoadBalancerNodes Provider, IReadOnlyList<AgentNode> Nodes)> StartTierAsync(int count, string? pool6 = null)
    {
        var pool = NextPool();
        var nodes = new List<AgentNode>();
        try
        {
            for (var i = 0; i < count; i++)
            {
                nodes.Add(await StartNodeAsync(pool, pool6));
            }

            var provider = await LoadBalancerNodes.CreateAsync(
                [.. nodes.Select(n => new HttpProviderOptions { BaseAddress = n.Server.BaseAddress, BearerToken = Token, Timeout = TimeSpan.FromSeconds(30) })],
                NullLogger.Instance);
            return (provider, nodes);
        }
        catch
        {
            foreach (var node in nodes)
            {
                await node.DisposeAsync();
            }

            throw;
        }
    }

    public static async Task<ProviderUnderTest> StartTierWithProviderAsync(int count, string? pool6 = null)
    {
        var (provider, nodes) = await StartTierAsync(count, pool6);
        return new ProviderUnderTest(provider, null, async () =>
        {
            await provider.DisposeAsync();
            foreach (var node in nodes)
            {
                await node.DisposeAsync();
            }
        });
    }

    public static async Task<AgentNode> StartNodeAsync(string? pool = null, string? pool6 = null)
    {
        var state = Path.Combine(Path.GetTempPath(), "dlb-ag", Guid.NewGuid().ToString("N")[..10]);
        pool ??= NextPool();
        var haproxy = await HAProxyProvider.StartAsync(new HAProxyProviderOptions { StateDirectory = state, VipPool = pool, VipPool6 = pool6, StopOnDispose = true });
        try
        {
            var server = await ContractServer.StartAsync(haproxy, haproxy, new ContractServerOptions { BearerToken = Token });
            return new AgentNode(haproxy, server, state, Token);
        }
        catch
        {
            await haproxy.DisposeAsync();
            throw;
        }
    }
}

/// <summary>One running node: its HAProxy provider and the contract server in front of it, which can stop and come back.</summary>
public sealed class AgentNode(HAProxyProvider haproxy, ContractServer server, string stateDirectory, string token) : IAsyncDisposable
{
    public HAProxyProvider HAProxy { get; } = haproxy;

    public ContractServer Server { get; private set; } = server;

    /// <summary>The agent stops answering (its HAProxy goes on serving), as when its process or its host is gone.</summary>
    public Task StopAnsweringAsync() => Server.StopAsync();

    /// <summary>The agent answers again at the same address, over the same HAProxy.</summary>
    public async Task AnswerAgainAsync()
    {
        var address = Server.BaseAddress;
        await Server.DisposeAsync();
        Server = await ContractServer.StartAsync(HAProxy, HAProxy, new ContractServerOptions { Listen = $"{address.Host}:{address.Port}", BearerToken = token });
    }

    public async ValueTask DisposeAsync()
    {
        await Server.DisposeAsync();
        await HAProxy.DisposeAsync();
        Directory.Delete(stateDirectory, recursive: true);
    }
}
