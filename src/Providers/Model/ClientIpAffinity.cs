namespace DirectLB.Providers.Model;

/// <summary>
/// <c>sessionAffinity: ClientIP</c> on a listener: connections from one client address keep reaching the same target
/// while it serves, until the client has been silent for <see cref="TimeoutSeconds"/> (kube-proxy's meaning: the timeout
/// runs from the client's last connection). A target that drains or leaves ends its clients' affinity.
/// </summary>
public sealed record ClientIpAffinity(int TimeoutSeconds)
{
    /// <summary>Kubernetes' default <c>sessionAffinityConfig.clientIP.timeoutSeconds</c>: 3 hours.</summary>
    public const int DefaultTimeoutSeconds = 10800;

    /// <summary>The largest timeout Kubernetes accepts: one day.</summary>
    public const int MaxTimeoutSeconds = 86400;
}
