namespace DirectLB.Traffic.Tests.Support;

/// <summary>A <see cref="TrafficTest"/> with DirectLB's real host in this process, started before the test and stopped after it.</summary>
public abstract class InProcessTrafficTest : TrafficTest
{
    private InProcessDirectLb? _directLb;

    public override async Task InitializeAsync()
    {
        await base.InitializeAsync();
        _directLb = await InProcessDirectLb.StartAsync(World.DirectLbArguments(extra: ExtraArguments));
    }

    /// <summary>What a test adds to DirectLB's command line.</summary>
    protected virtual string[] ExtraArguments => [];

    public override async Task DisposeAsync()
    {
        if (_directLb is not null)
        {
            await _directLb.DisposeAsync();
        }

        await base.DisposeAsync();
    }
}
