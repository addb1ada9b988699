using System.Text.Json.Nodes;
using DirectLB.KubeApiServer.Resources;
using DirectLB.KubeApiServer.Store;
using k8s;
using k8s.Models;
using Xunit;

namespace DirectLB.KubeApiServer.Tests;

/// <summary>
/// What a real API server refuses at the door (validation.go ValidateService, discovery ValidateEndpointSlice,
/// ValidateObjectMeta), worded as it words it, and what it takes although a stricter reader would not: a controller
/// never sees the first kind in a real cluster, and must cope with the second.
/// </summary>
public sealed class ValidationTests
{
    private const string CidrExample = "must be a valid CIDR value, (e.g. 10.9.8.0/24 or 2001:db8::/64)";

    private readonly ObjectStore _store = new();

    public ValidationTests() => _store.Create(ResourceTable.Namespaces, new JsonObject { ["metadata"] = new JsonObject { ["name"] = "shop" } });

    private static JsonObject Service(string merge)
    {
        var service = JsonNode.Parse("""
            {"metadata":{"name":"web","namespace":"shop"},
             "spec":{"type":"LoadBalancer","selector":{"app":"web"},"ports":[{"name":"http","port":80,"targetPort":8080}]}}
            """)!.AsObject();
        return Merge(service, JsonNode.Parse(merge)!.AsObject());
    }

    private static JsonObject Slice(string merge)
    {
        var slice = JsonNode.Parse("""
            {"metadata":{"name":"web-abc","namespace":"shop","labels":{"kubernetes.io/service-name":"web"}},
             "addressType":"IPv4","ports":[{"name":"http","port":8080,"protocol":"TCP"}],
             "endpoints":[{"addresses":["10.244.1.5"],"conditions":{"ready":true}}]}
            """)!.AsObject();
        return Merge(slice, JsonNode.Parse(merge)!.AsObject());
    }

    private static string Annotated(string key, string value) =>
        new JsonObject { ["metadata"] = new JsonObject { ["annotations"] = new JsonObject { [key] = value } } }.ToJsonString();

    private static JsonObject Rename(JsonObject obj, string name)
    {
        obj["metadata"]!["name"] = name;
        return obj;
    }

    // RFC 7386, enough for these bodies: objects merge, anything else replaces.
    private static JsonObject Merge(JsonObject target, JsonObject patch)
    {
        foreach (var (key, value) in patch)
        {
            target[key] = value is JsonObject inner && target[key] is JsonObject existing ? Merge(existing, inner) : value?.DeepClone();
        }
        return target;
    }

    private KubeApiException Refused(ResourceKind kind, JsonObject obj)
    {
        var refused = Assert.Throws<KubeApiException>(() => _store.Create(kind, obj));
        Assert.Equal(422, refused.Code);
        Assert.Equal("Invalid", refused.Reason);
        return refused;
    }

