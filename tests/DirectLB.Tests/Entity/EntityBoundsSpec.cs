using Akka.Actor;
using Akka.Configuration;
using Akka.Persistence.TestKit;
using Akka.TestKit.Xunit2;
using DirectLB.Actors.Entity;
using DirectLB.Actors.Observability;
using DirectLB.Actors.Serialization;
using DirectLB.Providers.Simulated;
using DirectLB.Tests.Support;
using Microsoft.Extensions.Logging.Abstractions;
using static DirectLB.Tests.Support.Fixtures;

namespace DirectLB.Tests.Entity;

/// <summary>
/// What an entity leaves in buffers outside itself stays bounded: it says when it has taken an observation in (the
/// watcher holds later changes until then), and it leaves the status board (its report, Events and reconcile times)
/// when it stops.
/// </summary>
public class EntityBoundsSpec()
    : TestKit(ConfigurationFactory.FromResource<TestJournal>("Akka.Persistence.TestKit.config.conf").WithFallback(DirectLbSerialization.Config))
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(15);

    private IActorRef Entity(ServiceStatusBoard? board = null) => Sys.ActorOf(Props.Create(() => new ServiceLoadBalancer(
        Key.ToString(), new SimulatedProvider(), new RecordingServiceWriter(null), new RecordingStateSource(), board ?? new ServiceStatusBoard(),
        new ReconcileOptions { Debounce = TimeSpan.FromMilliseconds(20) }, TimeProvider.System, NullLogger<ServiceLoadBalancer>.Instance)));

    [Fact]
    public void Acknowledges_an_observation_that_asks_for_it_once_taken_in()
    {
        var entity = Entity();

        entity.Tell(new ServiceObserved(Key, Observation(Service(), Slice("web-abc", [Ready("10.0.0.1")])), Fixtures.Now, Acknowledge: true));

        var taken = ExpectMsg<ObservationTaken>(Deadline);
        Assert.Equal((Key, Cluster), (taken.Key, taken.ClusterId));
    }

    [Fact]
    public void Does_not_answer_an_observation_that_does_not_ask()
    {
        var entity = Entity();

        entity.Tell(new ServiceObserved(Key, Observation(Service(), Slice("web-abc", [Ready("10.0.0.1")])), Fixtures.Now));
        entity.Tell(new GetLoadBalancerStatus(Key));

        // Replies keep their order: had the observation been answered, that answer would come first.
        ExpectMsg<LoadBalancerStatusReport>(Deadline);
    }

    [Fact]
    public void An_entity_that_stops_leaves_the_status_board_with_its_events_and_reconcile_times()
    {
        var board = new ServiceStatusBoard();
        var entity = Entity(board);
        entity.Tell(new ServiceObserved(Key, Observation(Service(), Slice("web-abc", [Ready("10.0.0.1")]))));
        AwaitAssert(() => Assert.True(board.Find(Key)?.InSync), Deadline);
        var history = board.HistoryOf(Key);
        Assert.Equal(["EnsuredLoadBalancer", "EnsuringLoadBalancer"], history.Events.Select(e => e.Reason));
        Assert.Single(history.Latency);

        Watch(entity);
        Sys.Stop(entity);
        ExpectTerminated(entity, Deadline);

        Assert.Null(board.Find(Key));
        Assert.Empty(board.List());
        Assert.Same(ServiceHistory.Empty, board.HistoryOf(Key));
    }
}
