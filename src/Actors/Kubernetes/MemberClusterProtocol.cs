using k8s;

namespace DirectLB.Actors.Kubernetes;

/// <summary>Start (or, with new credentials, restart) watching a member cluster.</summary>
public sealed record AddMemberCluster(string ClusterId, KubernetesClientConfiguration Config, string Source);

/// <summary>Stop watching a member cluster: its Services leave their load balancers.</summary>
public sealed record RemoveMemberCluster(string ClusterId);

/// <summary>Asks which member clusters are watched; answered with <see cref="MemberClusterList"/>.</summary>
public sealed record GetMemberClusters
{
    public static GetMemberClusters Instance { get; } = new();
}

public sealed record MemberClusterList(IReadOnlyDictionary<string, string> SourceById);
