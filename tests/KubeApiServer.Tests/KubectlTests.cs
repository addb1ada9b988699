using System.Text.RegularExpressions;
using DirectLB.KubeApiServer.Typed;
using DirectLB.Tests.Shared.Kubectl;
using k8s.Models;
using Xunit;

namespace DirectLB.KubeApiServer.Tests;

/// <summary>
/// The real kubectl against the server, for what DirectLB's README shows a user: short names, the columns a real
/// kube-apiserver prints (its pkg/printers/internalversion/printers.go), and describe with the Service's Events.
/// </summary>
public sealed class KubectlTests : IAsyncLifetime
{
    private TestCluster _cluster = null!;
    private Kubectl _kubectl = null!;

    public async Task InitializeAsync()
    {
        _cluster = await TestCluster.StartAsync();
        _kubectl = new Kubectl(_cluster.Server.WriteKubeconfig(Path.Combine(Path.GetTempPath(), $"kubectl-{Guid.NewGuid():N}")));
    }

    public async Task DisposeAsync()
    {
        _kubectl.Dispose();
        await _cluster.DisposeAsync();
    }

    [Fact]
    public async Task Discovery_announces_the_short_names_of_a_real_server()
    {
        var resources = PrintedTable.Parse(await _kubectl.RunAsync("api-resources"));

        string ShortNames(string name, string apiVersion) =>
            resources.Rows.Single(r => r["NAME"] == name && r["APIVERSION"] == apiVersion)["SHORTNAMES"];
        Assert.Equal("svc", ShortNames("services", "v1"));
        Assert.Equal("po", ShortNames("pods", "v1"));
        Assert.Equal("ns", ShortNames("namespaces", "v1"));
        Assert.Equal("ev", ShortNames("events", "v1"));
        Assert.Equal("ep", ShortNames("endpoints", "v1"));
        Assert.Equal("", ShortNames("endpointslices", "discovery.k8s.io/v1"));
    }

    [Fact]
    public async Task Services_print_a_real_servers_columns_with_the_load_balancer_address_under_external_ip()
    {
        var store = _cluster.Server.Store;
        store.Create(LoadBalancer("web", ports: [Port(80, "TCP"), Port(443, "TCP", nodePort: 31443)]));
        var web = store.Get<V1Service>("default", "web")!;
        web.Status = new V1ServiceStatus { LoadBalancer = new V1LoadBalancerStatus { Ingress = [new V1LoadBalancerIngress { Ip = "192.0.2.10" }] } };
        store.ReplaceStatus(web);
        store.Create(LoadBalancer("api", ports: [Port(53, "UDP")]));
        store.Create(new V1Service
        {
            Metadata = new V1ObjectMeta { Name = "internal", NamespaceProperty = "default" },
            Spec = new V1ServiceSpec { Type = "ClusterIP", ClusterIPs = ["10.96.0.7"], Ports = [Port(8080, "TCP")] },
        });

        var wide = PrintedTable.Parse(await _kubectl.RunAsync("get", "svc", "-o", "wide"));
        var narrow = PrintedTable.Parse(await _kubectl.RunAsync("get", "services"));

        Assert.Equal(["NAME", "TYPE", "CLUSTER-IP", "EXTERNAL-IP", "PORT(S)", "AGE", "SELECTOR"], wide.Columns);
        Assert.Equal(["NAME", "TYPE", "CLUSTER-IP", "EXTERNAL-IP", "PORT(S)", "AGE"], narrow.Columns);
        Assert.Equal("LoadBalancer", wide.Row("web")["TYPE"]);
        Assert.Equal("192.0.2.10", wide.Row("web")["EXTERNAL-IP"]);
        Assert.Equal($"80:{web.Spec.Ports[0].NodePort}/TCP,443:31443/TCP", wide.Row("web")["PORT(S)"]);
        Assert.Equal(web.Spec.ClusterIP, wide.Row("web")["CLUSTER-IP"]);
        Assert.Equal("app=web", wide.Row("web")["SELECTOR"]);
        Assert.Matches(@"^\d+s$", wide.Row("web")["AGE"]);
        Assert.Equal("<pending>", wide.Row("api")["EXTERNAL-IP"]);
        Assert.Matches(@"^53:3\d{4}/UDP$", wide.Row("api")["PORT(S)"]);
        Assert.Equal("10.96.0.7", wide.Row("internal")["CLUSTER-IP"]);
        Assert.Equal("<none>", wide.Row("internal")["EXTERNAL-IP"]);
        Assert.Equal("<none>", wide.Row("internal")["SELECTOR"]);
    }

