namespace DirectLB.Tests.Support;

/// <summary>A clock that stands still until the test moves it; timers and delays still run on real time.</summary>
public sealed class ManualClock(DateTimeOffset start) : TimeProvider
{
    private long _offsetTicks;

    public override DateTimeOffset GetUtcNow() => start + TimeSpan.FromTicks(Interlocked.Read(ref _offsetTicks));

    public void Advance(TimeSpan by) => Interlocked.Add(ref _offsetTicks, by.Ticks);
}
