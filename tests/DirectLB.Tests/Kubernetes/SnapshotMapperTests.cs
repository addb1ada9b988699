using DirectLB.Actors.Kubernetes;
using DirectLB.Actors.Planning;
using k8s;
using k8s.Models;

namespace DirectLB.Tests.Kubernetes;

public class SnapshotMapperTests
{
    [Fact]
    public void The_contract_fields_of_a_Service_reach_its_snapshot()
    {
        var service = new V1Service
        {
            Metadata = new V1ObjectMeta
            {
                Name = "web",
                NamespaceProperty = "shop",
                Annotations = new Dictionary<string, string> { [SourceRangesField.Annotation] = "10.0.0.0/8", ["example.com/other"] = "x" },
            },
            Spec = new V1ServiceSpec
            {
                Type = "LoadBalancer",
                LoadBalancerSourceRanges = ["192.168.0.0/16"],
                SessionAffinity = "ClientIP",
                SessionAffinityConfig = new V1SessionAffinityConfig { ClientIP = new V1ClientIPConfig { TimeoutSeconds = 600 } },
            },
            Status = new V1ServiceStatus
            {
                LoadBalancer = new V1LoadBalancerStatus
                {
                    Ingress = [new V1LoadBalancerIngress { Ip = "127.0.100.1", IpMode = "Proxy" }, new V1LoadBalancerIngress { Ip = "fd00::1" }, new V1LoadBalancerIngress()],
                },
            },
        };

        var snapshot = new SnapshotMapper().ToSnapshot(service);

        Assert.Equal([SourceRangesField.Annotation], snapshot.Annotations.Keys);
        Assert.Equal(["192.168.0.0/16"], snapshot.SourceRanges.ToArray());
        Assert.Equal(("ClientIP", (int?)600), (snapshot.SessionAffinity, snapshot.AffinityTimeoutSeconds));
        Assert.Equal(["127.0.100.1", "fd00::1"], snapshot.Ingress.ToArray());
        Assert.Equal(["Proxy", ""], snapshot.IngressIpModes.ToArray());
    }

    [Fact]
    public void A_Service_without_affinity_or_status_has_none()
    {
        var snapshot = new SnapshotMapper().ToSnapshot(new V1Service { Metadata = new V1ObjectMeta { Name = "web" }, Spec = new V1ServiceSpec() });

        Assert.Equal(("None", (int?)null), (snapshot.SessionAffinity, snapshot.AffinityTimeoutSeconds));
        Assert.Empty(snapshot.Ingress);
        Assert.Empty(snapshot.IngressIpModes);
    }

    [Fact]
    public void Snapshots_read_from_separate_objects_share_the_values_they_repeat_but_not_their_names()
    {
        var mapper = new SnapshotMapper();
        // Each read from its own JSON, as the client reads each watch event: equal strings, never the same ones.
        var first = mapper.ToWatched(KubernetesJson.Deserialize<V1Service>(ServiceJson("web")));
        var second = mapper.ToWatched(KubernetesJson.Deserialize<V1Service>(ServiceJson("api")));
        var slices = new[] { "web", "api" }.Select(n => mapper.ToWatched(KubernetesJson.Deserialize<V1EndpointSlice>(SliceJson(n)))!).ToList();

        Assert.Same(first.Key.Namespace, second.Key.Namespace);
        Assert.Same(first.Key.Namespace, slices[1].Owner.Namespace);
        Assert.Same(first.Snapshot.Type, second.Snapshot.Type);
        Assert.Same(first.Snapshot.LoadBalancerClass, second.Snapshot.LoadBalancerClass);
        Assert.Same(first.Snapshot.Ports[0].Protocol, second.Snapshot.Ports[0].Protocol);
        Assert.Same(first.Snapshot.Ports[0].Name, slices[1].Snapshot.Ports[0].Name);
        Assert.Same(first.Snapshot.IpFamilies[0], slices[1].Snapshot.AddressType);
        Assert.Same(first.Snapshot.IpFamilyPolicy, second.Snapshot.IpFamilyPolicy);
        Assert.Same(first.Selector!.Keys.Single(), second.Selector!.Keys.Single());
        Assert.Same(slices[0].Snapshot.Endpoints[0].NodeName, slices[1].Snapshot.Endpoints[0].NodeName);
        Assert.Equal(("shop", "TCP", "node-1"), (first.Key.Namespace, first.Snapshot.Ports[0].Protocol, slices[0].Snapshot.Endpoints[0].NodeName));
        // Names, selector values and addresses are each one object's own: pooling them would only fill the pool.
        Assert.NotSame(slices[0].Snapshot.Endpoints[0].TargetName, slices[1].Snapshot.Endpoints[0].TargetName);
        Assert.NotSame(slices[0].Snapshot.Endpoints[0].Addresses[0], slices[1].Snapshot.Endpoints[0].Addresses[0]);
        Assert.Equal(slices[0].Snapshot.Endpoints[0].Addresses[0], slices[1].Snapshot.Endpoints[0].Addresses[0]);
    }

    private static string ServiceJson(string name) => $$$"""
        {"apiVersion":"v1","kind":"Service","metadata":{"name":"{{{name}}}","namespace":"shop"},
         "spec":{"type":"LoadBalancer","loadBalancerClass":"directlb.io/direct","selector":{"app":"{{{name}}}"},
                 "ports":[{"name":"http","port":80,"protocol":"TCP"}],"ipFamilies":["IPv4"],"ipFamilyPolicy":"SingleStack"}}
        """;

    private static string SliceJson(string service) => $$$"""
        {"apiVersion":"discovery.k8s.io/v1","kind":"EndpointSlice","addressType":"IPv4",
         "metadata":{"name":"{{{service}}}-abcde","namespace":"shop","labels":{"kubernetes.io/service-name":"{{{service}}}"}},
         "ports":[{"name":"http","port":8080,"protocol":"TCP"}],
         "endpoints":[{"addresses":["10.244.1.5"],"nodeName":"node-1","targetRef":{"kind":"Pod","name":"{{{service}}}-pod"}}]}
        """;
}
