using System.Collections.Immutable;
using DirectLB.Actors.Planning;

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

/// <summary>The Service's configuration is invalid: keep what is applied and say why.</summary>
public sealed record KeepLastGood(ImmutableArray<string> Errors) : ReconcileStep;

/// <summary>Nothing to do until something changes or the deadline passes (a drain delay ends).</summary>
public sealed record InSync(DateTimeOffset? WakeAt) : ReconcileStep;

/// <summary>The load balancer is gone and no member cluster holds the Service for us: the entity can stop.</summary>
public sealed record Finished : ReconcileStep;

/// <summary>No member cluster has told the entity anything yet: acting now could delete a live load balancer.</summary>
public sealed record AwaitObservation : ReconcileStep;
