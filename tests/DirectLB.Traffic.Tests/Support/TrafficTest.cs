namespace DirectLB.Traffic.Tests.Support;

/// <summary>A test with its own <see cref="TrafficWorld"/>, torn down at the end (HAProxy included) even when the start failed halfway.</summary>
public abstract class TrafficTest : IAsyncLifetime
{
    private TrafficWorld? _world;

    protected TrafficWorld World => _world ?? throw new InvalidOperationException("the world is used before it started");

    public virtual async Task InitializeAsync() => _world = await TrafficWorld.StartAsync();

    public virtual async Task DisposeAsync()
    {
        if (_world is not null)
        {
            await _world.DisposeAsync();
        }
    }
}