    [Theory]
    [InlineData("""{"spec":{"ports":[{"name":"http","port":70000,"targetPort":8080}]}}""",
        "spec.ports[0].port: Invalid value: 70000: must be between 1 and 65535, inclusive")]
    [InlineData("""{"spec":{"ports":[{"name":"http","port":80,"protocol":"HTTP","targetPort":8080}]}}""",
        "spec.ports[0].protocol: Unsupported value: \"HTTP\": supported values: \"SCTP\", \"TCP\", \"UDP\"")]
    [InlineData("""{"spec":{"ports":[{"name":"http","port":80,"protocol":"ＴＣＰ","targetPort":8080}]}}""",
        "spec.ports[0].protocol: Unsupported value: \"ＴＣＰ\": supported values: \"SCTP\", \"TCP\", \"UDP\"")]
    [InlineData("""{"spec":{"allocateLoadBalancerNodePorts":false,"ports":[{"name":"http","port":80},{"name":"again","port":80}]}}""",
        "spec.ports[1]: Duplicate value: core.ServicePort{Name:\"\", Protocol:\"TCP\", AppProtocol:(*string)(nil), Port:80, TargetPort:intstr.IntOrString{Type:0, IntVal:0, StrVal:\"\"}, NodePort:0}")]
    [InlineData("""{"spec":{"ports":[{"name":"http","port":80},{"name":"http","port":81}]}}""",
        "spec.ports[1].name: Duplicate value: \"http\"")]
    [InlineData("""{"spec":{"ports":[{"name":"http","port":80},{"port":81}]}}""", "spec.ports[1].name: Required value")]
    [InlineData("""{"spec":{"ports":[{"name":"http","port":80,"targetPort":"Http"}]}}""",
        "spec.ports[0].targetPort: Invalid value: \"Http\": must contain only alpha-numeric characters (a-z, 0-9), and hyphens (-)")]
    [InlineData("""{"spec":{"loadBalancerSourceRanges":["10.0.0.0/8","192.168.0.0/33"]}}""",
        "spec.LoadBalancerSourceRanges[1]: Invalid value: \"192.168.0.0/33\": " + CidrExample)]
    [InlineData("""{"spec":{"sessionAffinity":"ClientIP","sessionAffinityConfig":{"clientIP":{"timeoutSeconds":90000}}}}""",
        "spec.sessionAffinityConfig.clientIP.timeoutSeconds: Invalid value: 90000: must be greater than 0 and less than 86400")]
    [InlineData("""{"spec":{"externalTrafficPolicy":"Nearest"}}""",
        "spec.externalTrafficPolicy: Unsupported value: \"Nearest\": supported values: \"Cluster\", \"Local\"")]
    [InlineData("""{"spec":{"type":"Direct"}}""",
        "spec.type: Unsupported value: \"Direct\": supported values: \"ClusterIP\", \"ExternalName\", \"LoadBalancer\", \"NodePort\"")]
    [InlineData("""{"spec":{"loadBalancerClass":"directlb.io/a/b"}}""",
        "spec.loadBalancerClass: Invalid value: \"directlb.io/a/b\": a qualified name must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]') with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')")]
    [InlineData("""{"spec":{"selector":{"app":"web shop"}}}""",
        "spec.selector: Invalid value: \"web shop\": a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')")]
    [InlineData("""{"metadata":{"name":"Upper-Case"}}""",
        "metadata.name: Invalid value: \"Upper-Case\": a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic character, and end with an alphanumeric character (e.g. 'my-name',  or 'abc-123', regex used for validation is '[a-z]([-a-z0-9]*[a-z0-9])?')")]
    public void A_service_a_real_server_refuses_is_refused_with_its_words(string merge, string error)
    {
        var service = Service(merge);

        var refused = Refused(ResourceTable.Services, service);

        var name = service["metadata"]!["name"]!.GetValue<string>();
        Assert.Equal($"Service \"{name}\" is invalid: {error}", refused.Message);
        Assert.Null(_store.Get(ResourceTable.Services, "shop", name));
    }

    [Fact]
    public void Every_error_is_a_cause_and_the_message_names_each_distinct_one_once()
    {
        var refused = Refused(ResourceTable.Services, Service("""
            {"metadata":{"annotations":{"service.beta.kubernetes.io/load-balancer-source-ranges":"10.0.0.0/8,,"}},
             "spec":{"ports":[{"name":"http","port":0,"targetPort":8080}]}}
            """));

        const string Annotation = "metadata.annotations[service.beta.kubernetes.io/load-balancer-source-ranges]";
        Assert.Equal(
            "Service \"web\" is invalid: [spec.ports[0].port: Invalid value: 0: must be between 1 and 65535, inclusive, "
            + $"{Annotation}: Invalid value: \"\": {CidrExample}]",
            refused.Message);
        var details = refused.ToStatus()["details"]!;
        Assert.Equal("Service", (string?)details["kind"]);
        Assert.Equal(
            ["FieldValueInvalid spec.ports[0].port", $"FieldValueInvalid {Annotation}", $"FieldValueInvalid {Annotation}"],
            details["causes"]!.AsArray().Select(c => $"{c!["reason"]} {c["field"]}"));
    }

