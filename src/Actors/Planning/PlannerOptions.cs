using DirectLB.Providers.Model;

namespace DirectLB.Actors.Planning;

/// <summary>Defaults the planner applies where a Service says nothing.</summary>
public sealed record PlannerOptions
{
    /// <summary>How long a terminating-but-serving endpoint stays as a draining target at most.</summary>
    public TimeSpan DefaultDrainDelay { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>Upper bound for the drain-delay annotation.</summary>
    public TimeSpan MaxDrainDelay { get; init; } = TimeSpan.FromHours(1);

    /// <summary>The installation every load balancer is tagged with (class and id), so it can list its own and only those.</summary>
    public Installation Installation { get; init; } = new("default", Domain.ServiceClassFilter.DefaultClass);
}
