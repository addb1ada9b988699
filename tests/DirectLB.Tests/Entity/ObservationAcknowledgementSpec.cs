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

/// <summary>The entity's half of the watcher's flow control: it says when it has taken an observation in.</summary>
public class ObservationAcknowledgementSpec()
    : TestKit(ConfigurationFactory.FromResource<TestJournal>("Akka.Persistence.TestKit.config.conf").WithFallback(DirectLbSerialization.Config))
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(15);

    private IActorRef Entity() => Sys.ActorOf(Props.Create(() => new ServiceLoadBalancer(
        Key.ToString(), new SimulatedProvider(), new RecordingServiceWriter(null), new RecordingStateSource(), new ServiceStatusBoard(),
        new ReconcileOptions(), TimeProvider.System, NullLoggerFactory.Instance)));

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
}
