using DirectLB.Providers.HAProxy;
using DirectLB.Providers.Http.Server;

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

    public static async Task<ProviderUnderTest> StartWithHttpProviderAsync()
    {
        var node = await StartNodeAsync();
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

    public static async Task<AgentNode> StartNodeAsync()
    {
        var state = Path.Combine(Path.GetTempPath(), "dlb-ag", Guid.NewGuid().ToString("N")[..10]);
        var pool = $"127.0.{110 + (Interlocked.Increment(ref _nextPool) % 40)}.0/24";
        var haproxy = await HAProxyProvider.StartAsync(new HAProxyProviderOptions { StateDirectory = state, VipPool = pool, StopOnDispose = true });
        try
        {
            var server = await ContractServer.StartAsync(haproxy, haproxy, new ContractServerOptions { BearerToken = Token });
            return new AgentNode(haproxy, server, state);
        }
        catch
        {
            await haproxy.DisposeAsync();
            throw;
        }
    }
}

/// <summary>One running node: its HAProxy provider and the contract server in front of it.</summary>
public sealed class AgentNode(HAProxyProvider haproxy, ContractServer server, string stateDirectory) : IAsyncDisposable
{
    public HAProxyProvider HAProxy { get; } = haproxy;

    public ContractServer Server { get; } = server;

    public async ValueTask DisposeAsync()
    {
        await Server.DisposeAsync();
        await HAProxy.DisposeAsync();
        Directory.Delete(stateDirectory, recursive: true);
    }
}
