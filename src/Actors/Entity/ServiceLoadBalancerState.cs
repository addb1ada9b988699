using DirectLB.Actors.Planning;
using DirectLB.Actors.Serialization;

namespace DirectLB.Actors.Entity;

/// <summary>An operation whose intent is journaled and whose outcome is not (yet).</summary>
public sealed record PendingOperation(long Sequence, ProviderOperation Operation)
{
    /// <summary>
    /// A targets change: what it applies follows from its intent alone, so its success gets no event of its own; the
    /// entity's next intent confirms it (<see cref="OperationStarted.Confirms"/>). One journal write per targets change,
    /// not two. When no intent follows for a while, the entity journals the success itself
    /// (<see cref="ReconcileOptions.ConfirmWhenQuietFor"/>); a change confirmed by neither stays in doubt in the journal,
    /// and a restart or failover reads the load balancer back before anything else.
    /// </summary>
    public bool ConfirmedByNextIntent => Operation is ChangeTargets;
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
        OperationStarted started => ConfirmedBy(started) with { InFlight = new PendingOperation(started.Sequence, started.Operation), LastSequence = started.Sequence },
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
    /// A new intent that confirms the targets change before it: that change succeeded, at the latest when the new intent
    /// started, which keeps a target it began to drain draining a little longer after a recovery, never shorter.
    /// </summary>
    private ServiceLoadBalancerState ConfirmedBy(OperationStarted next) =>
        InFlight is { ConfirmedByNextIntent: true } pending && next.Confirms == pending.Sequence
            ? Apply(new OperationSucceeded(pending.Sequence, null, next.At))
            : this;

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
