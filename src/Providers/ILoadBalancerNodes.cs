namespace DirectLB.Providers;

/// <summary>
/// A provider that applies every load balancer to several load balancer nodes, and what it knows of each node's
/// copy: for the status page and API.
/// </summary>
public interface ILoadBalancerNodes
{
    /// <summary>Each node's state for one load balancer, in the order the nodes were configured.</summary>
    IReadOnlyList<NodeSync> NodesOf(string loadBalancerId);
}

/// <summary>
/// One node's copy of one load balancer: <c>in-sync</c> (the node answered the last call or read-back with it),
/// <c>unreachable</c> (it had it when last reached, and cannot be reached now), <c>behind</c> (it missed a change
/// while it could not be reached, and catches up when it answers again), <c>failed</c> (the node answered with an
/// error) or <c>unknown</c> (not asked yet), since <see cref="Since"/>; <see cref="Detail"/> says why.
/// </summary>
public sealed record NodeSync(string Node, string State, string? Detail, DateTimeOffset Since)
{
    public const string InSync = "in-sync";
    public const string Unreachable = "unreachable";
    public const string Behind = "behind";
    public const string Failed = "failed";
    public const string Unknown = "unknown";
}
