using DirectLB.Actors.Kubernetes;
using k8s.Models;

namespace DirectLB.Tests.Kubernetes;

public sealed class KubernetesJsonWarmupTests
{
    [Fact]
    public void Preparing_what_the_watchers_list_reaches_every_type_their_snapshots_are_read_from()
    {
        var prepared = KubernetesJsonWarmup.Prepare(KubernetesJsonWarmup.Listed);

        Type[] read =
        [
            typeof(V1Service), typeof(V1ObjectMeta), typeof(V1ServiceSpec), typeof(V1ServicePort), typeof(V1LoadBalancerIngress),
            typeof(V1EndpointSlice), typeof(V1Endpoint), typeof(V1EndpointConditions), typeof(Discoveryv1EndpointPort), typeof(V1ObjectReference),
            typeof(V1Pod), typeof(V1PodSpec), typeof(V1PodReadinessGate), typeof(V1PodStatus), typeof(V1PodCondition), typeof(V1PodIP),
            typeof(V1Secret), typeof(V1ListMeta),
        ];
        Assert.All(read, type => Assert.Contains(type, prepared));
    }
}
