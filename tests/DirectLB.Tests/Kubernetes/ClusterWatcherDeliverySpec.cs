using Akka.Actor;
using Akka.TestKit;
using Akka.TestKit.Xunit2;
using DirectLB.Actors.Domain;
using DirectLB.Actors.Entity;
using DirectLB.Actors.Kubernetes;
using DirectLB.KubeApiServer.Typed;
using k8s;
using k8s.Models;
using static DirectLB.Tests.Support.Fixtures;

namespace DirectLB.Tests.Kubernetes;

/// <summary>
/// The watcher against a real API test server, with a probe in place of the entities that acknowledges only when
/// told to: a busy entity is sent one observation at a time, then the latest state, never every change.
/// </summary>
public sealed class ClusterWatcherDeliverySpec : TestKit, IAsyncLifetime
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(15);
    private static readonly ServiceKey Busy = new("shop", "busy");
    private static readonly ServiceKey Idle = new("shop", "idle");

    private WatcherApi _api = null!;

    public async Task InitializeAsync() => _api = await WatcherApi.StartAsync();

    public async Task DisposeAsync() => await _api.DisposeAsync();

    [Fact]
    public void A_busy_entity_gets_one_observation_at_a_time_and_then_the_latest_state()
    {
        _api.CreateService(Busy, "10.0.0.1");
        _api.CreateService(Idle, "10.0.1.1");
        var entities = CreateTestProbe();
        var watcher = Sys.ActorOf(_api.WatcherProps(entities.Ref));
        var first = new[] { Next(entities), Next(entities) }.ToDictionary(o => o.Key);
        Assert.True(first[Busy].Acknowledge && first[Idle].Acknowledge);
        watcher.Tell(new ObservationTaken(Idle, Cluster));

        // The busy entity has not taken its first observation: fifty changes to its pods send it nothing more,
        // while the other entity, which has, is sent its change at once.
        for (var i = 2; i <= 51; i++)
        {
            _api.ReplacePods(Busy, $"10.0.0.{i}");
        }

        _api.ReplacePods(Idle, "10.0.1.2");
        var idle = Next(entities);
        Assert.Equal((Idle, "10.0.1.2"), (idle.Key, Address(idle)));

        // Once it takes it in, it is sent the state as it is now: the fiftieth change, once.
        watcher.Tell(new ObservationTaken(Busy, Cluster));
        var busy = Next(entities);
        Assert.Equal((Busy, "10.0.0.51"), (busy.Key, Address(busy)));
        Assert.NotNull(busy.ChangedAt);
        watcher.Tell(new ObservationTaken(Idle, Cluster));
        _api.ReplacePods(Idle, "10.0.1.3");
        Assert.Equal(Idle, Next(entities).Key);
    }

    [Fact]
    public void An_entity_that_asks_for_its_state_again_gets_it_at_once()
    {
        _api.CreateService(Busy, "10.0.0.1");
        var entities = CreateTestProbe();
        var watcher = Sys.ActorOf(_api.WatcherProps(entities.Ref));
        Next(entities);

        // A new incarnation after a journal failure never took the first observation in, and says so.
        watcher.Tell(new ResendServiceState(Busy));

        Assert.Equal(Busy, Next(entities).Key);
    }

    [Fact]
    public void A_watcher_that_stops_sends_the_changes_it_held_for_an_acknowledgement()
    {
        _api.CreateService(Busy, "10.0.0.1");
        _api.CreateService(Idle, "10.0.1.1");
        var entities = CreateTestProbe();
        var watcher = Sys.ActorOf(_api.WatcherProps(entities.Ref));
        Next(entities);
        Next(entities);
        watcher.Tell(new ObservationTaken(Idle, Cluster));

        // The busy entity moved to another replica before it acknowledged, and its watcher is moving too: the
        // acknowledgement would find no one. Its change is held (the idle one's, later, shows it was seen)...
        _api.ReplacePods(Busy, "10.0.0.2");
        _api.ReplacePods(Idle, "10.0.1.2");
        Assert.Equal(Idle, Next(entities).Key);

        // ...and goes out as the watcher stops.
        Watch(watcher);
        Sys.Stop(watcher);
        ExpectTerminated(watcher, Deadline);
        var busy = Next(entities);
        Assert.Equal((Busy, "10.0.0.2"), (busy.Key, Address(busy)));
    }

    private static ServiceObserved Next(TestProbe entities) => entities.ExpectMsg<ServiceObserved>(Deadline);

    private static string Address(ServiceObserved observed) => observed.Observation.Slices.Single().Endpoints.Single().Addresses.Single();
}