    [Fact]
    public void An_annotation_key_a_real_server_refuses_is_refused_and_a_long_value_is_not()
    {
        var key = "directlb.io/" + new string('k', 64);
        var refused = Refused(ResourceTable.Services, Service(Annotated(key, "x")));
        Assert.Equal($"Service \"web\" is invalid: metadata.annotations: Invalid value: \"{key}\": name part must be no more than 63 characters", refused.Message);

        _store.Create(ResourceTable.Services, Service(Annotated("directlb.io/drain-delay", new string('7', 200_000) + "ms")));
        var tooMuch = Refused(ResourceTable.Services, Rename(Service(Annotated("a", new string('x', 262_144))), "big"));
        Assert.Equal("Service \"big\" is invalid: metadata.annotations: Too long: must have at most 262144 bytes", tooMuch.Message);
    }

    [Theory]
    [InlineData("""{"spec":{"loadBalancerSourceRanges":["010.0.0.0/8"," 10.0.0.1/8 "]}}""")]
    [InlineData("""{"metadata":{"annotations":{"service.beta.kubernetes.io/load-balancer-source-ranges":"  "}}}""")]
    [InlineData("""{"metadata":{"annotations":{"service.beta.kubernetes.io/load-balancer-source-ranges":"192.168.0.0/016, 10.0.0.0/8"}}}""")]
    [InlineData("""{"spec":{"loadBalancerIP":"not-an-address"}}""")]
    [InlineData("""{"spec":{"ports":[{"name":"sctp","port":80,"protocol":"SCTP"}]}}""")]
    public void What_a_real_server_reads_leniently_is_taken(string merge) =>
        _store.Create(ResourceTable.Services, Service(merge));

    [Theory]
    [InlineData("""["127.0.0.1"]""", "endpoints[0].addresses[0]: Invalid value: \"127.0.0.1\": may not be in the loopback range (127.0.0.0/8, ::1/128)")]
    [InlineData("""["169.254.1.1"]""", "endpoints[0].addresses[0]: Invalid value: \"169.254.1.1\": may not be in the link-local range (169.254.0.0/16, fe80::/10)")]
    [InlineData("""["0.0.0.0"]""", "endpoints[0].addresses[0]: Invalid value: \"0.0.0.0\": may not be unspecified (0.0.0.0)")]
    [InlineData("""["fd00::1"]""", "endpoints[0].addresses[0]: Invalid value: \"fd00::1\": must be a valid IPv4 address")]
    [InlineData("""["not-an-ip"]""", "[endpoints[0].addresses[0]: Invalid value: \"not-an-ip\": must be a valid IPv4 address, endpoints[0].addresses[0]: Invalid value: \"not-an-ip\": must be a valid IP address]")]
    [InlineData("""["10.0.0.1/32"]""", "[endpoints[0].addresses[0]: Invalid value: \"10.0.0.1/32\": must be a valid IPv4 address, endpoints[0].addresses[0]: Invalid value: \"10.0.0.1/32\": must be a valid IP address]")]
    [InlineData("""[]""", "endpoints[0].addresses: Required value: must contain at least 1 address")]
    public void An_endpoint_address_a_real_server_refuses_is_refused_with_its_words(string addresses, string error)
    {
        var refused = Refused(ResourceTable.EndpointSlices, Slice("{\"endpoints\":[{\"addresses\":" + addresses + "}]}"));

        Assert.Equal($"EndpointSlice.discovery.k8s.io \"web-abc\" is invalid: {error}", refused.Message);
        Assert.Equal("discovery.k8s.io", (string?)refused.ToStatus()["details"]!["group"]);
    }

