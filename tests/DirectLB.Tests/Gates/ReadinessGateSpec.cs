using Akka.Actor;
using DirectLB.Actors.Domain;
using DirectLB.Actors.Entity;
using DirectLB.Providers.Simulated;
using DirectLB.Tests.Support;
using static DirectLB.Tests.Support.Fixtures;

namespace DirectLB.Tests.Gates;

/// <summary>The entity opens a pod's readiness gate when the load balancer, not Kubernetes, says the pod is healthy.</summary>
public class ReadinessGateSpec() : EntitySpec(new SimulatedProviderOptions { HealthyAfter = TimeSpan.FromMilliseconds(500) })
{
    private static readonly ReconcileOptions Gating = FastOptions with { GatePollInterval = TimeSpan.FromMilliseconds(100) };

    private static readonly EndpointSnapshot Held = new(["10.244.1.6"], false, false, false, "web-2");

    private static GatedPod Pod(GateCondition? condition = null, string resourceVersion = "3") =>
        new("web-2", "uid-web-2", resourceVersion, ["10.244.1.6"], ContainersReady: true, Terminating: false, condition, Fixtures.Now);

    private static ServiceObserved Gated(ServiceSnapshot service, GatedPod pod) =>
        new(Key, Observation(service, Slice("web-abc", [Ready("10.244.1.5"), Held])) with { Gates = [pod] });

    private IEnumerable<GateCondition> GatesOf(string pod) => Writer.Gates.Where(g => g.Pod == pod).Select(g => g.Condition);

    [Fact]
    public void A_gated_pod_is_registered_at_once_and_its_gate_opens_when_the_load_balancer_reports_it_healthy()
    {
        var entity = StartEntity(options: Gating);

        entity.Tell(Gated(Service(), Pod()));

        AwaitTargets(Serving("10.244.1.5"), Serving("10.244.1.6"));
        AwaitCondition(() => GatesOf("web-2").Any(g => g.Open), Deadline);
        var written = GatesOf("web-2").ToList();
        Assert.False(written[0].Open); // first it said what it waits for
        Assert.Equal(ReadinessGates.Healthy, written[^1].Reason);
        Assert.Single(written, g => g.Open);
    }

    [Fact]
    public void While_the_load_balancer_fails_the_gate_stays_closed_and_the_pod_is_told_why()
    {
        Cloud.Faults.FailNext(ProviderCallKind.EnsureLoadBalancer, 1_000);
        var entity = StartEntity(options: Gating);

        entity.Tell(Gated(Service(), Pod()));

        AwaitCondition(() => GatesOf("web-2").Any(g => g.Reason == ReadinessGates.Blocked), Deadline);
        Assert.DoesNotContain(GatesOf("web-2"), g => g.Open);
        Assert.Contains("injected failure", GatesOf("web-2").First(g => g.Reason == ReadinessGates.Blocked).Message);
        AwaitCondition(() => Writer.PodEvents.Any(e => e.Pod == "web-2" && e.Event.IsWarning && e.Event.Reason == ReadinessGates.Blocked), Deadline);
    }

    [Fact]
    public void A_deleted_service_releases_the_gates_of_its_pods_so_they_are_never_held_forever()
    {
        Cloud.Faults.FailNext(ProviderCallKind.EnsureLoadBalancer, 1_000);
        var entity = StartEntity(options: Gating);
        entity.Tell(Gated(Service(), Pod()));
        AwaitCondition(() => GatesOf("web-2").Any(), Deadline);

        entity.Tell(Gated(Service(deleting: true, resourceVersion: "20"), Pod(GatesOf("web-2").Last(), resourceVersion: "4")));

        AwaitCondition(() => GatesOf("web-2").Any(g => g.Open && g.Reason == ReadinessGates.Released), Deadline);
        AwaitCondition(() => Writer.PodEvents.Any(e => e.Pod == "web-2" && !e.Event.IsWarning && e.Event.Reason == ReadinessGates.Released), Deadline);
    }

    [Fact]
    public void An_open_gate_closes_again_when_the_load_balancer_finds_the_target_unhealthy()
    {
        // Once its gate is open a pod is no longer polled for: the periodic read-back finds the target unhealthy. Without
        // one, whether the last gate poll's read-back ran before or after the health changed decided the test.
        var entity = StartEntity(options: Gating with { ReadBackInterval = TimeSpan.FromMilliseconds(300) });
        entity.Tell(Gated(Service(), Pod()));
        AwaitCondition(() => GatesOf("web-2").Any(g => g.Open), Deadline);

        entity.Tell(Gated(Service(resourceVersion: "11"), Pod(GatesOf("web-2").Last(), resourceVersion: "5")));
        Cloud.SetTargetHealth(Serving("10.244.1.6").Key, DirectLB.Providers.Model.TargetHealth.Unhealthy);

        AwaitCondition(() => GatesOf("web-2").LastOrDefault() is { Open: false, Reason: ReadinessGates.Unhealthy }, Deadline);
    }
}
