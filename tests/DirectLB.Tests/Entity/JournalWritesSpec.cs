using Akka.Actor;
using Akka.Persistence;
using DirectLB.Actors.Entity;
using DirectLB.Actors.Planning;
using DirectLB.Providers.Simulated;
using DirectLB.Tests.Support;
using static DirectLB.Tests.Support.Fixtures;

namespace DirectLB.Tests.Entity;

/// <summary>
/// What the entity writes to its journal: an intent before every provider call, and an outcome only where the intent
/// does not say it all. A targets change's success is told by the next intent, so a rollout costs one write per call;
/// an entity that stays quiet after a change journals its success itself, so a restart need not read it back.
/// </summary>
public class JournalWritesSpec : EntitySpec
{
    /// <summary>No entity here is quiet for long enough to confirm a change itself, but the one that says so.</summary>
    private static readonly ReconcileOptions NeverQuiet = FastOptions with { ConfirmWhenQuietFor = TimeSpan.FromHours(1) };

    [Fact]
    public void A_targets_change_journals_its_intent_and_no_outcome_of_its_own()
    {
        var entity = StartEntity(options: NeverQuiet);
        entity.Tell(Observed(Service(), Ready("10.244.1.5")));
        AwaitTargets(Serving("10.244.1.5"));
        var provisioned = Journaled().Count;

        entity.Tell(Observed(Service(), Ready("10.244.1.5"), Ready("10.244.1.6")));
        AwaitTargets(Serving("10.244.1.5"), Serving("10.244.1.6"));
        entity.Tell(Observed(Service(), Ready("10.244.1.5"), Ready("10.244.1.6"), Ready("10.244.1.7")));
        AwaitTargets(Serving("10.244.1.5"), Serving("10.244.1.6"), Serving("10.244.1.7"));

        var changes = Journaled().Skip(provisioned).Cast<OperationStarted>().ToArray();
        Assert.Equal(2, changes.Length);
        Assert.All(changes, e => Assert.IsType<ChangeTargets>(e.Operation));
        Assert.Equal(changes[0].Sequence, changes[1].Confirms);
    }

    [Fact]
    public void After_a_restart_the_last_targets_change_is_read_back_settled_and_not_made_again()
    {
        var first = StartEntity(options: NeverQuiet);
        first.Tell(Observed(Service(), Ready("10.244.1.5")));
        AwaitTargets(Serving("10.244.1.5"));
        first.Tell(Observed(Service(), Ready("10.244.1.5"), Ready("10.244.1.6")));
        AwaitTargets(Serving("10.244.1.5"), Serving("10.244.1.6"));
        StopAndWait(first);
        var changes = Cloud.CallCount(ProviderCallKind.ChangeTargets);
        Assert.IsType<OperationStarted>(Journaled()[^1]); // its success was never written: in doubt after a restart

        var second = StartEntity(options: NeverQuiet);
        second.Tell(Observed(Service(), Ready("10.244.1.5"), Ready("10.244.1.6")));

        AwaitAssert(() => Assert.IsType<LoadBalancerObserved>(Journaled()[^1]), Deadline);
        Assert.Equal(1, Cloud.CallCount(ProviderCallKind.FindLoadBalancer));
        Assert.Equal(changes, Cloud.CallCount(ProviderCallKind.ChangeTargets));
        AwaitTargets(Serving("10.244.1.5"), Serving("10.244.1.6"));
    }

    [Fact]
    public void A_targets_change_cut_off_by_a_restart_is_read_back_and_never_confirmed()
    {
        var gated = new GatedProvider(Cloud);
        var first = StartEntity(gated, NeverQuiet);
        first.Tell(Observed(Service(), Ready("10.244.1.5")));
        AwaitTargets(Serving("10.244.1.5"));
        gated.HoldTargetChanges = true;
        first.Tell(Observed(Service(), Ready("10.244.1.5"), Ready("10.244.1.6")));
        AwaitCondition(() => gated.HeldCalls == 1, Deadline);
        StopAndWait(first);
        var cutOff = Assert.IsType<OperationStarted>(Journaled()[^1]);

        var second = StartEntity(Cloud, NeverQuiet);
        second.Tell(Observed(Service(), Ready("10.244.1.5"), Ready("10.244.1.6")));

        AwaitTargets(Serving("10.244.1.5"), Serving("10.244.1.6"));
        var after = Journaled().SkipWhile(e => !cutOff.Equals(e)).Skip(1).ToArray();
        Assert.IsType<LoadBalancerObserved>(after[0]);
        Assert.DoesNotContain(after, e => e is OperationStarted { Confirms: var confirmed } && confirmed == cutOff.Sequence);
    }

    [Fact]
    public void A_quiet_entity_journals_its_last_targets_change_itself_so_a_restart_finds_nothing_in_doubt()
    {
        var quietSoon = FastOptions with { ConfirmWhenQuietFor = TimeSpan.FromMilliseconds(200), ReadBackInterval = TimeSpan.Zero };
        var first = StartEntity(options: quietSoon);
        first.Tell(Observed(Service(), Ready("10.244.1.5")));
        AwaitTargets(Serving("10.244.1.5"));
        first.Tell(Observed(Service(), Ready("10.244.1.5"), Ready("10.244.1.6")));
        AwaitTargets(Serving("10.244.1.5"), Serving("10.244.1.6"));

        var change = Journaled().OfType<OperationStarted>().Last();
        Assert.IsType<ChangeTargets>(change.Operation);
        AwaitAssert(() => Assert.Equal(change.Sequence, Assert.IsType<OperationSucceeded>(Journaled()[^1]).Sequence), Deadline);
        StopAndWait(first);

        var second = StartEntity(options: quietSoon);
        second.Tell(Observed(Service(), Ready("10.244.1.5"), Ready("10.244.1.6"), Ready("10.244.1.7")));

        // Every recovered entity reads its load balancer back; one whose last change was in doubt also journals what it found.
        AwaitTargets(Serving("10.244.1.5"), Serving("10.244.1.6"), Serving("10.244.1.7"));
        Assert.Equal(1, Cloud.CallCount(ProviderCallKind.FindLoadBalancer));
        Assert.DoesNotContain(Journaled(), e => e is LoadBalancerObserved);
    }

    /// <summary>The entity's events in its journal, oldest first.</summary>
    private IReadOnlyList<IServiceLoadBalancerEvent> Journaled()
    {
        var journal = Persistence.Instance.Apply(Sys).JournalFor(null);
        journal.Tell(new ReplayMessages(0, long.MaxValue, long.MaxValue, ServiceLoadBalancer.PersistenceIdFor(Key), TestActor));
        var events = new List<IServiceLoadBalancerEvent>();
        while (ExpectMsg<object>(Deadline) is ReplayedMessage replayed)
        {
            events.Add((IServiceLoadBalancerEvent)replayed.Persistent.Payload);
        }

        return events;
    }
}
