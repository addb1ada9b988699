using DirectLB.Actors.Domain;
using DirectLB.Actors.Planning;
using DirectLB.Providers;
using DirectLB.Providers.Model;
using static DirectLB.Tests.Support.Fixtures;

namespace DirectLB.Tests.Planning;

public class DesiredStateBuilderTests
{
    [Fact]
    public void Ready_endpoints_become_serving_targets_on_the_resolved_container_port()
    {
        var desired = Desired(Observation(Service(), Slice("web-1", [Ready("10.244.1.5"), Ready("10.244.2.7")])));

        var listener = Assert.Single(desired.LoadBalancer!.Listeners.Values);
        Assert.Equal(new ListenerKey(TransportProtocol.Tcp, 80), listener.Spec.Key);
        Assert.Equal(
            [Serving("10.244.1.5"), Serving("10.244.2.7")],
            listener.Targets.Values.OrderBy(t => t.Key).ToArray());
    }

    [Fact]
    public void Every_pod_gets_the_same_weight_whatever_node_it_runs_on()
    {
        var desired = Desired(Observation(Service(), Slice("a", [Ready("10.244.1.5"), Ready("10.244.1.6")]), Slice("b", [Ready("10.244.2.7")])));

        Assert.All(desired.LoadBalancer!.Listeners.Values.Single().Targets.Values, t => Assert.Equal(1, t.Weight));
        Assert.Equal(3, desired.LoadBalancer.Listeners.Values.Single().Targets.Count);
    }

    [Theory]
    [InlineData(true, true, false, TargetState.Serving)]
    [InlineData(false, true, true, TargetState.Draining)]
    [InlineData(true, true, true, TargetState.Serving)]
    [InlineData(false, false, true, null)]
    [InlineData(false, false, false, null)]
    public void Endpoint_conditions_decide_the_target_state(bool ready, bool serving, bool terminating, TargetState? expected)
    {
        var endpoint = new EndpointSnapshot(["10.244.1.5"], ready, serving, terminating, null);

        var targets = Desired(Observation(Service(), Slice("a", [endpoint]))).LoadBalancer!.Listeners.Values.Single().Targets.Values;

        Assert.Equal(expected, targets.SingleOrDefault()?.State);
    }

    [Fact]
    public void A_named_port_resolves_per_slice_so_pods_with_different_container_ports_all_serve()
    {
        var desired = Desired(Observation(
            Service(),
            Slice("old", [Ready("10.244.1.5")], new EndpointPortSnapshot("http", "TCP", 8080)),
            Slice("new", [Ready("10.244.1.9")], new EndpointPortSnapshot("http", "TCP", 9090))));

        Assert.Equal(
            [new TargetKey("10.244.1.5", 8080), new TargetKey("10.244.1.9", 9090)],
            desired.LoadBalancer!.Listeners.Values.Single().Targets.Keys.Order().ToArray());
    }

    [Fact]
    public void An_address_in_two_slices_serves_if_either_says_ready()
    {
        var desired = Desired(Observation(Service(), Slice("a", [Terminating("10.244.1.5")]), Slice("b", [Ready("10.244.1.5")])));

        Assert.Equal(TargetState.Serving, desired.LoadBalancer!.Listeners.Values.Single().Targets.Values.Single().State);
    }

    [Fact]
    public void IPv6_endpoints_are_targets_too()
    {
        var slice = new EndpointSliceSnapshot("v6", "IPv6", [new EndpointPortSnapshot("http", "TCP", 8080)], [Ready("fd00:10:244::5")]);

        var targets = Desired(Observation(Service(), slice)).LoadBalancer!.Listeners.Values.Single().Targets;

        Assert.Equal(new TargetKey("fd00:10:244::5", 8080), targets.Keys.Single());
    }

    [Fact]
    public void A_port_whose_name_matches_no_slice_port_is_an_error()
    {
        var desired = Desired(Observation(Service(ports: [Port("grpc", 9000)]), Slice("a", [Ready("10.244.1.5")])));

        Assert.False(desired.IsValid);
        Assert.Contains(desired.Errors, e => e.Contains("no EndpointSlice has a port named 'grpc'"));
        Assert.True(desired.SlicesBehind);
    }

