using DirectLB.Actors.Domain;
using DirectLB.Actors.Planning;

namespace DirectLB.Actors.Entity;

/// <summary>How an entity paces its work.</summary>
public sealed record ReconcileOptions
{
    /// <summary>
    /// The debounce window: after a call that changed the load balancer or the Service, how long further changes are
    /// gathered before the next one, so a burst of endpoint events costs at most one call per window. A change that
    /// comes when no window is open is acted on at once (<see cref="DebounceWindow"/>).
    /// </summary>
    public TimeSpan Debounce { get; init; } = TimeSpan.FromMilliseconds(100);

    /// <summary>First retry delay after a failure; it doubles per failure up to <see cref="MaxBackoff"/>.</summary>
    public TimeSpan MinBackoff { get; init; } = TimeSpan.FromSeconds(1);

    public TimeSpan MaxBackoff { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary>While targets drain, how often the provider is asked whether they still have connections (if it can tell).</summary>
    public TimeSpan DrainProbeInterval { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>
    /// How often the entity reads its load balancer back from the provider and repairs what differs (0: never, only
    /// after errors and failovers). Each entity's first read-back comes at a random point of the first interval and
    /// the next ones about an interval apart (±10 %), so ten thousand Services read evenly, not at once.
    /// </summary>
    public TimeSpan ReadBackInterval { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary>
    /// While a pod's readiness gate waits for its targets to turn healthy, how often the load balancer is read back: a
    /// gate opens at most this long after the load balancer says healthy (at 1 s, a 2 s health delay measured 3.1 s).
    /// </summary>
    public TimeSpan GatePollInterval { get; init; } = TimeSpan.FromMilliseconds(500);

    /// <summary>
    /// How long a Service port that no EndpointSlice carries is taken for the EndpointSlice controller catching up (it
    /// writes a renamed or added port into the slices after the Service changes) before it is reported as invalid
    /// configuration. Either way the last good load balancer stays; this only holds back the Warning Event.
    /// </summary>
    public TimeSpan EndpointSliceGrace { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// A targets change's success is journaled by the entity's next intent (one write per change in a rollout); when no
    /// intent follows for this long, the entity journals it on its own, so that after a restart or failover only the
    /// load balancers changed this recently are in doubt and read back first.
    /// </summary>
    public TimeSpan ConfirmWhenQuietFor { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>A snapshot is saved every this many journal events, and older events are deleted.</summary>
    public int SnapshotEvery { get; init; } = 100;

    public ServiceClassFilter Filter { get; init; } = new(ServiceClassFilter.DefaultClass, ClaimServicesWithoutClass: false);

    public PlannerOptions Planner { get; init; } = new();
}
