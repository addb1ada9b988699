using Akka.Actor;
using Akka.TestKit.Xunit2;
using DirectLB.Actors.Kubernetes;

namespace DirectLB.Tests.Kubernetes;

/// <summary>The watchers' way to the entities: this replica's region while it runs, another replica's once it stopped.</summary>
public sealed class ServiceRouteSpec : TestKit
{
    [Fact]
    public void What_the_watchers_send_after_this_replicas_region_stopped_goes_to_another_replicas_region_from_the_watcher()
    {
        var region = CreateTestProbe();
        var otherRegion = CreateTestProbe();
        var watcher = CreateTestProbe();
        var route = Sys.ActorOf(ServiceRoute.Props(region.Ref, () => Sys.ActorSelection(otherRegion.Ref.Path)));

        route.Tell("before", watcher.Ref);
        region.ExpectMsg("before");
        Assert.Equal(watcher.Ref, region.LastSender);

        Watch(region.Ref);
        Sys.Stop(region.Ref);
        ExpectTerminated(region.Ref);
        AwaitAssert(
            () =>
            {
                route.Tell("after", watcher.Ref);
                otherRegion.ExpectMsg("after", TimeSpan.FromMilliseconds(200));
            },
            TimeSpan.FromSeconds(10));
        Assert.Equal(watcher.Ref, otherRegion.LastSender);
    }
}
