using System.Collections.Immutable;

namespace DirectLB.Actors.Entity;

/// <summary>The kinds of write the entity makes to a member cluster's Service.</summary>
public enum KubernetesWriteKind
{
    AddFinalizer,
    RemoveFinalizer,
    SetIngress,
}

/// <summary>
/// Writes the entity already made against a given resourceVersion of a Service. The watcher's view lags
/// behind our own writes; remembering them avoids writing twice. A newer observation of the Service
/// (another resourceVersion) supersedes the memory, so a finalizer someone removed is added again.
/// A status write a member cluster refused is held until its retry time (<see cref="IngressHeldUntil"/>): it is the
/// plan's last step for that cluster, so the load balancer goes on following its pods meanwhile.
/// </summary>
public sealed record KubernetesWrites(
    ImmutableHashSet<(string ClusterId, KubernetesWriteKind Kind, string ResourceVersion, string Detail)> Done,
    ImmutableDictionary<string, DateTimeOffset> IngressHeldUntil)
{
    public static KubernetesWrites None { get; } = new([], ImmutableDictionary<string, DateTimeOffset>.Empty);

    public bool Contains(string clusterId, KubernetesWriteKind kind, string resourceVersion, string detail = "") =>
        Done.Contains((clusterId, kind, resourceVersion, detail));

    /// <summary>A write that landed; a status write that lands ends its cluster's hold.</summary>
    public KubernetesWrites Add(string clusterId, KubernetesWriteKind kind, string resourceVersion, string detail = "") =>
        new(Done.Add((clusterId, kind, resourceVersion, detail)), kind == KubernetesWriteKind.SetIngress ? IngressHeldUntil.Remove(clusterId) : IngressHeldUntil);

    /// <summary>A status write to <paramref name="clusterId"/> failed: the next one waits until <paramref name="until"/>.</summary>
    public KubernetesWrites HoldIngress(string clusterId, DateTimeOffset until) => this with { IngressHeldUntil = IngressHeldUntil.SetItem(clusterId, until) };

    public bool IsIngressHeld(string clusterId, DateTimeOffset now) => IngressHeldUntil.TryGetValue(clusterId, out var until) && until > now;

    /// <summary>When the earliest hold still running ends: the time to try the held status writes again.</summary>
    public DateTimeOffset? NextIngressRetry(DateTimeOffset now) =>
        IngressHeldUntil.Values.Where(until => until > now).Select(until => (DateTimeOffset?)until).Min();
}
