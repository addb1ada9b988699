using System.Collections.Immutable;

namespace DirectLB.Actors.Domain;

/// <summary>
/// What DirectLB needs to know of a Service, normalized by the watcher so that no Kubernetes client type
/// travels further. Only <c>directlb.io/</c> annotations are kept, and the older source ranges annotation
/// (<c>service.beta.kubernetes.io/load-balancer-source-ranges</c>).
/// </summary>
public sealed record ServiceSnapshot(
    string Uid,
    string ResourceVersion,
    DateTimeOffset CreatedAt,
    string Type,
    string? LoadBalancerClass,
    ImmutableArray<ServicePortSnapshot> Ports,
    ImmutableSortedDictionary<string, string> Annotations,
    ImmutableArray<string> SourceRanges,
    bool HasFinalizer,
    bool IsDeleting,
    ImmutableArray<string> Ingress)
{
    /// <summary><c>spec.sessionAffinity</c> as the API gives it (<c>None</c>, <c>ClientIP</c>); the planner validates it.</summary>
    public string SessionAffinity { get; init; } = "None";

    /// <summary><c>spec.sessionAffinityConfig.clientIP.timeoutSeconds</c>, null when not given.</summary>
    public int? AffinityTimeoutSeconds { get; init; }

    /// <summary><c>spec.loadBalancerIP</c> as the API gives it, null when not set; the planner validates it.</summary>
    public string? LoadBalancerIP { get; init; }

    /// <summary><c>spec.ipFamilies</c> as the API gives it (the API server fills it in; empty when absent).</summary>
    public ImmutableArray<string> IpFamilies { get; init; } = [];

    /// <summary><c>spec.ipFamilyPolicy</c>, null when absent (SingleStack).</summary>
    public string? IpFamilyPolicy { get; init; }

    /// <summary>The <c>ipMode</c> of each <see cref="Ingress"/> entry, "" where it has none (an older API server drops it).</summary>
    public ImmutableArray<string> IngressIpModes { get; init; } = [];

    /// <summary>
    /// <c>metadata.finalizers</c> at <see cref="ResourceVersion"/>, so that the finalizer can be edited without reading the
    /// Service first; null when not known (an observation sent by a replica of an older version).
    /// </summary>
    public ImmutableArray<string>? Finalizers { get; init; }
}

/// <summary>A Service port. Protocol stays the API's string so the planner can name an unsupported one.</summary>
public sealed record ServicePortSnapshot(string Name, string Protocol, int Port);
