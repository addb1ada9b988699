using System.Net;
using DirectLB.KubeApiServer.Services;
using DirectLB.KubeApiServer.Store;
using DirectLB.KubeApiServer.Typed;
using k8s;
using k8s.Models;
using Xunit;

namespace DirectLB.KubeApiServer.Tests;

/// <summary>
/// What a real API server does to a Service on its way in, through real HTTP and KubernetesClient: the defaults, the
/// cluster IPs and IP families, the node ports, what an update keeps, what a type change drops, and what is given back
/// only once a Service is gone for good.
/// </summary>
public sealed class ServiceRegistryTests : IAsyncLifetime
{
    private TestCluster _cluster = null!;

    private ICoreV1Operations Api => _cluster.Client.CoreV1;

    public async Task InitializeAsync() => _cluster = await TestCluster.StartAsync();

    public async Task DisposeAsync() => await _cluster.DisposeAsync();

    private static V1Service Service(string name, string? type = "LoadBalancer", params V1ServicePort[] ports) => new()
    {
        Metadata = new V1ObjectMeta { Name = name, NamespaceProperty = "default" },
        Spec = new V1ServiceSpec
        {
            Type = type,
            Selector = new Dictionary<string, string> { ["app"] = name },
            Ports = ports.Length > 0 ? ports : [new V1ServicePort { Name = "http", Port = 80 }],
        },
    };

    private Task<V1Service> CreateAsync(V1Service service) => Api.CreateNamespacedServiceAsync(service, "default");

    private Task<V1Service> PatchAsync(string name, string mergePatch) =>
        Api.PatchNamespacedServiceAsync(new V1Patch(mergePatch, V1Patch.PatchType.MergePatch), name, "default");

    [Fact]
    public async Task A_new_LoadBalancer_Service_gets_what_a_real_server_fills_in()
    {
        var web = await CreateAsync(Service("web"));

        Assert.Equal("None", web.Spec.SessionAffinity);
        Assert.Equal("TCP", web.Spec.Ports[0].Protocol);
        Assert.Equal("80", web.Spec.Ports[0].TargetPort.Value);
        Assert.Equal("Cluster", web.Spec.ExternalTrafficPolicy);
        Assert.Equal("Cluster", web.Spec.InternalTrafficPolicy);
        Assert.True(web.Spec.AllocateLoadBalancerNodePorts);
        Assert.Equal("SingleStack", web.Spec.IpFamilyPolicy);
        Assert.Equal(["IPv4"], web.Spec.IpFamilies);
        Assert.True(IPNetwork.Parse("10.96.0.0/12").Contains(IPAddress.Parse(web.Spec.ClusterIP)));
        Assert.Equal([web.Spec.ClusterIP], web.Spec.ClusterIPs);
        Assert.InRange(web.Spec.Ports[0].NodePort!.Value, 30000, 32767);
        Assert.Null(web.Spec.HealthCheckNodePort);
    }

    [Fact]
    public async Task Ports_of_one_number_share_a_node_port_and_other_ports_get_their_own()
    {
        var dns = await CreateAsync(Service("dns", "NodePort",
            new V1ServicePort { Name = "dns-udp", Port = 53, Protocol = "UDP" },
            new V1ServicePort { Name = "dns-tcp", Port = 53, Protocol = "TCP" },
            new V1ServicePort { Name = "metrics", Port = 9153, Protocol = "TCP" }));

        Assert.Equal(dns.Spec.Ports[0].NodePort, dns.Spec.Ports[1].NodePort);
        Assert.NotEqual(dns.Spec.Ports[0].NodePort, dns.Spec.Ports[2].NodePort);
    }

    [Fact]
    public async Task Without_node_ports_asked_for_a_LoadBalancer_Service_and_a_ClusterIP_one_get_none()
    {
        var direct = Service("direct");
        direct.Spec.AllocateLoadBalancerNodePorts = false;

        var created = await CreateAsync(direct);
        var internalOnly = await CreateAsync(Service("internal", type: null));

        Assert.Null(created.Spec.Ports[0].NodePort);
        Assert.Equal("ClusterIP", internalOnly.Spec.Type);
        Assert.Null(internalOnly.Spec.Ports[0].NodePort);
        Assert.Null(internalOnly.Spec.ExternalTrafficPolicy);
        Assert.Null(internalOnly.Spec.AllocateLoadBalancerNodePorts);
        Assert.NotNull(internalOnly.Spec.ClusterIP);
    }