    [Fact]
    public async Task EndpointSlices_print_their_address_type_ports_and_first_three_endpoints()
    {
        _cluster.Server.Store.Create(new V1EndpointSlice
        {
            Metadata = new V1ObjectMeta { Name = "web-abc", NamespaceProperty = "default" },
            AddressType = "IPv4",
            Ports = [new Discoveryv1EndpointPort { Name = "http", Port = 8080, Protocol = "TCP" }],
            Endpoints = [.. Enumerable.Range(1, 5).Select(i => new V1Endpoint { Addresses = [$"10.1.0.{i}"] })],
        });

        var table = PrintedTable.Parse(await _kubectl.RunAsync("get", "endpointslices"));

        Assert.Equal(["NAME", "ADDRESSTYPE", "PORTS", "ENDPOINTS", "AGE"], table.Columns);
        Assert.Equal("IPv4", table.Row("web-abc")["ADDRESSTYPE"]);
        Assert.Equal("8080", table.Row("web-abc")["PORTS"]);
        Assert.Equal("10.1.0.1,10.1.0.2,10.1.0.3 + 2 more...", table.Row("web-abc")["ENDPOINTS"]);
    }

    [Fact]
    public async Task Get_of_two_kinds_prints_one_table_each_with_kind_qualified_names()
    {
        _cluster.Server.Store.Create(LoadBalancer("web", ports: [Port(80, "TCP")]));
        _cluster.Server.Store.Create(new V1EndpointSlice { Metadata = new V1ObjectMeta { Name = "web-abc", NamespaceProperty = "default" }, AddressType = "IPv4", Endpoints = [] });

        var tables = PrintedTable.ParseAll(await _kubectl.RunAsync("get", "svc,endpointslices"));

        Assert.Equal(2, tables.Count);
        Assert.Equal("<pending>", tables[0].Row("service/web")["EXTERNAL-IP"]);
        Assert.Equal("<unset>", tables[1].Row("endpointslice.discovery.k8s.io/web-abc")["ENDPOINTS"]);
    }

    [Fact]
    public async Task Describe_service_shows_its_load_balancer_ingress_and_its_own_events_only()
    {
        var store = _cluster.Server.Store;
        var web = store.Create(LoadBalancer("web", ports: [Port(80, "TCP")]));
        web.Status = new V1ServiceStatus { LoadBalancer = new V1LoadBalancerStatus { Ingress = [new V1LoadBalancerIngress { Ip = "192.0.2.10" }] } };
        store.ReplaceStatus(web);
        var api = store.Create(LoadBalancer("api", ports: [Port(80, "TCP")]));
        store.Create(Event("web.1", web, "Normal", "EnsuredLoadBalancer", "Ensured load balancer at 192.0.2.10"));
        store.Create(Event("web.2", web, "Warning", "InvalidConfiguration", "unknown annotation directlb.io/colour"));
        store.Create(Event("api.1", api, "Normal", "EnsuringLoadBalancer", "Ensuring load balancer"));

        var described = await _kubectl.RunAsync("describe", "svc", "web");

        Assert.Matches(@"LoadBalancer Ingress:\s+192\.0\.2\.10", described);
        var events = described[described.IndexOf("Events:", StringComparison.Ordinal)..];
        Assert.Matches(@"Normal\s+EnsuredLoadBalancer\s+\S+\s+directlb\s+Ensured load balancer at 192\.0\.2\.10", events);
        Assert.Matches(@"Warning\s+InvalidConfiguration\s+\S+\s+directlb\s+unknown annotation directlb\.io/colour", events);
        Assert.DoesNotContain("EnsuringLoadBalancer", events);
    }

    [Fact]
    public async Task Events_print_last_seen_type_reason_object_and_message_and_the_rest_wide()
    {
        var web = _cluster.Server.Store.Create(LoadBalancer("web", ports: [Port(80, "TCP")]));
        _cluster.Server.Store.Create(Event("web.1", web, "Normal", "EnsuredLoadBalancer", "Ensured load balancer at 192.0.2.10"));

        var narrow = PrintedTable.Parse(await _kubectl.RunAsync("get", "ev"));
        var wide = PrintedTable.Parse(await _kubectl.RunAsync("get", "events", "-o", "wide"));

        Assert.Equal(["LAST SEEN", "TYPE", "REASON", "OBJECT", "MESSAGE"], narrow.Columns);
        Assert.Equal(["LAST SEEN", "TYPE", "REASON", "OBJECT", "SUBOBJECT", "SOURCE", "MESSAGE", "FIRST SEEN", "COUNT", "NAME"], wide.Columns);
        var row = wide.Row("web.1");
        Assert.Equal("service/web", row["OBJECT"]);
        Assert.Equal("directlb", row["SOURCE"]);
        Assert.Equal("1", row["COUNT"]);
        Assert.Equal("Ensured load balancer at 192.0.2.10", row["MESSAGE"]);
    }

