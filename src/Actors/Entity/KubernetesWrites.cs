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
/// </summary>
public sealed record KubernetesWrites(ImmutableHashSet<(string ClusterId, KubernetesWriteKind Kind, string ResourceVersion, string Detail)> Done)
{
    public static KubernetesWrites None { get; } = new([]);

    public bool Contains(string clusterId, KubernetesWriteKind kind, string resourceVersion, string detail = "") =>
        Done.Contains((clusterId, kind, resourceVersion, detail));

    public KubernetesWrites Add(string clusterId, KubernetesWriteKind kind, string resourceVersion, string detail = "") =>
        new(Done.Add((clusterId, kind, resourceVersion, detail)));
}
