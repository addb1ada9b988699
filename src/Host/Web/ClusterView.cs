using Akka.Actor;
using Akka.Cluster;
using Akka.Cluster.Sharding;
using Akka.Hosting;
using DirectLB.Actors.Kubernetes;
using DirectLB.Actors.Orphans;
using DirectLB.Host.Hosting;

namespace DirectLB.Host.Web;

/// <summary>Reads what the status page, the readiness probe and the metrics poller show, from the running actors.</summary>
public sealed class ClusterView(ActorSystem system, ActorRegistry registry, WatcherDirectory watchers)
{
    private static readonly TimeSpan AskTimeout = TimeSpan.FromSeconds(3);

    public bool HasJoined => Cluster.Get(system).SelfMember.Status == MemberStatus.Up;

    /// <summary>
    /// Each member cluster's watch state, from the member-cluster singleton wherever it runs; from this replica's
    /// own watchers (perhaps none) while the singleton cannot be reached, e.g. as it moves.
    /// </summary>
    public async Task<IReadOnlyList<WatcherStatus>> AllWatchersAsync() =>
        await SingletonWatchersAsync() ?? await WatchersAsync();

    /// <summary>Each member cluster's watch state as the member-cluster singleton tells it; null if it does not answer in time.</summary>
    public async Task<IReadOnlyList<WatcherStatus>?> SingletonWatchersAsync()
    {
        try
        {
            var all = await registry.Get<MemberClusterManager>().Ask<AllWatcherStatuses>(GetAllWatcherStatuses.Instance, AskTimeout + AskTimeout);
            return [.. all.Watchers.OrderBy(w => w.ClusterId, StringComparer.Ordinal)];
        }
        catch (Exception ex) when (ex is AskTimeoutException or TaskCanceledException)
        {
            return null;
        }
    }

    /// <summary>The orphan collector's last findings, from wherever in the Akka cluster it runs.</summary>
    public async Task<OrphanReport> OrphansAsync(OrphanMode mode)
    {
        try
        {
            return await registry.Get<OrphanCollector>().Ask<OrphanReport>(GetOrphans.Instance, AskTimeout);
        }
        catch (Exception ex) when (ex is AskTimeoutException or TaskCanceledException)
        {
            return new OrphanReport(mode, null, "the orphan collector did not answer (it may be moving to another replica)", []);
        }
    }

    /// <summary>
    /// The watch state of the watchers running on this replica (all of them, or none: they follow the singleton);
    /// a watcher that does not answer in time is reported as such.
    /// </summary>
    public async Task<IReadOnlyList<WatcherStatus>> WatchersAsync()
    {
        var asks = watchers.Watchers.Select(async w =>
        {
            try
            {
                return await w.Value.Ask<WatcherStatus>(GetWatcherStatus.Instance, AskTimeout);
            }
            catch (Exception ex) when (ex is AskTimeoutException or TaskCanceledException)
            {
                return new WatcherStatus(w.Key, Synced: false, Connected: false, "watcher did not answer", 0, 0);
            }
        });
        return [.. (await Task.WhenAll(asks)).OrderBy(w => w.ClusterId, StringComparer.Ordinal)];
    }

    /// <summary>
    /// The replicas of the Akka cluster with their status, whether they are reachable (as the failure detectors of the
    /// replicas this one hears from see them) and how many shards each hosts.
    /// </summary>
    public async Task<IReadOnlyList<ReplicaStatus>> ReplicasAsync()
    {
        var cluster = Cluster.Get(system);
        var members = cluster.State.Members.ToList();
        IReadOnlyDictionary<Address, ShardRegionStats> shards = new Dictionary<Address, ShardRegionStats>();
        if (registry.TryGet<ServiceRegion>(out var region))
        {
            try
            {
                var stats = await region.Ask<ClusterShardingStats>(new GetClusterShardingStats(AskTimeout), AskTimeout + AskTimeout);
                shards = stats.Regions;
            }
            catch (Exception ex) when (ex is AskTimeoutException or TaskCanceledException)
            {
                // The page still shows the members; shard counts are left out.
            }
        }

        return [.. members
            .OrderBy(m => m.Address.ToString(), StringComparer.Ordinal)
            .Select(m => new ReplicaStatus(
                m.Address.ToString(),
                m.Status.ToString(),
                !cluster.State.Unreachable.Contains(m),
                m.Address == cluster.SelfAddress,
                shards.TryGetValue(m.Address, out var s) ? s.Stats.Count : null,
                shards.TryGetValue(m.Address, out var e) ? e.Stats.Values.Sum() : null))];
    }
}

/// <summary>One replica as the status page shows it.</summary>
public sealed record ReplicaStatus(string Address, string Status, bool Reachable, bool IsSelf, int? Shards, int? Entities);
