using Akka.Cluster.SBR;
using DirectLB.Host.Configuration;

namespace DirectLB.Host.Hosting;

/// <summary>
/// How the replicas notice that one is gone and decide who stays: the failure detector, the split brain resolver
/// (keep-majority: never auto-down; the side of a partition that keeps the majority downs the other, which stops, so two
/// replicas never own the same Service) and its time limits. One block of HOCON, so that the host and the tests that
/// partition real actor systems run the same settings.
/// </summary>
public static class ClusterDowning
{
    public static string Hocon(AkkaClusterOptions cluster) =>
        $"""
        akka.cluster.downing-provider-class = "{typeof(SplitBrainResolverProvider).AssemblyQualifiedName}"
        akka.cluster.split-brain-resolver.active-strategy = keep-majority
        akka.cluster.split-brain-resolver.stable-after = {Milliseconds(cluster.StableAfter)}
        akka.cluster.split-brain-resolver.down-all-when-unstable = {Milliseconds(cluster.DownAllWhenUnstable)}
        akka.cluster.down-removal-margin = {Milliseconds(cluster.RemovalMargin)}
        akka.cluster.failure-detector.acceptable-heartbeat-pause = {Milliseconds(cluster.AcceptableHeartbeatPause)}
        # How often the leader moves members on (Akka's default 1 s): a downed or exiting replica is removed,
        # and its shards and singletons may start on a survivor, at the leader's next tick.
        akka.cluster.leader-actions-interval = 500ms
        """;

    private static string Milliseconds(TimeSpan span) => $"{(long)span.TotalMilliseconds}ms";
}
