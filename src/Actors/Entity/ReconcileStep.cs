using System.Collections.Immutable;
using DirectLB.Actors.Planning;
using DirectLB.Providers.Model;

namespace DirectLB.Actors.Entity;

/// <summary>The one thing an entity should do next. Decided purely by <see cref="ReconcileDecision"/>.</summary>
public abstract record ReconcileStep;

/// <summary>Journal the intent, then call the provider.</summary>
public sealed record CallProvider(ProviderOperation Operation) : ReconcileStep;

/// <summary>Write to a member cluster's Service (finalizer or status) at the observed resourceVersion.</summary>
public sealed record WriteService(string ClusterId, KubernetesWriteKind Kind, string ResourceVersion, ImmutableArray<string> Addresses) : ReconcileStep
{
    public string Detail => string.Join(',', Addresses);
}

/// <summary>
/// The Service's configuration is invalid: keep what is applied and say why (<paramref name="SlicesBehind"/>: only
/// because its EndpointSlices may not have caught up with it yet, see <see cref="ReconcileOptions.EndpointSliceGrace"/>).
/// </summary>
public sealed record KeepLastGood(ImmutableArray<string> Errors, bool SlicesBehind = false) : ReconcileStep;

/// <summary>Nothing to do until something changes or the deadline passes (a drain delay ends, or a held status write may be tried again).</summary>
public sealed record InSync(DateTimeOffset? WakeAt) : ReconcileStep;

/// <summary>The load balancer is gone and no member cluster holds the Service for us: the entity can stop.</summary>
public sealed record Finished : ReconcileStep;

/// <summary>
/// Read the load balancer back from the provider, found by its owner's tags, and take what it holds as what is
/// applied: when an operation is in doubt, when a read-back is due, after a provider error.
/// </summary>
public sealed record ReadBack(LoadBalancerOwner Owner) : ReconcileStep;
