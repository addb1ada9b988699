using System.Net;

namespace DirectLB.KubeApiServer.Services;

/// <summary>
/// The cluster's Service network, as kube-apiserver's <c>--service-cluster-ip-range</c> and
/// <c>--service-node-port-range</c> set it: where Services get their cluster IPs and node ports.
/// </summary>
public sealed record ServiceNetwork
{
    /// <summary>A single-stack IPv4 cluster on the kubeadm and kind defaults.</summary>
    public static ServiceNetwork SingleStack { get; } = new();

    /// <summary>A dual-stack cluster, IPv4 first (kind's dual-stack defaults).</summary>
    public static ServiceNetwork DualStack { get; } = new() { ClusterIPRanges = ["10.96.0.0/12", "fd00:10:96::/112"] };

    /// <summary>One CIDR per IP family; the first is the cluster's primary family. At most 2^24 addresses each.</summary>
    public IReadOnlyList<string> ClusterIPRanges { get; init; } = ["10.96.0.0/12"];

    /// <summary>The node port range, inclusive; 2,768 ports on the default.</summary>
    public int FirstNodePort { get; init; } = 30000;

    public int LastNodePort { get; init; } = 32767;

    internal IReadOnlyList<IPNetwork> Ranges() => [.. ClusterIPRanges.Select(IPNetwork.Parse)];
}