    [Fact]
    public async Task A_replace_that_leaves_out_the_cluster_IP_and_node_ports_keeps_them_and_one_that_changes_the_cluster_IP_is_refused()
    {
        var web = await CreateAsync(Service("web"));
        var rewritten = Service("web");
        rewritten.Metadata.Labels = new Dictionary<string, string> { ["tier"] = "front" };

        var replaced = await Api.ReplaceNamespacedServiceAsync(rewritten, "web", "default");
        var moved = await ApiAssert.FailsWithAsync(422, "Invalid", () => PatchAsync("web", """{"spec":{"clusterIP":"10.96.0.99"}}"""));

        Assert.Equal(web.Spec.ClusterIP, replaced.Spec.ClusterIP);
        Assert.Equal(web.Spec.Ports[0].NodePort, replaced.Spec.Ports[0].NodePort);
        Assert.Equal(
            "Service \"web\" is invalid: spec.clusterIPs[0]: Invalid value: []string{\"10.96.0.99\"}: may not change once set",
            (string?)moved["message"]);
    }

    [Fact]
    public async Task A_node_port_or_cluster_IP_in_use_is_refused_with_the_real_servers_words()
    {
        var web = await CreateAsync(Service("web"));
        var taken = Service("copy", "NodePort", new V1ServicePort { Port = 80, NodePort = web.Spec.Ports[0].NodePort });
        var sameIp = Service("twin", "ClusterIP");
        sameIp.Spec.ClusterIP = web.Spec.ClusterIP;

        var port = await ApiAssert.FailsWithAsync(422, "Invalid", () => CreateAsync(taken));
        var ip = await ApiAssert.FailsWithAsync(422, "Invalid", () => CreateAsync(sameIp));
        var outside = await ApiAssert.FailsWithAsync(422, "Invalid",
            () => CreateAsync(Service("low", "NodePort", new V1ServicePort { Port = 80, NodePort = 8080 })));

        Assert.Equal($"Service \"copy\" is invalid: spec.ports[0].nodePort: Invalid value: {web.Spec.Ports[0].NodePort}: provided port is already allocated", (string?)port["message"]);
        Assert.Equal($"Service \"twin\" is invalid: spec.clusterIPs: Invalid value: []string{{\"{web.Spec.ClusterIP}\"}}: failed to allocate IP {web.Spec.ClusterIP}: provided IP is already allocated", (string?)ip["message"]);
        Assert.EndsWith("provided port is not in the valid range. The range of valid ports is 30000-32767", (string?)outside["message"]);
    }

    [Fact]
    public async Task A_full_node_port_range_is_a_500_and_a_Service_that_asks_for_none_is_still_created()
    {
        await using var small = await TestCluster.StartAsync(new KubeApiServerOptions
        {
            Store = new ObjectStore(new ObjectStoreOptions { ServiceNetwork = new ServiceNetwork { FirstNodePort = 30000, LastNodePort = 30001 } }),
        });
        await small.Client.CoreV1.CreateNamespacedServiceAsync(Service("a"), "default");
        await small.Client.CoreV1.CreateNamespacedServiceAsync(Service("b"), "default");

        var full = await ApiAssert.FailsWithAsync(500, "InternalError", () => small.Client.CoreV1.CreateNamespacedServiceAsync(Service("c"), "default"));
        var direct = Service("d");
        direct.Spec.AllocateLoadBalancerNodePorts = false;
        await small.Client.CoreV1.CreateNamespacedServiceAsync(direct, "default");

        Assert.Equal("Internal error occurred: failed to allocate a nodePort: range is full", (string?)full["message"]);
        Assert.Equal(["30000", "30001"], new[] { "a", "b" }.Select(n => small.Server.Store.Get<V1Service>("default", n)!.Spec.Ports[0].NodePort.ToString()).Order());
    }

    [Fact]
    public async Task A_node_port_and_cluster_IP_are_given_back_only_once_the_finalizer_lets_the_Service_go()
    {
        var held = Service("held");
        held.Metadata.Finalizers = ["example.com/cleanup"];
        held = await CreateAsync(held);
        var nodePort = held.Spec.Ports[0].NodePort;
        V1Service Claimant()
        {
            var claimant = Service("claimant", "NodePort", new V1ServicePort { Port = 80, NodePort = nodePort });
            claimant.Spec.ClusterIP = held.Spec.ClusterIP;
            return claimant;
        }

        await Api.DeleteNamespacedServiceAsync("held", "default");
        await ApiAssert.FailsWithAsync(422, "Invalid", () => CreateAsync(Claimant()));
        await PatchAsync("held", """{"metadata":{"finalizers":null}}""");
        var claimant = await CreateAsync(Claimant());

        Assert.Equal(nodePort, claimant.Spec.Ports[0].NodePort);
        Assert.Equal(held.Spec.ClusterIP, claimant.Spec.ClusterIP);
    }

