using Akka.Configuration;
using DirectLB.Host.Configuration;

namespace DirectLB.Bench;

/// <summary>
/// The settings that bound a failover: the failure detector's (Akka.NET's defaults but for the acceptable heartbeat
/// pause, the host's <c>DirectLB:Cluster:AcceptableHeartbeatPause</c>), the split brain resolver's stable-after (the
/// host's <c>DirectLB:Cluster:StableAfter</c>) and its down-all limit (<c>DirectLB:Cluster:DownAllWhenUnstable</c>), the removal margin (<c>DirectLB:Cluster:RemovalMargin</c>, Akka's
/// <c>down-removal-margin</c>) and whether a replica whose port refuses connections is downed at once
/// (<c>DirectLB:Cluster:DownRefusedReplicas</c>), and the number of shards the Services are spread over
/// (<c>DirectLB:Cluster:Shards</c>: a stopping replica's shards are allocated on a survivor one at a time).
/// </summary>
public sealed record FailoverSettings(
    TimeSpan StableAfter,
    TimeSpan ProductionStableAfter,
    TimeSpan DownAllWhenUnstable,
    TimeSpan ProductionDownAllWhenUnstable,
    TimeSpan HeartbeatInterval,
    double Threshold,
    TimeSpan AcceptableHeartbeatPause,
    TimeSpan ProductionAcceptableHeartbeatPause,
    TimeSpan RemovalMargin,
    TimeSpan ProductionRemovalMargin,
    bool DownRefusedReplicas,
    bool ProductionDownRefusedReplicas,
    int Shards,
    int ProductionShards)
{
    public static FailoverSettings For(BenchOptions options)
    {
        var production = new AkkaClusterOptions();
        // Akka.Cluster's reference configuration, as every replica loads it.
        var cluster = ConfigurationFactory.FromResource<Akka.Cluster.Cluster>("Akka.Cluster.Configuration.Cluster.conf").GetConfig("akka.cluster");
        var detector = cluster.GetConfig("failure-detector");
        return new FailoverSettings(
            options.StableAfter ?? production.StableAfter,
            production.StableAfter,
            options.DownAllWhenUnstable ?? production.DownAllWhenUnstable,
            production.DownAllWhenUnstable,
            detector.GetTimeSpan("heartbeat-interval"),
            detector.GetDouble("threshold"),
            options.HeartbeatPause ?? production.AcceptableHeartbeatPause,
            production.AcceptableHeartbeatPause,
            options.RemovalMargin ?? production.RemovalMargin,
            production.RemovalMargin,
            options.DownRefusedReplicas ?? production.DownRefusedReplicas,
            production.DownRefusedReplicas,
            options.Shards ?? production.Shards,
            production.Shards);
    }
}
