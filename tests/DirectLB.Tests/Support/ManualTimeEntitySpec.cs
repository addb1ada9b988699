using Akka.Actor;
using Akka.TestKit;
using Akka.TestKit.Configs;
using DirectLB.Actors.Entity;

namespace DirectLB.Tests.Support;

/// <summary>
/// An entity spec that owns time: a manual clock for the entity and Akka's test scheduler for its timers, moved
/// together, so a timer fires only when the test moves time, however fast or slow the machine is.
/// </summary>
public abstract class ManualTimeEntitySpec() : EntitySpec(config: TestConfigs.TestSchedulerConfig)
{
    protected ManualClock Clock { get; } = new(Fixtures.Now);

    protected void Advance(TimeSpan by)
    {
        Clock.Advance(by);
        ((TestScheduler)Sys.Scheduler).Advance(by);
    }

    /// <summary>
    /// The entity's report, once it has handled every message sent before: a call it decided on by then has been made,
    /// since the report waits for the call's intent to be journaled and the call started.
    /// </summary>
    protected LoadBalancerStatusReport Status(IActorRef entity)
    {
        entity.Tell(new GetLoadBalancerStatus(Fixtures.Key));
        return ExpectMsg<LoadBalancerStatusReport>(Deadline);
    }

    protected void AwaitInSync(IActorRef entity) => AwaitAssert(() => Assert.True(Status(entity).InSync), Deadline);
}
