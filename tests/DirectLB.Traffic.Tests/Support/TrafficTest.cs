using DirectLB.KubeApiServer.Services;

namespace DirectLB.Traffic.Tests.Support;

/// <summary>A test with its own <see cref="TrafficWorld"/>, torn down at the end (HAProxy included) even when the start failed halfway.</summary>
public abstract class TrafficTest : IAsyncLifetime
{
    private TrafficWorld? _world;

    protected TrafficWorld World => _world ?? throw new InvalidOperationException("the world is used before it started");

    public virtual async Task InitializeAsync() => _world = await TrafficWorld.StartAsync(Network);

    /// <summary>The cluster's Service network; a test of dual stack needs a dual-stack cluster.</summary>
    protected virtual ServiceNetwork Network => ServiceNetwork.SingleStack;

    public virtual async Task DisposeAsync()
    {
        if (_world is not null)
        {
            await _world.DisposeAsync();
        }
    }
}