    [Fact]
    public async Task Turned_ClusterIP_a_LoadBalancer_Service_loses_its_node_ports_class_and_load_balancer_status()
    {
        var web = Service("web");
        web.Spec.LoadBalancerClass = "example.com/lb";
        web = await CreateAsync(web);
        web.Status = new V1ServiceStatus { LoadBalancer = new V1LoadBalancerStatus { Ingress = [new V1LoadBalancerIngress { Ip = "192.0.2.10" }] } };
        var published = await Api.ReplaceNamespacedServiceStatusAsync(web, "web", "default");

        var turned = await PatchAsync("web", """{"spec":{"type":"ClusterIP"}}""");
        var reuse = await CreateAsync(Service("reuse", "NodePort", new V1ServicePort { Port = 80, NodePort = web.Spec.Ports[0].NodePort }));

        Assert.Equal("VIP", published.Status.LoadBalancer.Ingress[0].IpMode);
        Assert.Null(turned.Spec.Ports[0].NodePort);
        Assert.Null(turned.Spec.LoadBalancerClass);
        Assert.Null(turned.Spec.AllocateLoadBalancerNodePorts);
        Assert.Null(turned.Spec.ExternalTrafficPolicy);
        Assert.Null(turned.Status.LoadBalancer.Ingress);
        Assert.Equal(web.Spec.ClusterIP, turned.Spec.ClusterIP);
        Assert.Equal(web.Spec.Ports[0].NodePort, reuse.Spec.Ports[0].NodePort);
    }

    [Fact]
    public async Task Only_externalTrafficPolicy_Local_gives_a_LoadBalancer_Service_a_health_check_node_port()
    {
        var local = Service("local");
        local.Spec.ExternalTrafficPolicy = "Local";

        var created = await CreateAsync(local);
        var cluster = await PatchAsync("local", """{"spec":{"externalTrafficPolicy":"Cluster"}}""");

        Assert.InRange(created.Spec.HealthCheckNodePort!.Value, 30000, 32767);
        Assert.Null(cluster.Spec.HealthCheckNodePort);
    }

    [Fact]
    public async Task A_single_stack_cluster_refuses_RequireDualStack_and_an_IPv6_family()
    {
        var dual = Service("dual");
        dual.Spec.IpFamilyPolicy = "RequireDualStack";
        var six = Service("six");
        six.Spec.IpFamilies = ["IPv6"];

        var refusedDual = await ApiAssert.FailsWithAsync(422, "Invalid", () => CreateAsync(dual));
        var refusedSix = await ApiAssert.FailsWithAsync(422, "Invalid", () => CreateAsync(six));

        Assert.Equal("Service \"dual\" is invalid: spec.ipFamilyPolicy: Invalid value: \"RequireDualStack\": this cluster is not configured for dual-stack services", (string?)refusedDual["message"]);
        Assert.Equal("Service \"six\" is invalid: spec.ipFamilies[0]: Invalid value: \"IPv6\": not configured on this cluster", (string?)refusedSix["message"]);
    }

    [Fact]
    public async Task On_a_dual_stack_cluster_RequireDualStack_gets_an_address_of_each_family_and_SingleStack_gives_the_second_back()
    {
        await using var dualStack = await TestCluster.StartAsync(new KubeApiServerOptions
        {
            Store = new ObjectStore(new ObjectStoreOptions { ServiceNetwork = ServiceNetwork.DualStack }),
        });
        var dual = Service("dual");
        dual.Spec.IpFamilyPolicy = "RequireDualStack";

        var created = await dualStack.Client.CoreV1.CreateNamespacedServiceAsync(dual, "default");
        var single = await dualStack.Client.CoreV1.PatchNamespacedServiceAsync(
            new V1Patch("""{"spec":{"ipFamilyPolicy":"SingleStack"}}""", V1Patch.PatchType.MergePatch), "dual", "default");

        Assert.Equal(["IPv4", "IPv6"], created.Spec.IpFamilies);
        Assert.True(IPNetwork.Parse("fd00:10:96::/112").Contains(IPAddress.Parse(created.Spec.ClusterIPs[1])));
        Assert.Equal(["IPv4"], single.Spec.IpFamilies);
        Assert.Equal([created.Spec.ClusterIP], single.Spec.ClusterIPs);
    }

    [Fact]
    public async Task A_headless_Service_gets_families_but_no_address_and_an_ExternalName_one_gets_neither()
    {
        var headless = Service("headless", "ClusterIP");
        headless.Spec.ClusterIP = "None";
        var external = Service("external", "ExternalName");
        external.Spec.ExternalName = "db.example.com";

        var createdHeadless = await CreateAsync(headless);
        var createdExternal = await CreateAsync(external);

        Assert.Equal(["None"], createdHeadless.Spec.ClusterIPs);
        Assert.Equal(["IPv4"], createdHeadless.Spec.IpFamilies);
        Assert.Null(createdExternal.Spec.ClusterIP);
        Assert.Null(createdExternal.Spec.IpFamilies);
        Assert.Null(createdExternal.Spec.InternalTrafficPolicy);
    }

