using Akka.Actor;
using Akka.TestKit;
using Akka.TestKit.Xunit2;
using DirectLB.Actors.Domain;
using DirectLB.Actors.Entity;
using DirectLB.Actors.Kubernetes;
using DirectLB.Actors.Orphans;
using DirectLB.Actors.Serialization;
using DirectLB.Providers.Model;
using DirectLB.Providers.Simulated;
using DirectLB.Tests.Support;
using Microsoft.Extensions.Logging.Abstractions;
using static DirectLB.Tests.Support.Fixtures;

namespace DirectLB.Tests.Orphans;

/// <summary>
/// The collector against a simulated cloud, with the member clusters' inventory and the shard region played by probes,
/// and a clock the test moves, so grace periods are exact.
/// </summary>
public class OrphanCollectorSpec() : TestKit(DirectLbSerialization.Config)
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(10);
    private readonly SimulatedProvider _cloud = new();
    private readonly ManualClock _clock = new(Fixtures.Now);

    [Fact]
    public async Task In_report_mode_an_orphan_is_listed_and_nothing_is_collected()
    {
        var (memberClusters, services) = (CreateTestProbe(), CreateTestProbe());
        var orphan = await _cloud.EnsureLoadBalancerAsync(Owner with { Name = "gone" }, "shop-gone", CancellationToken.None);
        await _cloud.EnsureLoadBalancerAsync(Owner, "shop-web", CancellationToken.None);
        var collector = Start(OrphanMode.Report, memberClusters, services);

        AnswerInventory(memberClusters, [], Key);
        _clock.Advance(TimeSpan.FromHours(1));
        AnswerInventory(memberClusters, [], Key);

        var report = await collector.Ask<OrphanReport>(GetOrphans.Instance, Deadline);
        var listed = Assert.Single(report.Orphans);
        Assert.Equal((orphan.Id, new ServiceKey("shop", "gone"), false), (listed.LoadBalancerId, listed.Service, listed.Collected));
        services.ExpectNoMsg(TimeSpan.FromMilliseconds(300));
    }

    [Fact]
    public async Task In_delete_mode_an_orphan_goes_to_its_entity_only_after_the_whole_grace_period()
    {
        var (memberClusters, services) = (CreateTestProbe(), CreateTestProbe());
        var orphan = await _cloud.EnsureLoadBalancerAsync(Owner with { Name = "gone", ClusterScope = "east" }, "shop-gone", CancellationToken.None);
        Start(OrphanMode.Delete, memberClusters, services);

        AnswerInventory(memberClusters, [], Key);
        _clock.Advance(TimeSpan.FromMinutes(9));
        AnswerInventory(memberClusters, [], Key);
        services.ExpectNoMsg(TimeSpan.FromMilliseconds(300));
        _clock.Advance(TimeSpan.FromMinutes(1));
        AnswerInventory(memberClusters, [], Key);

        var collect = services.ExpectMsg<CollectOrphan>(Deadline);
        Assert.Equal(new CollectOrphan(new ServiceKey("shop", "gone", "east"), orphan.Id, orphan.Ref.Owner), collect);
    }

    [Fact]
    public async Task An_incomplete_view_of_the_member_clusters_pauses_the_check_and_restarts_every_grace_period()
    {
        var (memberClusters, services) = (CreateTestProbe(), CreateTestProbe());
        await _cloud.EnsureLoadBalancerAsync(Owner with { Name = "gone" }, "shop-gone", CancellationToken.None);
        var collector = Start(OrphanMode.Delete, memberClusters, services);

        AnswerInventory(memberClusters, []);
        _clock.Advance(TimeSpan.FromMinutes(20));
        AnswerInventory(memberClusters, ["member cluster west is not synced or not reachable"]);
        Assert.Contains("west", (await collector.Ask<OrphanReport>(GetOrphans.Instance, Deadline)).Paused);
        AnswerInventory(memberClusters, []);

        services.ExpectNoMsg(TimeSpan.FromMilliseconds(300));
        Assert.Equal(_clock.GetUtcNow(), Assert.Single((await collector.Ask<OrphanReport>(GetOrphans.Instance, Deadline)).Orphans).OrphanedSince);
    }

    [Fact]
    public async Task A_load_balancer_of_another_installation_or_none_is_never_an_orphan()
    {
        var (memberClusters, services) = (CreateTestProbe(), CreateTestProbe());
        await _cloud.EnsureLoadBalancerAsync(Owner with { Name = "theirs", Installation = new Installation("other", ServiceClassFilter.DefaultClass) }, "theirs", CancellationToken.None);
        await _cloud.EnsureLoadBalancerAsync(Owner with { Name = "legacy", Installation = null }, "legacy", CancellationToken.None);
        var collector = Start(OrphanMode.Delete, memberClusters, services);

        AnswerInventory(memberClusters, []);
        _clock.Advance(TimeSpan.FromDays(1));
        AnswerInventory(memberClusters, []);

        Assert.Empty((await collector.Ask<OrphanReport>(GetOrphans.Instance, Deadline)).Orphans);
        services.ExpectNoMsg(TimeSpan.FromMilliseconds(300));
    }

    /// <summary>Starts the collector and waits for its first inventory question.</summary>
    private IActorRef Start(OrphanMode mode, TestProbe memberClusters, TestProbe services)
    {
        var collector = Sys.ActorOf(OrphanCollector.Props(
            _cloud,
            Planner.Installation,
            new OrphanOptions { Mode = mode, Interval = TimeSpan.FromMilliseconds(100), GracePeriod = TimeSpan.FromMinutes(10) },
            memberClusters,
            services,
            _clock,
            NullLoggerFactory.Instance));
        memberClusters.ExpectMsg<GetServiceInventory>(Deadline);
        return collector;
    }

    /// <summary>
    /// Answers the collector's pending inventory question, then waits for its next one: a new question means the check
    /// answered here is done (the collector asks again only then), so the clock can move without racing it.
    /// </summary>
    private void AnswerInventory(TestProbe memberClusters, string[] incomplete, params ServiceKey[] routes)
    {
        memberClusters.Reply(new ServiceInventory([.. incomplete], [.. routes]));
        memberClusters.ExpectMsg<GetServiceInventory>(Deadline);
    }
}