    [Fact]
    public void Slice_ports_get_their_defaults_and_two_unnamed_ones_are_refused()
    {
        var slice = _store.Create(ResourceTable.EndpointSlices, Slice("""{"ports":[{"port":8080}]}"""));
        Assert.Equal("""{"port":8080,"name":"","protocol":"TCP"}""", slice["ports"]![0]!.ToJsonString());

        var refused = Refused(ResourceTable.EndpointSlices, Slice("""{"metadata":{"name":"two"},"ports":[{"port":8080},{"port":8081}]}"""));
        Assert.Equal("EndpointSlice.discovery.k8s.io \"two\" is invalid: ports[1].name: Duplicate value: \"\"", refused.Message);
    }

    [Theory]
    [InlineData("256.1.1.1")]
    [InlineData("1.2.3")]
    [InlineData("1.2.3.4.5")]
    [InlineData("1..2.3")]
    [InlineData(".1.2.3")]
    [InlineData("1.2.3.")]
    [InlineData("1.2.3.-4")]
    [InlineData("1.2.3.4 ")]
    [InlineData("1.2.3.0x4")]
    [InlineData("1.2.3.٤")]
    [InlineData("")]
    public void An_address_that_is_not_four_decimal_parts_up_to_255_is_no_IPv4_address(string address)
    {
        var refused = Refused(ResourceTable.EndpointSlices, Slice("{\"endpoints\":[{\"addresses\":[\"" + address + "\"]}]}"));

        Assert.Equal(2, refused.ToStatus()["details"]!["causes"]!.AsArray().Count);
        Assert.Contains("must be a valid IPv4 address", refused.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("010.0.0.1")]
    [InlineData("0000000010.0.0.0255")]
    public void Slice_port_numbers_and_leading_zeros_are_not_a_real_servers_business(string address) =>
        _store.Create(ResourceTable.EndpointSlices, Slice("{\"ports\":[{\"name\":\"http\",\"port\":70000,\"protocol\":\"TCP\"}],\"endpoints\":[{\"addresses\":[\"" + address + "\"]}]}"));

    [Fact]
    public void Loopback_pods_are_taken_only_where_the_store_is_told_to()
    {
        var loopback = new ObjectStore(new ObjectStoreOptions { LoopbackEndpoints = true });
        loopback.Create(ResourceTable.Namespaces, new JsonObject { ["metadata"] = new JsonObject { ["name"] = "shop" } });

        loopback.Create(ResourceTable.EndpointSlices, Slice("""{"endpoints":[{"addresses":["127.0.160.1"]}]}"""));

        var refused = Refused(ResourceTable.EndpointSlices, Slice("""{"endpoints":[{"addresses":["127.0.160.1"]}]}"""));
        Assert.Contains("may not be in the loopback range", refused.Message);
    }

    [Fact]
    public async Task An_update_is_validated_as_a_create_and_the_Status_carries_the_causes_over_HTTP()
    {
        await using var cluster = await TestCluster.StartAsync();
        var web = await cluster.Client.CoreV1.CreateNamespacedServiceAsync(TestCluster.Service("default", "web"), "default");
        web.Spec.Ports[0].Protocol = "tcp";

        var status = await ApiAssert.FailsWithAsync(422, "Invalid", () => cluster.Client.CoreV1.ReplaceNamespacedServiceAsync(web, "web", "default"));

        Assert.Equal("Service \"web\" is invalid: spec.ports[0].protocol: Unsupported value: \"tcp\": supported values: \"SCTP\", \"TCP\", \"UDP\"", (string?)status["message"]);
        Assert.Equal("""[{"reason":"FieldValueNotSupported","message":"Unsupported value: \"tcp\": supported values: \"SCTP\", \"TCP\", \"UDP\"","field":"spec.ports[0].protocol"}]""",
            status["details"]!["causes"]!.ToJsonString(new System.Text.Json.JsonSerializerOptions { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }));
        Assert.Equal("TCP", (await cluster.Client.CoreV1.ReadNamespacedServiceAsync("web", "default")).Spec.Ports[0].Protocol);
    }
}
