using System.Collections.Immutable;
using DirectLB.Actors.Planning;
using DirectLB.Actors.Serialization;
using DirectLB.Providers.Model;

namespace DirectLB.Actors.Entity;

/// <summary>What the entity journals: its intents towards the provider and their outcomes, nothing else.</summary>
public interface IServiceLoadBalancerEvent : IDirectLbPersisted;

/// <summary>Persisted before the provider is called: if the outcome is never recorded, the call is in doubt.</summary>
public sealed record OperationStarted(long Sequence, ProviderOperation Operation, DateTimeOffset At) : IServiceLoadBalancerEvent
{
    /// <summary>
    /// The sequence of the operation before this one when that one succeeded without its own outcome event (a targets
    /// change, <see cref="PendingOperation.ConfirmedByNextIntent"/>): this intent is what journals its success. Null on
    /// every other intent, and in journals written before 2026-11-29.
    /// </summary>
    public long? Confirms { get; init; }
}

/// <summary>The provider confirmed the operation. <see cref="Observed"/> is what it returned, for create and observe.</summary>
public sealed record OperationSucceeded(long Sequence, LoadBalancerInfo? Observed, DateTimeOffset At) : IServiceLoadBalancerEvent;

/// <summary>The provider refused or failed; nothing was applied. <see cref="LoadBalancerMissing"/> asks for a read-back.</summary>
public sealed record OperationFailed(long Sequence, string Error, bool LoadBalancerMissing, DateTimeOffset At) : IServiceLoadBalancerEvent;

/// <summary>
/// What a read-back found, journaled when it differs from what the journal held (<see cref="Drift"/>) or when it
/// settles an operation in doubt, so that a new owner after a failover starts from what is, not from what was
/// written. The read itself is never journaled: it changes nothing. <see cref="Observed"/> null: no load balancer.
/// </summary>
public sealed record LoadBalancerObserved(
    LoadBalancerInfo? Observed,
    LoadBalancerOwner Owner,
    ImmutableArray<string> Drift,
    DateTimeOffset At) : IServiceLoadBalancerEvent;
