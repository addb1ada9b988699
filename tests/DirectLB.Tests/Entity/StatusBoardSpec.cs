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

/// <summary>The status board holds one report per entity living on this replica, and no more.</summary>
public class StatusBoardSpec()
    : TestKit(ConfigurationFactory.FromResource<TestJournal>("Akka.Persistence.TestKit.config.conf").WithFallback(DirectLbSerialization.Config))
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(15);

    [Fact]
    public void An_entity_that_stops_leaves_the_status_board()
    {
        var board = new ServiceStatusBoard();
        var entity = Sys.ActorOf(Props.Create(() => new ServiceLoadBalancer(
            Key.ToString(), new SimulatedProvider(), new RecordingServiceWriter(null), new RecordingStateSource(), board,
            new ReconcileOptions { Debounce = TimeSpan.FromMilliseconds(20) }, TimeProvider.System, NullLoggerFactory.Instance)));
        entity.Tell(new ServiceObserved(Key, Observation(Service(), Slice("web-abc", [Ready("10.0.0.1")]))));
        AwaitAssert(() => Assert.True(board.Find(Key)?.InSync), Deadline);

        Watch(entity);
        Sys.Stop(entity);
        ExpectTerminated(entity, Deadline);

        Assert.Null(board.Find(Key));
        Assert.Empty(board.List());
    }
}
