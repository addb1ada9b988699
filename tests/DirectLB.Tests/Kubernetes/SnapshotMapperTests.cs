using DirectLB.Actors.Kubernetes;
using DirectLB.Actors.Planning;
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

        var snapshot = SnapshotMapper.ToSnapshot(service);

        Assert.Equal([SourceRangesField.Annotation], snapshot.Annotations.Keys);
        Assert.Equal(["192.168.0.0/16"], snapshot.SourceRanges.ToArray());
        Assert.Equal(("ClientIP", (int?)600), (snapshot.SessionAffinity, snapshot.AffinityTimeoutSeconds));
        Assert.Equal(["127.0.100.1", "fd00::1"], snapshot.Ingress.ToArray());
        Assert.Equal(["Proxy", ""], snapshot.IngressIpModes.ToArray());
    }

    [Fact]
    public void A_Service_without_affinity_or_status_has_none()
    {
        var snapshot = SnapshotMapper.ToSnapshot(new V1Service { Metadata = new V1ObjectMeta { Name = "web" }, Spec = new V1ServiceSpec() });

        Assert.Equal(("None", (int?)null), (snapshot.SessionAffinity, snapshot.AffinityTimeoutSeconds));
        Assert.Empty(snapshot.Ingress);
        Assert.Empty(snapshot.IngressIpModes);
    }
}
