using DirectLB.EndToEnd.Tests.Support;
using DirectLB.KubeApiServer;
using DirectLB.KubeApiServer.Typed;
using k8s.Models;
using static DirectLB.EndToEnd.Tests.Support.KubeObjects;

namespace DirectLB.EndToEnd.Tests;

/// <summary>The API server goes away, history is compacted, watches are cut: DirectLB keeps what it has and converges.</summary>
[Trait("Category", "EndToEnd")]
public class ApiServerOutageTests : EndToEndTest
{
    [Fact]
    public async Task While_the_api_server_is_away_nothing_is_deleted_and_it_converges_when_back()
    {
        Api.Store.Create(LoadBalancerService("web"));
        Api.Store.Create(Slice("web", "web-abc", Ready("10.244.1.5"), Ready("10.244.1.6")));
        await TargetsAre("10.244.1.5:8080", "10.244.1.6:8080");
        var port = Api.Port;

        await Api.StopAsync();
        await Eventually.Until(async () => !(await DirectLb.WatcherStatusAsync()).Connected, "the watcher notices the API server is gone");
        Assert.Equal(["10.244.1.5:8080", "10.244.1.6:8080"], CloudTargets());

        Api.Store.Replace(Slice("web", "web-abc", Ready("10.244.1.6"), Ready("10.244.1.7")));
        Api.Store.CompactHistory(); // the old resourceVersion is gone: the watcher must relist (410)
        Api = await KubeApiServer.KubeApiServer.StartAsync(new KubeApiServerOptions { Port = port, Store = Api.Store, BookmarkInterval = TimeSpan.FromMilliseconds(500) });

        await TargetsAre("10.244.1.6:8080", "10.244.1.7:8080");
        Assert.Single(Cloud.LoadBalancers);
    }

    [Fact]
    public async Task A_slice_deleted_while_the_watch_was_cut_is_noticed_by_the_relist()
    {
        Api.Store.Create(LoadBalancerService("web"));
        Api.Store.Create(Slice("web", "web-abc", Ready("10.244.1.5")));
        Api.Store.Create(Slice("web", "web-def", Ready("10.244.2.5")));
        await TargetsAre("10.244.1.5:8080", "10.244.2.5:8080");
        var port = Api.Port;

        await Api.StopAsync();
        Api.Store.Delete<V1EndpointSlice>(Namespace, "web-def");
        Api.Store.CompactHistory();
        Api = await KubeApiServer.KubeApiServer.StartAsync(new KubeApiServerOptions { Port = port, Store = Api.Store, BookmarkInterval = TimeSpan.FromMilliseconds(500) });

        await TargetsAre("10.244.1.5:8080");
    }

    [Fact]
    public async Task Watches_cut_by_the_server_resume_without_losing_changes()
    {
        Api.Store.Create(LoadBalancerService("web"));
        Api.Store.Create(Slice("web", "web-abc", Ready("10.244.1.5")));
        await TargetsAre("10.244.1.5:8080");

        Api.DropWatches();
        Api.Store.Replace(Slice("web", "web-abc", Ready("10.244.1.5"), Ready("10.244.1.6")));

        await TargetsAre("10.244.1.5:8080", "10.244.1.6:8080");
    }

    [Fact]
    public async Task A_failing_status_write_is_retried_until_it_lands()
    {
        Api.FailNext("PATCH", "/status", 500, times: 2);
        Api.Store.Create(LoadBalancerService("web"));
        Api.Store.Create(Slice("web", "web-abc", Ready("10.244.1.5")));

        await TargetsAre("10.244.1.5:8080");
        await Eventually.Assert(() => Assert.NotEmpty(Api.Store.Get<V1Service>(Namespace, "web")!.Status?.LoadBalancer?.Ingress ?? []));
        await Eventually.Until(() => Api.Store.CoreEventsFor(Namespace, "web").Any(e => e.Reason == "SyncLoadBalancerFailed"), "the failed status write is reported");
    }
}