    [Fact]
    public async Task Pods_and_namespaces_print_readiness_status_and_phase()
    {
        var store = _cluster.Server.Store;
        store.Create(new V1Namespace { Metadata = new V1ObjectMeta { Name = "shop" } });
        var pod = store.Create(new V1Pod
        {
            Metadata = new V1ObjectMeta { Name = "web-1", NamespaceProperty = "shop" },
            Spec = new V1PodSpec { NodeName = "node-a", Containers = [new V1Container { Name = "web", Image = "web:1" }] },
        });
        pod.Status = new V1PodStatus
        {
            Phase = "Running",
            PodIPs = [new V1PodIP { Ip = "10.1.0.5" }],
            Conditions = [new V1PodCondition { Type = "Ready", Status = "True" }],
            ContainerStatuses = [new V1ContainerStatus { Name = "web", Image = "web:1", ImageID = "", Ready = true, RestartCount = 2, State = new V1ContainerState { Running = new V1ContainerStateRunning() } }],
        };
        store.ReplaceStatus(pod);

        var pods = PrintedTable.Parse(await _kubectl.RunAsync("get", "po", "-n", "shop", "-o", "wide"));
        var namespaces = PrintedTable.Parse(await _kubectl.RunAsync("get", "ns"));

        Assert.Equal(["NAME", "READY", "STATUS", "RESTARTS", "AGE", "IP", "NODE", "NOMINATED NODE", "READINESS GATES"], pods.Columns);
        Assert.Equal(["1/1", "Running", "2", "10.1.0.5", "node-a", "<none>"], (string[])[.. new[] { "READY", "STATUS", "RESTARTS", "IP", "NODE", "NOMINATED NODE" }.Select(c => pods.Row("web-1")[c])]);
        Assert.Equal(["NAME", "STATUS", "AGE"], namespaces.Columns);
        Assert.Equal("Active", namespaces.Row("shop")["STATUS"]);
    }

    [Fact]
    public async Task Get_with_watch_prints_the_address_when_it_arrives()
    {
        var store = _cluster.Server.Store;
        store.Create(LoadBalancer("web", ports: [Port(80, "TCP")]));
        using var watch = _kubectl.Start("get", "svc", "web", "--watch");
        try
        {
            Assert.Contains("<pending>", await watch.StandardOutput.ReadLineAsync() + await watch.StandardOutput.ReadLineAsync());
            // kubectl prints nothing for the watch's first event (the object again, which it printed already); a
            // change made before the watch starts would come in that event, so the address is set once it runs.
            var watching = DateTime.UtcNow + TimeSpan.FromSeconds(30);
            while (!_cluster.Server.Requests.Any(r => r.PathAndQuery.Contains("watch=true", StringComparison.Ordinal)))
            {
                Assert.True(DateTime.UtcNow < watching, "kubectl did not start its watch");
                await Task.Delay(50);
            }

            var web = store.Get<V1Service>("default", "web")!;
            web.Status = new V1ServiceStatus { LoadBalancer = new V1LoadBalancerStatus { Ingress = [new V1LoadBalancerIngress { Ip = "192.0.2.10" }] } };
            store.ReplaceStatus(web);

            using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(30));
            var line = await watch.StandardOutput.ReadLineAsync(deadline.Token);
            Assert.Matches($@"^web\s+LoadBalancer\s+{Regex.Escape(web.Spec.ClusterIP)}\s+192\.0\.2\.10\s+80:{web.Spec.Ports[0].NodePort}/TCP\s+\d+s$", line);
        }
        finally
        {
            watch.Kill();
        }
    }

    private static V1Service LoadBalancer(string name, IList<V1ServicePort> ports) => new()
    {
        Metadata = new V1ObjectMeta { Name = name, NamespaceProperty = "default" },
        Spec = new V1ServiceSpec { Type = "LoadBalancer", Selector = new Dictionary<string, string> { ["app"] = name }, Ports = ports },
    };

    private static V1ServicePort Port(int port, string protocol, int? nodePort = null) => new() { Name = $"{protocol.ToLowerInvariant()}-{port}", Port = port, Protocol = protocol, NodePort = nodePort };

    private static Corev1Event Event(string name, V1Service about, string type, string reason, string message) => new()
    {
        Metadata = new V1ObjectMeta { Name = name, NamespaceProperty = "default" },
        InvolvedObject = new V1ObjectReference { ApiVersion = "v1", Kind = "Service", Name = about.Metadata.Name, NamespaceProperty = "default", Uid = about.Metadata.Uid },
        Type = type,
        Reason = reason,
        Message = message,
        Source = new V1EventSource { Component = "directlb" },
        FirstTimestamp = DateTime.UtcNow,
        LastTimestamp = DateTime.UtcNow,
        Count = 1,
    };
}
