using Akka.TestKit;
using Akka.TestKit.Xunit2;
using DirectLB.Actors.Domain;
using DirectLB.Actors.Entity;
using DirectLB.Actors.Kubernetes;
using DirectLB.KubeApiServer.Patching;
using DirectLB.KubeApiServer.Typed;
using k8s.Models;
using static DirectLB.Tests.Support.Fixtures;

namespace DirectLB.Tests.Kubernetes;

/// <summary>
/// The watcher's side of readiness gates, against a real API test server: gated pods travel with their Service's
/// state, other pods are not kept, and a gate naming a Service DirectLB does not serve is released after the grace.
/// </summary>
public sealed class ClusterWatcherGateSpec : TestKit, IAsyncLifetime
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(15);
    private static readonly ServiceKey Web = new("shop", "web");

    private WatcherApi _api = null!;

    public async Task InitializeAsync() => _api = await WatcherApi.StartAsync();

    public async Task DisposeAsync() => await _api.DisposeAsync();

    [Fact]
    public void A_gated_pod_travels_with_its_Service_and_a_pod_without_the_gate_does_not()
    {
        _api.CreateService(Web, "10.244.1.4");
        CreatePod("web-1", "10.244.1.5", containersReady: true, "web");
        CreatePod("plain", "10.244.1.6", containersReady: true);
        var entities = CreateTestProbe();
        Watch(entities, new InformerOptions());

        var observed = FishForGates(entities, gates => gates.Length > 0);
        var pod = Assert.Single(observed.Observation.Gates);
        Assert.Equal(("web-1", "10.244.1.5", true, false, null), (pod.Name, pod.Addresses.Single(), pod.ContainersReady, pod.Terminating, pod.Condition));

        // Its gate set by someone (the entity, in production): the next observation carries it.
        _api.Server.Store.Patch<V1Pod>(Web.Namespace, "web-1", PatchType.StrategicMerge, $$$"""
            {"status":{"conditions":[{"type":"{{{ReadinessGate.ConditionType("web")}}}","status":"True","reason":"TargetHealthy","message":"healthy"}]}}
            """, statusOnly: true);
        var opened = FishForGates(entities, gates => gates.SingleOrDefault()?.Condition?.Open == true);
        Assert.Equal("TargetHealthy", opened.Observation.Gates.Single().Condition!.Reason);
    }

    [Fact]
    public async Task A_gate_naming_no_Service_of_DirectLB_is_released_after_the_grace_and_one_on_a_served_Service_is_not()
    {
        _api.CreateService(Web, "10.244.1.4");
        _api.CreateService(new ServiceKey(Web.Namespace, "theirs"), "10.244.2.4", loadBalancerClass: "example.com/other");
        CreatePod("ghost-1", "10.244.1.7", containersReady: true, "ghost");
        CreatePod("theirs-1", "10.244.2.5", containersReady: true, "theirs");
        CreatePod("web-1", "10.244.1.5", containersReady: true, "web");
        Watch(CreateTestProbe(), new InformerOptions { UnclaimedGateGrace = TimeSpan.FromSeconds(1) });

        await AwaitConditionAsync(
            () => Task.FromResult(Gate("ghost-1", "ghost")?.Status == "True" && Gate("theirs-1", "theirs")?.Status == "True"),
            Deadline);
        Assert.Equal(ReadinessGates.Released, Gate("ghost-1", "ghost")!.Reason);
        // The event follows the condition's write: wait for it, not assume it.
        await AwaitConditionAsync(
            () => Task.FromResult(_api.Server.Store.CoreEventsFor(Web.Namespace, "ghost-1", "Pod").Any(e => e.Reason == ReadinessGates.Released)),
            Deadline);

        // The served Service's gate is its entity's to open (a probe here, which does not): the watcher leaves it.
        Assert.Null(Gate("web-1", "web"));
    }

    private void Watch(TestProbe entities, InformerOptions options) =>
        Sys.ActorOf(_api.WatcherProps(entities.Ref, options));

    /// <summary>Acknowledges every observation, as an entity does, until one for web has gates that satisfy the test.</summary>
    private static ServiceObserved FishForGates(TestProbe entities, Func<System.Collections.Immutable.ImmutableArray<GatedPod>, bool> wanted)
    {
        ServiceObserved? found = null;
        entities.FishForMessage<ServiceObserved>(
            observed =>
            {
                entities.Reply(new ObservationTaken(observed.Key, Cluster));
                found = observed;
                return observed.Key == Web && wanted(observed.Observation.Gates);
            },
            Deadline);
        return found!;
    }

    private V1PodCondition? Gate(string pod, string service) =>
        _api.Server.Store.Get<V1Pod>(Web.Namespace, pod)?.Status?.Conditions?.SingleOrDefault(c => c.Type == ReadinessGate.ConditionType(service));

    private void CreatePod(string name, string address, bool containersReady, params string[] gatedOn)
    {
        var pod = _api.Server.Store.Create(new V1Pod
        {
            Metadata = new V1ObjectMeta { Name = name, NamespaceProperty = Web.Namespace },
            Spec = new V1PodSpec
            {
                Containers = [new V1Container { Name = "app", Image = "app" }],
                ReadinessGates = [.. gatedOn.Select(s => new V1PodReadinessGate { ConditionType = ReadinessGate.ConditionType(s) })],
            },
        });
        pod.Status = new V1PodStatus
        {
            Phase = "Running",
            PodIP = address,
            PodIPs = [new V1PodIP { Ip = address }],
            Conditions = [new V1PodCondition { Type = "ContainersReady", Status = containersReady ? "True" : "False", LastTransitionTime = DateTime.UtcNow }],
        };
        _api.Server.Store.ReplaceStatus(pod);
    }
}
