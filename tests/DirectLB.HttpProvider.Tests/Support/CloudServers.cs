using DirectLB.Providers.Http;
using DirectLB.Providers.Simulated;
using DirectLB.Providers.Simulated.Server;

namespace DirectLB.Providers.Http.Tests.Support;

/// <summary>Starts a simulated cloud server on 127.0.0.1 with an Http provider pointed at it.</summary>
public static class CloudServers
{
    public static async Task<ProviderUnderTest> StartWithHttpProviderAsync(
        SimulatedProviderOptions? cloud = null,
        Func<HttpProviderOptions, HttpProviderOptions>? configure = null)
    {
        var server = await SimulatedCloudServer.StartAsync(new SimulatedCloudServerOptions { Provider = new SimulatedProvider(cloud) });
        try
        {
            var options = new HttpProviderOptions { BaseAddress = server.BaseAddress, Timeout = TimeSpan.FromSeconds(20) };
            var provider = await HttpProvider.CreateAsync(configure?.Invoke(options) ?? options);
            return new ProviderUnderTest(provider, server.Provider, async () =>
            {
                provider.Dispose();
                await server.DisposeAsync();
            });
        }
        catch
        {
            await server.DisposeAsync();
            throw;
        }
    }
}
