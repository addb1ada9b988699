using System.Collections.Immutable;
using System.Text.Json.Serialization;
using DirectLB.Providers.Model;

namespace DirectLB.Actors.Planning;

/// <summary>
/// One provider call the entity intends to make. Persisted as intent before the call, so the type names
/// below are part of the journal format: never rename a discriminator.
/// </summary>
[JsonPolymorphic(TypeDiscriminatorPropertyName = "op")]
[JsonDerivedType(typeof(CreateLoadBalancer), "create-lb")]
[JsonDerivedType(typeof(EnsureListener), "ensure-listener")]
[JsonDerivedType(typeof(DeleteListener), "delete-listener")]
[JsonDerivedType(typeof(ChangeTargets), "change-targets")]
[JsonDerivedType(typeof(DeleteLoadBalancer), "delete-lb")]
[JsonDerivedType(typeof(ObserveLoadBalancer), "observe-lb")]
public abstract record ProviderOperation
{
    /// <summary>True for operations that change a listener or the load balancer itself, not only targets.</summary>
    [JsonIgnore]
    public virtual bool ChangesStructure => true;
}

public sealed record CreateLoadBalancer(LoadBalancerOwner Owner, string Name) : ProviderOperation;

public sealed record EnsureListener(string LoadBalancerId, ListenerSpec Listener) : ProviderOperation;

public sealed record DeleteListener(string LoadBalancerId, ListenerKey Listener) : ProviderOperation;

public sealed record ChangeTargets(
    string LoadBalancerId,
    ListenerKey Listener,
    ImmutableArray<TargetSpec> Upserts,
    ImmutableArray<TargetKey> Removals) : ProviderOperation
{
    public override bool ChangesStructure => false;
}

public sealed record DeleteLoadBalancer(string LoadBalancerId) : ProviderOperation;

/// <summary>Reads back what exists, when the outcome of an earlier call is in doubt.</summary>
public sealed record ObserveLoadBalancer(LoadBalancerOwner Owner) : ProviderOperation
{
    public override bool ChangesStructure => false;
}