    [Fact]
    public void A_port_in_no_slice_beside_another_error_is_not_taken_for_slices_catching_up()
    {
        var service = Service(ports: [Port("grpc", 9000), Port("udp", 70000)]);

        var desired = Desired(Observation(service, Slice("a", [Ready("10.244.1.5")])));

        Assert.Contains(desired.Errors, e => e.Contains("no EndpointSlice has a port named 'grpc'"));
        Assert.Contains(desired.Errors, e => e.Contains("70000 is not a port number"));
        Assert.False(desired.SlicesBehind);
    }

    [Fact]
    public void A_service_with_no_endpoints_yet_gets_a_load_balancer_without_targets()
    {
        var desired = Desired(Observation(Service(ports: [Port("grpc", 9000)])));

        Assert.True(desired.IsValid);
        Assert.Empty(desired.LoadBalancer!.Listeners.Values.Single().Targets);
    }

    [Theory]
    [InlineData("SCTP", "not supported by the load balancer provider")]
    [InlineData("QUIC", "is unknown")]
    public void An_unsupported_protocol_is_an_error(string protocol, string expected)
    {
        var desired = Desired(Observation(Service(ports: [Port("x", 80, protocol)])));

        Assert.Contains(desired.Errors, e => e.Contains(expected));
    }

    [Fact]
    public void Duplicate_ports_are_an_error()
    {
        var desired = Desired(Observation(Service(ports: [Port("a", 80), Port("b", 80)]), Slice("s", [Ready("10.244.1.5")], new("a", "TCP", 8080), new("b", "TCP", 8081))));

        Assert.Contains(desired.Errors, e => e.Contains("declared more than once"));
    }

    [Fact]
    public void The_same_port_number_on_TCP_and_UDP_is_two_listeners()
    {
        var desired = Desired(Observation(
            Service(ports: [Port("dns", 53), Port("dns-udp", 53, "UDP")]),
            Slice("s", [Ready("10.244.1.5")], new("dns", "TCP", 5353), new("dns-udp", "UDP", 5353))));

        Assert.Equal(2, desired.LoadBalancer!.Listeners.Count);
    }

    [Fact]
    public void More_targets_than_the_provider_allows_is_an_error()
    {
        var small = Capabilities with { MaxTargetsPerLoadBalancer = 1 };

        var desired = Desired(Observation(Service(), Slice("a", [Ready("10.244.1.5"), Ready("10.244.1.6")])), capabilities: small);

        Assert.Contains(desired.Errors, e => e.Contains("exceed the provider's limit of 1"));
    }

    [Theory]
    [InlineData("ClusterIP", ServiceClassFilter.DefaultClass, false)]
    [InlineData("LoadBalancer", "other.io/lb", false)]
    [InlineData("LoadBalancer", null, false)]
    public void A_service_that_does_not_qualify_wants_no_load_balancer(string type, string? cls, bool deleting)
    {
        var desired = Desired(Observation(Service(type: type, loadBalancerClass: cls, deleting: deleting)));

        Assert.True(desired.IsValid);
        Assert.Null(desired.LoadBalancer);
    }

    [Fact]
    public void A_service_being_deleted_wants_no_load_balancer()
    {
        Assert.Null(Desired(Observation(Service(deleting: true))).LoadBalancer);
    }

    [Fact]
    public void Services_without_a_class_are_claimed_only_when_configured()
    {
        var claiming = Filter with { ClaimServicesWithoutClass = true };
        var observation = Observation(Service(loadBalancerClass: null));

        var desired = DesiredStateBuilder.Build(Key, [observation], claiming, new PlannerOptions(), Capabilities);

        Assert.NotNull(desired.LoadBalancer);
    }

    [Fact]
    public void The_owner_carries_cluster_namespace_name_uid_and_installation()
    {
        var owner = Desired(Observation()).LoadBalancer!.Owner;

        Assert.Equal(new LoadBalancerOwner(LoadBalancerOwner.AllClusters, "shop", "web", "uid-1", new PlannerOptions().Installation), owner);
    }

