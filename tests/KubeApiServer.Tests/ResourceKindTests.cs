using DirectLB.KubeApiServer.Store;
using DirectLB.KubeApiServer.Typed;
using k8s;
using k8s.Models;
using Xunit;

namespace DirectLB.KubeApiServer.Tests;

public sealed class ResourceKindTests : IAsyncLifetime
{
    private TestCluster _cluster = null!;

    public async Task InitializeAsync() => _cluster = await TestCluster.StartAsync();

    public async Task DisposeAsync() => await _cluster.DisposeAsync();

    [Fact]
    public async Task EndpointSlices_are_served_under_discovery_k8s_io_v1()
    {
        var slice = new V1EndpointSlice
        {
            Metadata = new V1ObjectMeta { Name = "web-abc", Labels = new Dictionary<string, string> { ["kubernetes.io/service-name"] = "web" } },
            AddressType = "IPv4",
            Endpoints = [new V1Endpoint { Addresses = ["10.1.0.5"], Conditions = new V1EndpointConditions { Ready = true } }],
            Ports = [new Discoveryv1EndpointPort { Port = 8080, Protocol = "TCP" }],
        };
        var created = await _cluster.Client.DiscoveryV1.CreateNamespacedEndpointSliceAsync(slice, "default");
        _cluster.Server.Store.Create(new V1EndpointSlice
        {
            Metadata = new V1ObjectMeta { Name = "other", NamespaceProperty = "default" },
            AddressType = "IPv4",
            Endpoints = [],
        });

        var listed = await _cluster.Client.DiscoveryV1.ListNamespacedEndpointSliceAsync("default", labelSelector: "kubernetes.io/service-name=web");

        Assert.Equal("discovery.k8s.io/v1", created.ApiVersion);
        Assert.Equal(["web-abc"], listed.Items.Select(s => s.Metadata.Name));
        Assert.Equal("10.1.0.5", listed.Items[0].Endpoints[0].Addresses[0]);
        Assert.Contains(_cluster.Server.Requests, r => r.PathAndQuery.StartsWith("/apis/discovery.k8s.io/v1/namespaces/default/endpointslices", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Core_and_events_k8s_io_events_are_stored_and_found_by_involved_object()
    {
        var service = await _cluster.Client.CoreV1.CreateNamespacedServiceAsync(TestCluster.Service("default", "web"), "default");
        var reference = new V1ObjectReference { Kind = "Service", Name = "web", NamespaceProperty = "default", Uid = service.Metadata.Uid };
        await _cluster.Client.CoreV1.CreateNamespacedEventAsync(new Corev1Event
        {
            Metadata = new V1ObjectMeta { GenerateName = "web." },
            InvolvedObject = reference,
            Reason = "IPAllocated",
            Message = "allocated 10.0.0.1",
            Type = "Normal",
        }, "default");
        await _cluster.Client.EventsV1.CreateNamespacedEventAsync(new Eventsv1Event
        {
            Metadata = new V1ObjectMeta { Name = "web.1" },
            Regarding = reference,
            Reason = "SyncFailed",
            Note = "no pool",
            Type = "Warning",
            Action = "Allocate",
            ReportingController = "directlb.io/controller",
            ReportingInstance = "directlb-0",
            EventTime = DateTime.UtcNow,
        }, "default");

        Assert.Equal(["IPAllocated"], _cluster.Server.Store.CoreEventsFor("default", "web", "Service").Select(e => e.Reason));
        Assert.Equal(["SyncFailed"], _cluster.Server.Store.EventsFor("default", "web").Select(e => e.Reason));
        var byField = await _cluster.Client.CoreV1.ListNamespacedEventAsync("default", fieldSelector: "involvedObject.name=web,reason=IPAllocated");
        Assert.Single(byField.Items);
    }

    [Fact]
    public async Task Namespaces_are_cluster_scoped()
    {
        await _cluster.Client.CoreV1.CreateNamespaceAsync(new V1Namespace { Metadata = new V1ObjectMeta { Name = "team-a" } });

        var fetched = await _cluster.Client.CoreV1.ReadNamespaceAsync("team-a");
        var listed = await _cluster.Client.CoreV1.ListNamespaceAsync();

        Assert.Null(fetched.Metadata.NamespaceProperty);
        Assert.Equal(ObjectStore.SystemNamespaces.Concat(TestCluster.Namespaces).Append("team-a").Order(), listed.Items.Select(n => n.Metadata.Name).Order());
        Assert.NotNull(_cluster.Server.Store.Get<V1Namespace>(null, "team-a"));
    }

    [Fact]
    public async Task Pods_and_secrets_round_trip()
    {
        await _cluster.Client.CoreV1.CreateNamespacedPodAsync(new V1Pod
        {
            Metadata = new V1ObjectMeta { Name = "speaker-x" },
            Spec = new V1PodSpec { NodeName = "node-1", Containers = [new V1Container { Name = "c", Image = "busybox" }] },
        }, "kube-system");
        await _cluster.Client.CoreV1.CreateNamespacedSecretAsync(new V1Secret
        {
            Metadata = new V1ObjectMeta { Name = "creds" },
            Type = "Opaque",
            Data = new Dictionary<string, byte[]> { ["token"] = "s3cr3t"u8.ToArray() },
        }, "kube-system");

        var pods = await _cluster.Client.CoreV1.ListNamespacedPodAsync("kube-system", fieldSelector: "spec.nodeName=node-1");
        var secret = await _cluster.Client.CoreV1.ReadNamespacedSecretAsync("creds", "kube-system");

        Assert.Equal(["speaker-x"], pods.Items.Select(p => p.Metadata.Name));
        Assert.Equal("s3cr3t"u8.ToArray(), secret.Data["token"]);
    }
}
