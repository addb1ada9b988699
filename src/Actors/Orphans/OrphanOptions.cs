namespace DirectLB.Actors.Orphans;

/// <summary>What the orphan collector does with a load balancer of this installation whose Service is gone.</summary>
public enum OrphanMode
{
    /// <summary>Nothing: no listing, no report.</summary>
    Off,

    /// <summary>Log it, count it in a metric and list it on the status page and under <c>/api/orphans</c>; delete nothing.</summary>
    Report,

    /// <summary>Report it, and once it has been an orphan for the whole grace period, have its Service's entity delete it.</summary>
    Delete,
}

/// <summary>How the orphan collector runs.</summary>
public sealed record OrphanOptions
{
    public OrphanMode Mode { get; init; } = OrphanMode.Report;

    /// <summary>How often the installation's load balancers are listed and checked against the member clusters.</summary>
    public TimeSpan Interval { get; init; } = TimeSpan.FromMinutes(10);

    /// <summary>How long a load balancer must have been seen without a Service, on every check, before it is collected.</summary>
    public TimeSpan GracePeriod { get; init; } = TimeSpan.FromMinutes(30);
}
