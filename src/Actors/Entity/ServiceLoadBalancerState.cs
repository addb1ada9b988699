using DirectLB.Actors.Planning;
using DirectLB.Actors.Serialization;

namespace DirectLB.Actors.Entity;

/// <summary>An operation whose intent is journaled and whose outcome is not (yet).</summary>
public sealed record PendingOperation(long Sequence, ProviderOperation Operation)
{
    /// <summary>
    /// A targets change: what it applies follows from its intent alone, so its success is not journaled on its own.
    /// The entity journals its next intent only after this call has succeeded (a failure is always journaled, and after
    /// a crash an intent in doubt is read back, and the read-back journaled, before any new one), so the next intent
    /// in the journal is what says it succeeded. Half the journal writes of a rollout; an intent with nothing after it
    /// stays in doubt and is read back after a restart or failover, as every load balancer is anyway.
    /// </summary>
    public bool SucceedsUnjournaled => Operation is ChangeTargets;
}

/// <summary>
/// The entity's persistent state, rebuilt by applying journaled events; also its snapshot. Pure.
/// </summary>
public sealed record ServiceLoadBalancerState(
    AppliedLoadBalancer? Applied,
    PendingOperation? InFlight,
    bool NeedsObservation,
    long LastSequence,
    string? LastError) : IDirectLbPersisted
{
    public static ServiceLoadBalancerState Empty { get; } = new(null, null, false, 0, null);

    /// <summary>True when the provider may hold something the journal does not know: read it back first.</summary>
    public bool InDoubt => InFlight is not null || NeedsObservation;

    public ServiceLoadBalancerState Apply(IServiceLoadBalancerEvent @event) => @event switch
    {
        OperationStarted started => ImpliedSuccess(started) with { InFlight = new PendingOperation(started.Sequence, started.Operation), LastSequence = started.Sequence },
        OperationSucceeded succeeded when InFlight?.Sequence == succeeded.Sequence => this with
        {
            Applied = AppliedAfter(InFlight.Operation, succeeded),
            InFlight = null,
            NeedsObservation = false,
            LastError = null,
        },
        OperationFailed failed when InFlight?.Sequence == failed.Sequence => this with
        {
            InFlight = null,
            // A provision that failed part-way may have left a load balancer the journal does not know, and one that is
            // missing (or not ours) may have been replaced: read it back, also after a failover.
            NeedsObservation = failed.LoadBalancerMissing || InFlight.Operation is ProvisionLoadBalancer,
            LastError = failed.Error,
        },
        LoadBalancerObserved observed => this with
        {
            Applied = observed.Observed is null ? null : AppliedLoadBalancer.FromProvider(observed.Observed, observed.Owner, Applied, observed.At),
            InFlight = null,
            NeedsObservation = false,
        },
        _ => this, // an outcome for another sequence: a stale duplicate, ignore
    };

    /// <summary>
    /// A new intent after one whose success is not journaled: that one succeeded (<see cref="PendingOperation.SucceedsUnjournaled"/>),
    /// at the latest when the new one started, which keeps a target it began to drain draining a little longer, never shorter.
    /// </summary>
    private ServiceLoadBalancerState ImpliedSuccess(OperationStarted next) =>
        InFlight is { SucceedsUnjournaled: true } implied ? Apply(new OperationSucceeded(implied.Sequence, null, next.At)) : this;

    private AppliedLoadBalancer? AppliedAfter(ProviderOperation operation, OperationSucceeded outcome) => operation switch
    {
        CreateLoadBalancer create => AppliedLoadBalancer.FromProvider(
            outcome.Observed ?? throw new InvalidOperationException("create succeeded without a load balancer"),
            create.Owner,
            Applied,
            outcome.At),
        ProvisionLoadBalancer provision => provision.Listeners.Aggregate(
            AppliedLoadBalancer.FromProvider(
                outcome.Observed ?? throw new InvalidOperationException("provision succeeded without a load balancer"),
                provision.Owner,
                Applied,
                outcome.At),
            (applied, l) => applied.WithListener(l.Spec).WithTargetChanges(l.Spec.Key, l.Targets, [], outcome.At)),
        ObserveLoadBalancer observe => outcome.Observed is null
            ? null
            : AppliedLoadBalancer.FromProvider(outcome.Observed, observe.Owner, Applied, outcome.At),
        MoveLoadBalancer move => Applied is null ? null : Applied with { Address = outcome.Observed?.Address ?? move.Address },
        ReaddressLoadBalancer => Applied is null || outcome.Observed is not { } readdressed
            ? Applied
            : Applied with { Address = readdressed.Address, SecondaryAddress = readdressed.SecondaryAddress },
        EnsureListener ensure => Applied?.WithListener(ensure.Listener),
        DeleteListener delete => Applied?.WithoutListener(delete.Listener),
        ChangeTargets change => Applied?.WithTargetChanges(change.Listener, change.Upserts, change.Removals, outcome.At),
        DeleteLoadBalancer => null,
        _ => throw new InvalidOperationException($"unknown operation {operation.GetType().Name}"),
    };
}
