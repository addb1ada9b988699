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
[JsonDerivedType(typeof(ProvisionLoadBalancer), "provision-lb")]
[JsonDerivedType(typeof(EnsureListener), "ensure-listener")]
[JsonDerivedType(typeof(DeleteListener), "delete-listener")]
[JsonDerivedType(typeof(ChangeTargets), "change-targets")]
[JsonDerivedType(typeof(DeleteLoadBalancer), "delete-lb")]
[JsonDerivedType(typeof(MoveLoadBalancer), "move-lb")]
[JsonDerivedType(typeof(ReaddressLoadBalancer), "readdress-lb")]
[JsonDerivedType(typeof(ObserveLoadBalancer), "observe-lb")]
public abstract record ProviderOperation
{
    /// <summary>True for operations that change a listener or the load balancer itself, not only targets.</summary>
    [JsonIgnore]
    public virtual bool ChangesStructure => true;
}

/// <summary>
/// A bare load balancer. No longer planned (see <see cref="ProvisionLoadBalancer"/>), but journals written before
/// may hold it, as a completed step to replay or as an intent in flight to read back.
/// </summary>
public sealed record CreateLoadBalancer(LoadBalancerOwner Owner, string Name) : ProviderOperation;

/// <summary>
/// A new load balancer with its listeners and their first targets, journaled as one operation: one intent and one
/// outcome instead of two of each per step, which is what bounds how fast thousands of Services come up. The steps
/// are each idempotent and run in order (create, every listener, every listener's targets); after a failure part-way
/// the entity reads back what exists before it plans again. <see cref="Address"/> is the Service's requested address
/// (null: the provider chooses; journals written before requested addresses hold none). <see cref="Addresses"/> is the
/// IP families asked of a provider that declares them (null: one address as before; journals written before dual stack
/// hold none).
/// </summary>
public sealed record ProvisionLoadBalancer(
    LoadBalancerOwner Owner,
    string Name,
    ImmutableArray<ProvisionedListener> Listeners,
    string? Address = null) : ProviderOperation
{
    public AddressRequest? Addresses { get; init; }
}

/// <summary>A listener of a <see cref="ProvisionLoadBalancer"/> and the targets it starts with.</summary>
public sealed record ProvisionedListener(ListenerSpec Spec, ImmutableArray<TargetSpec> Targets);

/// <summary>The load balancer moves to the Service's newly requested address, keeping its listeners and targets.</summary>
public sealed record MoveLoadBalancer(string LoadBalancerId, string Address) : ProviderOperation;

/// <summary>
/// The load balancer gets the addresses the Service now asks for (families, requested address), keeping its listeners
/// and targets: what a provider that declares address families is asked instead of a <see cref="MoveLoadBalancer"/>.
/// </summary>
public sealed record ReaddressLoadBalancer(string LoadBalancerId, AddressRequest Addresses) : ProviderOperation;

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

/// <summary>
/// Deletes the load balancer. <see cref="Owner"/> is set when the entity deletes one it does not hold in its journal
/// (an orphan the collector found); otherwise the owner the journal holds is the one checked.
/// </summary>
public sealed record DeleteLoadBalancer(string LoadBalancerId, LoadBalancerOwner? Owner = null) : ProviderOperation;

/// <summary>
/// A read-back journaled as an operation. No longer planned: a read-back changes nothing, so it is not journaled as
/// an intent, only its outcome (<c>LoadBalancerObserved</c>). Journals written before may hold it, completed or in flight.
/// </summary>
public sealed record ObserveLoadBalancer(LoadBalancerOwner Owner) : ProviderOperation
{
    public override bool ChangesStructure => false;
}
