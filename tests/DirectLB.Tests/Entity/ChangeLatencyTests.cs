using DirectLB.Actors.Entity;

namespace DirectLB.Tests.Entity;

public class ChangeLatencyTests
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 29, 10, 0, 0, TimeSpan.Zero);

    private static DateTimeOffset At(int milliseconds) => T0.AddMilliseconds(milliseconds);

    [Fact]
    public void A_call_confirms_the_changes_that_had_arrived_when_it_started_measured_from_the_oldest()
    {
        var latency = ChangeLatency.None.Changed(At(0)).Changed(At(30)).CallStarted();

        var (_, measured) = latency.CallSucceeded(At(50));

        Assert.Equal(TimeSpan.FromMilliseconds(50), measured);
    }

    [Fact]
    public void A_change_that_arrives_during_a_call_is_measured_from_its_own_arrival_by_the_next_call()
    {
        var latency = ChangeLatency.None.Changed(At(0)).CallStarted().Changed(At(40));
        (latency, var first) = latency.CallSucceeded(At(50));
        latency = latency.CallStarted();
        (_, var second) = latency.CallSucceeded(At(90));

        Assert.Equal(TimeSpan.FromMilliseconds(50), first);
        Assert.Equal(TimeSpan.FromMilliseconds(50), second);
    }

    [Fact]
    public void A_streak_of_changes_that_never_lets_the_entity_get_in_sync_does_not_grow_the_latency()
    {
        // One change every 100 ms, each arriving while the previous call (60 ms) is in flight: the entity is never in
        // sync, and every change is still confirmed within one call and the wait before it.
        var latency = ChangeLatency.None;
        var measured = new List<TimeSpan>();
        for (var i = 0; i < 50; i++)
        {
            latency = latency.Changed(At(i * 100)).CallStarted();
            (latency, var one) = latency.CallSucceeded(At(i * 100 + 60));
            measured.Add(one!.Value);
        }

        Assert.All(measured, m => Assert.Equal(TimeSpan.FromMilliseconds(60), m));
    }

    [Fact]
    public void A_failed_call_keeps_its_changes_for_the_retry_that_confirms_them()
    {
        var latency = ChangeLatency.None.Changed(At(0)).CallStarted();
        // The call failed: nothing is confirmed; the retry starts with a change that came during the backoff.
        latency = latency.Changed(At(500)).CallStarted();

        var (_, measured) = latency.CallSucceeded(At(1_000));

        Assert.Equal(TimeSpan.FromSeconds(1), measured);
    }

    [Fact]
    public void A_call_that_carried_no_change_measures_nothing()
    {
        var (_, measured) = ChangeLatency.None.CallStarted().CallSucceeded(At(10));

        Assert.Null(measured);
    }

    [Fact]
    public void Changes_that_needed_no_call_are_forgotten_when_the_load_balancer_is_in_sync()
    {
        var latency = ChangeLatency.None.Changed(At(0)).InSync().CallStarted();

        var (_, measured) = latency.CallSucceeded(At(5_000));

        Assert.Null(measured);
    }
}