    [Theory]
    [InlineData("""[{"hostname":"LB.example.com"}]""", "status.loadBalancer.ingress[0].hostname: Invalid value: \"LB.example.com\": a lowercase RFC 1123 subdomain")]
    [InlineData("""[{"hostname":"10.0.0.1"}]""", "status.loadBalancer.ingress[0].hostname: Invalid value: \"10.0.0.1\": must be a DNS name, not an IP address")]
    [InlineData("""[{"ip":"10.0.0.1","ipMode":"Proxy"},{"ip":"fe80::1%eth0"}]""", "status.loadBalancer.ingress[1].ip: Invalid value: \"fe80::1%eth0\": must be a valid IP address")]
    [InlineData("""[{"hostname":"lb.example.com","ipMode":"Proxy"}]""", "status.loadBalancer.ingress[0].ipMode: Forbidden: may not be specified when `ip` is not set")]
    [InlineData("""[{"ip":"10.0.0.1","ipMode":"Direct"}]""", "status.loadBalancer.ingress[0].ipMode: Unsupported value: \"Direct\"")]
    public async Task A_load_balancer_status_a_real_server_refuses_is_422(string ingress, string expected)
    {
        await CreateAsync(Service("web"));

        var refused = await ApiAssert.FailsWithAsync(422, "Invalid", () => Api.PatchNamespacedServiceStatusAsync(
            new V1Patch("""{"status":{"loadBalancer":{"ingress":""" + ingress + "}}}", V1Patch.PatchType.MergePatch), "web", "default"));

        Assert.StartsWith($"Service \"web\" is invalid: {expected}", (string?)refused["message"]);
    }

    [Fact]
    public async Task Ingress_on_a_Service_that_is_not_a_LoadBalancer_is_refused_and_a_hostname_is_taken_without_ipMode()
    {
        await CreateAsync(Service("internal", "ClusterIP"));
        await CreateAsync(Service("web"));

        var refused = await ApiAssert.FailsWithAsync(422, "Invalid", () => Api.PatchNamespacedServiceStatusAsync(
            new V1Patch("""{"status":{"loadBalancer":{"ingress":[{"ip":"10.0.0.1"}]}}}""", V1Patch.PatchType.MergePatch), "internal", "default"));
        var named = await Api.PatchNamespacedServiceStatusAsync(
            new V1Patch("""{"status":{"loadBalancer":{"ingress":[{"hostname":"lb-1.example.com"}]}}}""", V1Patch.PatchType.MergePatch), "web", "default");

        Assert.Equal("Service \"internal\" is invalid: status.loadBalancer.ingress: Forbidden: may only be used when `spec.type` is 'LoadBalancer'", (string?)refused["message"]);
        Assert.Equal("lb-1.example.com", named.Status.LoadBalancer.Ingress[0].Hostname);
        Assert.Null(named.Status.LoadBalancer.Ingress[0].IpMode);
    }

    [Fact]
    public async Task A_LoadBalancer_Service_keeps_its_class_and_leaves_it_only_by_leaving_type_LoadBalancer()
    {
        var web = Service("web");
        web.Spec.LoadBalancerClass = "example.com/lb";
        await CreateAsync(web);
        var other = Service("other", "ClusterIP");
        other.Spec.LoadBalancerClass = "example.com/lb";

        var changed = await ApiAssert.FailsWithAsync(422, "Invalid", () => PatchAsync("web", """{"spec":{"loadBalancerClass":"example.com/other"}}"""));
        var unset = await ApiAssert.FailsWithAsync(422, "Invalid", () => PatchAsync("web", """{"spec":{"loadBalancerClass":null}}"""));
        var forbidden = await ApiAssert.FailsWithAsync(422, "Invalid", () => CreateAsync(other));
        var left = await PatchAsync("web", """{"spec":{"type":"ClusterIP"}}""");

        Assert.Equal("Service \"web\" is invalid: spec.loadBalancerClass: Invalid value: \"example.com/other\": may not change once set", (string?)changed["message"]);
        Assert.Equal("Service \"web\" is invalid: spec.loadBalancerClass: Invalid value: null: may not change once set", (string?)unset["message"]);
        Assert.Equal("Service \"other\" is invalid: spec.loadBalancerClass: Forbidden: may only be used when `type` is 'LoadBalancer'", (string?)forbidden["message"]);
        Assert.Null(left.Spec.LoadBalancerClass);
    }
}
