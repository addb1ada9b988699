namespace DirectLB.Providers.Model;

/// <summary>
/// A registered target's health as the load balancer itself sees it: what decides whether traffic reaches the pod,
/// whatever Kubernetes says. It is what opens a pod's readiness gate, and what the status page shows.
/// </summary>
public enum TargetHealth
{
    /// <summary>The provider cannot tell (no health view, or the target is administratively out of rotation).</summary>
    Unknown,

    /// <summary>Registered, not yet checked enough times to be trusted with traffic.</summary>
    Initial,

    /// <summary>Passes its checks and takes traffic.</summary>
    Healthy,

    /// <summary>Fails its checks: the load balancer sends it nothing.</summary>
    Unhealthy,

    /// <summary>Takes no new connections; established ones finish.</summary>
    Draining,
}
