using DirectLB.Actors.Planning;
using DirectLB.Actors.Serialization;
using DirectLB.Providers.Model;

namespace DirectLB.Actors.Entity;

/// <summary>What the entity journals: its intents towards the provider and their outcomes, nothing else.</summary>
public interface IServiceLoadBalancerEvent : IDirectLbPersisted;

/// <summary>Persisted before the provider is called: if the outcome is never recorded, the call is in doubt.</summary>
public sealed record OperationStarted(long Sequence, ProviderOperation Operation, DateTimeOffset At) : IServiceLoadBalancerEvent;

/// <summary>The provider confirmed the operation. <see cref="Observed"/> is what it returned, for create and observe.</summary>
public sealed record OperationSucceeded(long Sequence, LoadBalancerInfo? Observed, DateTimeOffset At) : IServiceLoadBalancerEvent;

/// <summary>The provider refused or failed; nothing was applied. <see cref="LoadBalancerMissing"/> asks for a read-back.</summary>
public sealed record OperationFailed(long Sequence, string Error, bool LoadBalancerMissing, DateTimeOffset At) : IServiceLoadBalancerEvent;