    [Fact]
    public void Without_drain_support_terminating_endpoints_leave_at_once()
    {
        var noDrain = Capabilities with { SupportsDrain = false };

        var desired = Desired(Observation(Service(), Slice("a", [Terminating("10.244.1.5")])), capabilities: noDrain);

        Assert.Empty(desired.LoadBalancer!.Listeners.Values.Single().Targets);
    }

    [Fact]
    public void Long_names_are_shortened_with_a_stable_hash()
    {
        var key = new ServiceKey(new string('n', 40), new string('s', 40));

        var name = DesiredStateBuilder.DefaultName(key);

        Assert.True(name.Length <= 63);
        Assert.Equal(name, DesiredStateBuilder.DefaultName(key));
        Assert.NotEqual(name, DesiredStateBuilder.DefaultName(key with { Name = new string('t', 40) }));
    }

    [Fact]
    public void Health_check_and_proxy_protocol_annotations_reach_every_listener()
    {
        var annotations = new Dictionary<string, string> { [ServiceAnnotations.HealthCheckPath] = "/ready", [ServiceAnnotations.ProxyProtocol] = "v2" };

        var spec = Desired(Observation(Service(annotations: annotations))).LoadBalancer!.Listeners.Values.Single().Spec;

        Assert.Equal("/ready", spec.HealthCheck!.HttpPath);
        Assert.True(spec.ProxyProtocolV2);
    }

    [Fact]
    public void Node_weighting_gives_each_node_the_same_share_whatever_its_pod_count()
    {
        var annotations = new Dictionary<string, string> { [ServiceAnnotations.Weighting] = "node" };
        EndpointSnapshot On(string ip, string node) => Ready(ip) with { NodeName = node };

        var targets = Desired(Observation(Service(annotations: annotations), Slice("a", [On("10.244.1.5", "a"), On("10.244.1.6", "a"), On("10.244.2.7", "b")])))
            .LoadBalancer!.Listeners.Values.Single().Targets.Values;

        Assert.Equal(
            targets.Where(t => t.Key.Address.StartsWith("10.244.1.")).Sum(t => t.Weight),
            targets.Single(t => t.Key.Address == "10.244.2.7").Weight);
    }

    [Fact]
    public void A_gated_pod_with_ready_containers_is_a_target_although_its_gate_still_holds_its_endpoint_back()
    {
        var held = new EndpointSnapshot(["10.244.1.6"], false, false, false, "web-2");
        var gated = new GatedPod("web-2", "uid-2", "3", ["10.244.1.6"], ContainersReady: true, Terminating: false, null, Now);
        var observation = Observation(Service(), Slice("a", [Ready("10.244.1.5"), held])) with { Gates = [gated] };

        var targets = Desired(observation).LoadBalancer!.Listeners[Http].Targets.Keys.Order();

        Assert.Equal([new TargetKey("10.244.1.5", 8080), new TargetKey("10.244.1.6", 8080)], targets);
    }

    [Theory]
    [InlineData(false, false)]
    [InlineData(true, true)]
    public void A_gated_pod_is_no_target_before_its_containers_are_ready_or_once_it_terminates(bool containersReady, bool terminating)
    {
        var held = new EndpointSnapshot(["10.244.1.6"], false, false, terminating, "web-2");
        var gated = new GatedPod("web-2", "uid-2", "3", ["10.244.1.6"], containersReady, terminating, null, Now);
        var observation = Observation(Service(), Slice("a", [Ready("10.244.1.5"), held])) with { Gates = [gated] };

        Assert.Equal([new TargetKey("10.244.1.5", 8080)], Desired(observation).LoadBalancer!.Listeners[Http].Targets.Keys);
    }

    [Fact]
    public void A_pod_without_the_gate_whose_endpoint_is_not_ready_is_no_target()
    {
        var notReady = new EndpointSnapshot(["10.244.1.6"], false, false, false, "web-2");

        Assert.Equal([new TargetKey("10.244.1.5", 8080)], Desired(Observation(Service(), Slice("a", [Ready("10.244.1.5"), notReady]))).LoadBalancer!.Listeners[Http].Targets.Keys);
    }
}
