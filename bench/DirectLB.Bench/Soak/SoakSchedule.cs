namespace DirectLB.Bench.Soak;

/// <summary>The faults the soak injects besides the provider's random ones.</summary>
public enum FaultKind
{
    /// <summary>SIGKILL a replica, start it again after <see cref="SoakFault.Duration"/>.</summary>
    KillReplica,

    /// <summary>End every watch of a member cluster's API server (the client must watch again).</summary>
    CutWatches,

    /// <summary>Stop a member cluster's API server and start it again after a few seconds.</summary>
    RestartApiServer,

    /// <summary>A member cluster's API server is away for a long while: the cluster is unreachable.</summary>
    ClusterUnreachable,

    /// <summary>Stop PostgreSQL (every connection cut) and start it again.</summary>
    RestartPostgres,

    /// <summary>Remove a target from a load balancer behind DirectLB's back.</summary>
    RemoveTarget,

    /// <summary>Delete a load balancer behind DirectLB's back.</summary>
    DeleteLoadBalancer,
}

/// <summary>
/// One fault at <see cref="At"/> after the chaos starts. <see cref="Pick"/> chooses among the candidates when the
/// fault runs (a replica, a member cluster, a load balancer); <see cref="Duration"/> is how long it lasts.
/// </summary>
public sealed record SoakFault(TimeSpan At, FaultKind Kind, int Pick, TimeSpan Duration)
{
    public override string ToString() => $"+{At.TotalSeconds:F0} s {Kind}" + (Duration > TimeSpan.Zero ? $" for {Duration.TotalSeconds:F0} s" : "");
}

/// <summary>
/// Draws the soak's fault schedule from a seed: the same seed and length, the same faults at the same moments.
/// About every minute a replica is killed and started again; watches are cut every 20 to 60 s; an API server
/// restarts every ~5 minutes; one member cluster is unreachable once, for a while, and PostgreSQL restarts once;
/// a target is removed every ~2 minutes and a load balancer deleted every ~5 minutes, each at least once.
/// </summary>
public static class SoakSchedule
{
    public static IReadOnlyList<SoakFault> Draw(int seed, TimeSpan length)
    {
        var random = new Random(seed);
        var faults = new List<SoakFault>();
        var minutes = length.TotalMinutes;
        TimeSpan Seconds(double from, double to) => TimeSpan.FromSeconds(from + (random.NextDouble() * (to - from)));

        // Kills: the first after 30-60 s, then every 45-75 s; the replica is away 5-20 s.
        for (var at = Seconds(30, 60); at < length - TimeSpan.FromSeconds(20); at += Seconds(45, 75))
        {
            faults.Add(new SoakFault(at, FaultKind.KillReplica, random.Next(), Seconds(5, 20)));
        }

        for (var at = Seconds(10, 40); at < length; at += Seconds(20, 60))
        {
            faults.Add(new SoakFault(at, FaultKind.CutWatches, random.Next(), TimeSpan.Zero));
        }

        Spread(FaultKind.RestartApiServer, Math.Max(1, (int)(minutes / 5)), () => Seconds(2, 6));
        Spread(FaultKind.RemoveTarget, Math.Max(1, (int)(minutes / 2)), () => TimeSpan.Zero);
        Spread(FaultKind.DeleteLoadBalancer, Math.Max(1, (int)(minutes / 5)), () => TimeSpan.Zero);

        // The long outages once each, apart from each other: a cluster away for 1-2 minutes (a fifth to a third
        // of a short run), PostgreSQL for 5-15 s.
        var away = TimeSpan.FromSeconds(Math.Min(60 + (random.NextDouble() * 60), length.TotalSeconds * (0.2 + (random.NextDouble() * 0.13))));
        faults.Add(new SoakFault(length * (0.25 + (random.NextDouble() * 0.15)), FaultKind.ClusterUnreachable, random.Next(), away));
        faults.Add(new SoakFault(length * (0.6 + (random.NextDouble() * 0.2)), FaultKind.RestartPostgres, 0, Seconds(5, 15)));
        return [.. faults.OrderBy(f => f.At)];

        // Count faults, each at a random moment of its own slice of the run.
        void Spread(FaultKind kind, int count, Func<TimeSpan> duration)
        {
            var slice = length / count;
            for (var i = 0; i < count; i++)
            {
                faults.Add(new SoakFault((slice * i) + (slice * (0.1 + (random.NextDouble() * 0.8))), kind, random.Next(), duration()));
            }
        }
    }
}
