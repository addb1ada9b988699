using DirectLB.Providers.Http.Tests.Support;
using DirectLB.Providers.Simulated;

namespace DirectLB.Providers.Http.Tests;

/// <summary>The reference: the simulated provider called in process.</summary>
public sealed class SimulatedProviderContractTests : SimulatedCloudContract
{
    protected override Task<ProviderUnderTest> StartAsync(SimulatedProviderOptions? cloud)
    {
        var provider = new SimulatedProvider(cloud);
        return Task.FromResult(new ProviderUnderTest(provider, provider, () => ValueTask.CompletedTask));
    }
}

/// <summary>The same simulated provider behind the REST contract: HttpProvider → HTTP → SimulatedCloudServer.</summary>
public sealed class HttpProviderContractTests : SimulatedCloudContract
{
    protected override Task<ProviderUnderTest> StartAsync(SimulatedProviderOptions? cloud) =>
        CloudServers.StartWithHttpProviderAsync(cloud);
}

/// <summary>A load balancer node: HttpProvider → HTTP with a bearer token → the lb-agent's contract server → real HAProxy.</summary>
[Trait("Category", "HAProxy")]
public sealed class LbAgentContractTests : ProviderContract
{
    protected override Task<ProviderUnderTest> StartAsync() => AgentServers.StartWithHttpProviderAsync();
}

/// <summary>Two load balancer nodes behind one provider: every verb on both lb-agents, each on its own real HAProxy.</summary>
[Trait("Category", "HAProxy")]
public sealed class LoadBalancerNodesContractTests : ProviderContract
{
    protected override Task<ProviderUnderTest> StartAsync() => AgentServers.StartTierWithProviderAsync(2);
}

/// <summary>Address families on the simulated provider in process, with its default IPv6 pool.</summary>
public sealed class SimulatedAddressFamiliesContractTests : AddressFamiliesContract
{
    protected override Task<ProviderUnderTest> StartAsync()
    {
        var provider = new SimulatedProvider();
        return Task.FromResult(new ProviderUnderTest(provider, provider, () => ValueTask.CompletedTask));
    }
}

/// <summary>Address families over the REST contract to the simulated cloud.</summary>
public sealed class HttpAddressFamiliesContractTests : AddressFamiliesContract
{
    protected override Task<ProviderUnderTest> StartAsync() => CloudServers.StartWithHttpProviderAsync();
}

/// <summary>Address families over the REST contract to an lb-agent on real HAProxy with the IPv6 VIP pool ::1/128.</summary>
[Trait("Category", "HAProxy")]
public sealed class LbAgentAddressFamiliesContractTests : AddressFamiliesContract
{
    protected override Task<ProviderUnderTest> StartAsync() => AgentServers.StartWithHttpProviderAsync(pool6: "::1/128");
}

/// <summary>Address families on two load balancer nodes, each an lb-agent on its own real HAProxy, both with the IPv6 VIP pool ::1/128.</summary>
[Trait("Category", "HAProxy")]
public sealed class LoadBalancerNodesAddressFamiliesContractTests : AddressFamiliesContract
{
    protected override Task<ProviderUnderTest> StartAsync() => AgentServers.StartTierWithProviderAsync(2, pool6: "::1/128");
}
