using Akka.Actor;
using DirectLB.Actors.Domain;
using DirectLB.Actors.Entity;
using DirectLB.Providers.Model;
using DirectLB.Providers.Simulated;
using DirectLB.Tests.Support;
using static DirectLB.Tests.Support.Fixtures;

namespace DirectLB.Tests.Entity;

/// <summary>
/// The debounce is leading-edge: a lone change is applied at once, the changes that follow it within the window are
/// gathered into one call when the window closes, and a change after a quiet window is applied at once again. The test
/// owns time, so a change that waits for a window can only be applied when the test moves time.
/// </summary>
public class LeadingEdgeDebounceSpec : ManualTimeEntitySpec
{
    private static readonly TimeSpan Window = TimeSpan.FromMinutes(1);

    private static readonly ReconcileOptions Options = FastOptions with { Debounce = Window, ReadBackInterval = TimeSpan.Zero };

    private long TargetChanges => Cloud.CallCount(ProviderCallKind.ChangeTargets);

    [Fact]
    public void A_lone_change_is_applied_at_once_without_waiting_for_the_debounce_window()
    {
        var entity = Converged();
        Advance(Window);
        var before = TargetChanges;

        entity.Tell(Pods(2));

        AwaitTargets(Targets(2));
        Assert.Equal(before + 1, TargetChanges);
    }

    [Fact]
    public void A_change_that_needed_no_call_does_not_delay_the_next_one()
    {
        var entity = Converged();
        Advance(Window);

        // The same state again, as a resync or the echo of the entity's own status write brings it: nothing to do.
        entity.Tell(Pods(1));
        Assert.True(Status(entity).InSync);
        entity.Tell(Pods(2));

        AwaitTargets(Targets(2));
    }

    [Fact]
    public void A_burst_after_a_lone_change_costs_at_most_one_call_per_window()
    {
        var entity = Converged();
        Advance(Window);
        var before = TargetChanges;
        entity.Tell(Pods(2));
        AwaitTargets(Targets(2));
        AwaitInSync(entity);

        ApplyBurst(entity, 3, 10);
        Assert.Equal(before + 2, TargetChanges);

        ApplyBurst(entity, 11, 20);
        Assert.Equal(before + 3, TargetChanges);
    }

    [Fact]
    public void A_change_after_a_quiet_window_is_applied_at_once_again()
    {
        var entity = Converged();
        ApplyBurst(entity, 2, 10);
        Advance(Window);
        var before = TargetChanges;

        entity.Tell(Pods(11));

        AwaitTargets(Targets(11));
        Assert.Equal(before + 1, TargetChanges);
    }

    /// <summary>The entity with one pod's target, in sync: the calls that got it there opened a window.</summary>
    private IActorRef Converged()
    {
        var entity = StartEntity(options: Options, clock: Clock);
        entity.Tell(Pods(1));
        AwaitTargets(Targets(1));
        AwaitInSync(entity);
        return entity;
    }

    /// <summary>
    /// Pods <paramref name="from"/> to <paramref name="to"/> appear one change at a time within an open window: none is
    /// applied until the window closes, then all of them in one call.
    /// </summary>
    private void ApplyBurst(IActorRef entity, int from, int to)
    {
        var before = TargetChanges;
        for (var pods = from; pods <= to; pods++)
        {
            entity.Tell(Pods(pods));
        }

        Assert.False(Status(entity).InSync);
        Assert.Equal(before, TargetChanges);

        Advance(Window);

        AwaitTargets(Targets(to));
        AwaitInSync(entity);
        Assert.Equal(before + 1, TargetChanges);
    }

    private static ServiceObserved Pods(int count) =>
        Observed(Service(), [.. Enumerable.Range(1, count).Select(i => Ready($"10.244.1.{i}"))]);

    private static TargetSpec[] Targets(int count) =>
        [.. Enumerable.Range(1, count).Select(i => Serving($"10.244.1.{i}")).OrderBy(t => t.Key)];
}
