namespace DirectLB.Traffic.Tests.Support;

/// <summary>
/// A test with its own world and DirectLB's real host in this process, started before and stopped after it; the
/// HAProxy the host leaves running is killed with the world, even when the start failed halfway.
/// </summary>
public abstract class InProcessTrafficTest : IAsyncLifetime
{
    private TrafficWorld? _world;
    private InProcessDirectLb? _directLb;

    protected TrafficWorld World => _world ?? throw new InvalidOperationException("the world is used before it started");

    public async Task InitializeAsync()
    {
        _world = await TrafficWorld.StartAsync();
        _directLb = await InProcessDirectLb.StartAsync(_world.DirectLbArguments());
    }

    public async Task DisposeAsync()
    {
        if (_directLb is not null)
        {
            await _directLb.DisposeAsync();
        }

        if (_world is not null)
        {
            await _world.DisposeAsync();
        }
    }
}
