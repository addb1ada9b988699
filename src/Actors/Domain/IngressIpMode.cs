using System.Collections.Immutable;
using System.Net;

namespace DirectLB.Actors.Domain;

/// <summary>
/// <c>status.loadBalancer.ingress[].ipMode</c> (Kubernetes 1.30+). <c>VIP</c> tells kube-proxy that packets reach the
/// nodes with the VIP as destination, so it may short-circuit in-cluster traffic to the VIP straight to the Service's
/// pods. <c>Proxy</c> says the load balancer delivers to the pod itself: in-cluster clients must go through it. Every
/// DirectLB provider (HAProxy, the simulated cloud, a server of the HTTP contract) sends to pod IPs, never to a node with
/// the VIP as destination, so DirectLB always publishes <c>Proxy</c>; with <c>VIP</c>, in-cluster clients would skip the
/// load balancer's source ranges, affinity and PROXY protocol header. It is set only with <c>ip</c>, as the API requires.
/// </summary>
public static class IngressIpMode
{
    public const string Proxy = "Proxy";

    /// <summary>The ipMode each published address must carry: Proxy for an IP, none ("") for a hostname.</summary>
    public static ImmutableArray<string> For(IEnumerable<string> addresses) =>
        [.. addresses.Select(a => IPAddress.TryParse(a, out _) ? Proxy : "")];
}
