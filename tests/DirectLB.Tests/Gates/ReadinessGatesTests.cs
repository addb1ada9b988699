using System.Collections.Immutable;
using DirectLB.Actors.Domain;
using DirectLB.Actors.Entity;
using DirectLB.Actors.Planning;
using DirectLB.Providers.Model;
using static DirectLB.Tests.Support.Fixtures;

namespace DirectLB.Tests.Gates;

/// <summary>Every rule of a readiness gate, as a table: what the load balancer reports decides what the pod's condition says.</summary>
public class ReadinessGatesTests
{
    private static readonly TargetKey Target = new("10.244.1.5", 8080);

    private static GatedPod Pod(bool containersReady = true, bool terminating = false, GateCondition? condition = null) =>
        new("web-1", "pod-uid-1", "7", ["10.244.1.5"], containersReady, terminating, condition, Now);

    private static ImmutableArray<GateUpdate> Next(
        GatedPod pod,
        TargetHealth? health,
        ServiceSnapshot? service = null,
        (string, string)? problem = null)
    {
        var observation = Observation(service ?? Service(), Slice("a", [Ready("10.244.1.5")])) with { Gates = [pod] };
        var applied = health is null ? Applied() : Applied(AppliedServing("10.244.1.5"));
        var report = health is { } h ? new Dictionary<TargetKey, TargetHealth> { [Target] = h } : null;
        return ReadinessGates.Next(Key, [observation], Filter, applied, report, problem);
    }

    private static GateCondition Only(ImmutableArray<GateUpdate> updates) => Assert.Single(updates).Condition;

    [Fact]
    public void A_registered_target_the_load_balancer_reports_healthy_opens_the_gate()
    {
        var condition = Only(Next(Pod(), TargetHealth.Healthy));

        Assert.Equal((true, ReadinessGates.Healthy), (condition.Open, condition.Reason));
        Assert.Contains("10.244.1.5:8080", condition.Message);
    }

    [Theory]
    [InlineData(TargetHealth.Initial)]
    [InlineData(TargetHealth.Unknown)]
    public void A_target_not_checked_yet_keeps_the_gate_closed_and_says_it_waits_for_the_checks(TargetHealth health)
    {
        Assert.Equal((false, ReadinessGates.Checking), (Only(Next(Pod(), health)).Open, Only(Next(Pod(), health)).Reason));
    }

    [Fact]
    public void A_pod_not_registered_yet_waits_for_its_registration()
    {
        Assert.Equal(ReadinessGates.Registering, Only(Next(Pod(), health: null)).Reason);
    }

    [Fact]
    public void An_unhealthy_target_closes_an_open_gate()
    {
        var open = new GateCondition(true, ReadinessGates.Healthy, "was healthy");

        var condition = Only(Next(Pod(condition: open), TargetHealth.Unhealthy));

        Assert.Equal((false, ReadinessGates.Unhealthy), (condition.Open, condition.Reason));
    }

    [Fact]
    public void Once_open_a_gate_stays_open_while_health_is_only_unknown()
    {
        var open = new GateCondition(true, ReadinessGates.Healthy, "was healthy");

        Assert.Empty(Next(Pod(condition: open), TargetHealth.Unknown));
    }

    [Fact]
    public void A_terminating_pod_is_left_alone_even_when_its_target_is_unhealthy()
    {
        Assert.Empty(Next(Pod(terminating: true, condition: new GateCondition(true, ReadinessGates.Healthy, "x")), TargetHealth.Unhealthy));
    }

    [Fact]
    public void A_pod_whose_containers_are_not_ready_is_left_to_the_kubelet()
    {
        Assert.Empty(Next(Pod(containersReady: false), TargetHealth.Healthy));
    }

    [Fact]
    public void A_condition_already_saying_the_same_is_not_written_again()
    {
        var condition = Only(Next(Pod(), TargetHealth.Initial));

        Assert.Empty(Next(Pod(condition: condition), TargetHealth.Initial));
    }

    [Fact]
    public void A_failing_load_balancer_keeps_the_gate_closed_and_says_why()
    {
        var condition = Only(Next(Pod(), TargetHealth.Initial, problem: (ReadinessGates.Blocked, "the load balancer cannot be changed: throttled")));

        Assert.Equal((false, ReadinessGates.Blocked, "the load balancer cannot be changed: throttled"), (condition.Open, condition.Reason, condition.Message));
    }

    [Fact]
    public void A_healthy_target_opens_the_gate_even_while_the_load_balancer_fails_elsewhere()
    {
        Assert.True(Only(Next(Pod(), TargetHealth.Healthy, problem: (ReadinessGates.Blocked, "throttled"))).Open);
    }

    [Theory]
    [InlineData(true, "LoadBalancer", ServiceClassFilter.DefaultClass)]
    [InlineData(false, "ClusterIP", ServiceClassFilter.DefaultClass)]
    [InlineData(false, "LoadBalancer", "example.com/other")]
    public void A_service_deleted_or_no_longer_ours_releases_the_gate_for_good(bool deleting, string type, string loadBalancerClass)
    {
        var condition = Only(Next(Pod(), TargetHealth.Initial, Service(deleting: deleting, type: type, loadBalancerClass: loadBalancerClass)));

        Assert.Equal((true, ReadinessGates.Released), (condition.Open, condition.Reason));
    }

    [Fact]
    public void Pending_means_ready_containers_behind_a_closed_gate_of_a_service_that_wants_a_load_balancer()
    {
        ClusterObservation With(params GatedPod[] pods) => Observation(Service()) with { Gates = [.. pods] };

        Assert.True(ReadinessGates.AnyPending([With(Pod())], Filter));
        Assert.False(ReadinessGates.AnyPending([With(Pod(condition: new GateCondition(true, ReadinessGates.Healthy, "x")))], Filter));
        Assert.False(ReadinessGates.AnyPending([With(Pod(containersReady: false))], Filter));
        Assert.False(ReadinessGates.AnyPending([Observation(Service(deleting: true)) with { Gates = [Pod()] }], Filter));
    }
}
