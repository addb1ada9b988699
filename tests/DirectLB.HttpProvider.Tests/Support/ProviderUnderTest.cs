using DirectLB.Providers;
using DirectLB.Providers.Simulated;

namespace DirectLB.Providers.Http.Tests.Support;

/// <summary>
/// A provider to test, the simulated cloud that backs it when there is one (to inspect and inject faults), and its
/// teardown.
/// </summary>
public sealed class ProviderUnderTest(ILoadBalancerProvider provider, SimulatedProvider? cloud, Func<ValueTask> stop) : IAsyncDisposable
{
    public ILoadBalancerProvider Provider { get; } = provider;

    public SimulatedProvider Cloud => cloud ?? throw new InvalidOperationException("this provider has no simulated cloud behind it");

    public ValueTask DisposeAsync() => stop();
}
