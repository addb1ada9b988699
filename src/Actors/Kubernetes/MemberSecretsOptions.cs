namespace DirectLB.Actors.Kubernetes;

/// <summary>
/// Where member clusters are registered at run time: Secrets labelled <see cref="Label"/>=true in one namespace of
/// the cluster DirectLB runs in, each holding a kubeconfig under <see cref="KubeconfigKey"/> and naming its cluster id
/// in label <see cref="ClusterIdLabel"/> (else the Secret's name is the id).
/// </summary>
public sealed record MemberSecretsOptions(string Namespace)
{
    public const string Label = "directlb.io/member-cluster";
    public const string ClusterIdLabel = "directlb.io/cluster-id";
    public const string KubeconfigKey = "kubeconfig";
}
