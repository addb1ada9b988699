using DirectLB.Providers.Http.Tests.Support;
using DirectLB.Providers.Simulated;

namespace DirectLB.Providers.Http.Tests;

/// <summary>The reference: the simulated provider called in process.</summary>
public sealed class SimulatedProviderContractTests : ProviderContract
{
    protected override Task<ProviderUnderTest> StartAsync(SimulatedProviderOptions? cloud = null)
    {
        var provider = new SimulatedProvider(cloud);
        return Task.FromResult(new ProviderUnderTest(provider, provider, () => ValueTask.CompletedTask));
    }
}

/// <summary>The same simulated provider behind the REST contract: HttpProvider → HTTP → SimulatedCloudServer.</summary>
public sealed class HttpProviderContractTests : ProviderContract
{
    protected override Task<ProviderUnderTest> StartAsync(SimulatedProviderOptions? cloud = null) =>
        CloudServers.StartWithHttpProviderAsync(cloud);
}
