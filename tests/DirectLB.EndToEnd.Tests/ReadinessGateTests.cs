using DirectLB.EndToEnd.Tests.Support;
using DirectLB.KubeApiServer.Typed;
using DirectLB.Providers.Model;
using DirectLB.Providers.Simulated;
using k8s.Models;
using static DirectLB.EndToEnd.Tests.Support.KubeObjects;

namespace DirectLB.EndToEnd.Tests;

/// <summary>
/// Readiness gates end to end, over the API test servers of two member clusters and the HTTP contract to a simulated
/// cloud whose targets turn healthy a moment after they are registered: the gate opens in the pod's own cluster once
/// the load balancer says so, a Service that goes releases its gates, and a restart resumes gates left pending.
/// </summary>
[Trait("Category", "EndToEnd")]
public sealed class ReadinessGateTests : IAsyncLifetime
{
    private static readonly TimeSpan HealthDelay = TimeSpan.FromSeconds(2);

    private TwoClusterWorld _world = null!;

    private SimulatedProvider Cloud => _world.Cloud;

    public async Task InitializeAsync() =>
        _world = await TwoClusterWorld.StartAsync("directlb-gate-", overHttp: true, new SimulatedProviderOptions { HealthyAfter = HealthDelay });

    public async Task DisposeAsync() => await _world.DisposeAsync();

    [Fact]
    public async Task A_gated_pod_is_registered_before_it_is_ready_and_its_gate_opens_in_its_own_cluster_once_the_load_balancer_says_healthy()
    {
        // The same Service in both clusters, one global load balancer: east's pod has ready containers behind a closed
        // gate, west's pod of the same name has not started its containers.
        Deploy("east", "web", "10.244.1.5", containersReady: true);
        Deploy("west", "web", "10.244.1.5", containersReady: false);
        await StartDirectLbAsync();

        await Eventually.Until(() => _world.TargetsOf("web").Contains("10.244.1.5:8080"), "the gated pod registered although its endpoint is not ready");
        Assert.NotEqual("True", Gate("east", "10.244.1.5")?.Status); // the load balancer has not checked it yet
        await Eventually.Until(() => Gate("east", "10.244.1.5")?.Status == "True", "east's gate open once the target is healthy");
        Assert.Equal("TargetHealthy", Gate("east", "10.244.1.5")!.Reason);
        var registered = Cloud.LoadBalancers.Single().Listeners.Single().Targets.Single();
        Assert.Equal("east", registered.ClusterId);

        // West's pod, whose containers are not ready, is neither registered nor touched.
        Assert.Null(Gate("west", "10.244.1.5"));
    }

    [Fact]
    public async Task A_gate_whose_Service_is_deleted_is_released_and_says_why()
    {
        Cloud.SetTargetHealth(new TargetKey("10.244.1.5", 8080), TargetHealth.Unhealthy);
        Deploy("east", "web", "10.244.1.5", containersReady: true);
        await StartDirectLbAsync();
        await Eventually.Until(() => Gate("east", "10.244.1.5")?.Reason == "TargetUnhealthy", "the gate closed, saying the target is unhealthy");

        _world["east"].Store.Delete<V1Service>(Namespace, "web");

        await Eventually.Until(() => Gate("east", "10.244.1.5")?.Status == "True", "the gate released");
        Assert.Equal("ReadinessGateReleased", Gate("east", "10.244.1.5")!.Reason);

        // The Event is written after the condition, without waiting on it (Events are fire-and-forget).
        await Eventually.Until(
            () => _world["east"].Store.CoreEventsFor(Namespace, PodName("10.244.1.5"), "Pod").Any(e => e.Reason == "ReadinessGateReleased"),
            "the pod has a ReadinessGateReleased Event");
    }

    [Fact]
    public async Task A_restart_resumes_gates_left_pending()
    {
        Cloud.SetTargetHealth(new TargetKey("10.244.1.5", 8080), TargetHealth.Unhealthy);
        Deploy("east", "web", "10.244.1.5", containersReady: true);
        await StartDirectLbAsync();
        await Eventually.Until(() => Gate("east", "10.244.1.5")?.Reason == "TargetUnhealthy", "the gate waiting");
        await StopDirectLbAsync();

        Cloud.SetTargetHealth(new TargetKey("10.244.1.5", 8080), null);
        await StartDirectLbAsync();

        await Eventually.Until(() => Gate("east", "10.244.1.5")?.Status == "True", "the gate opened by the new process");
    }

    private Task StartDirectLbAsync() => _world.StartDirectLbAsync();

    private Task StopDirectLbAsync() => _world.StopDirectLbAsync();

    private void Deploy(string cluster, string service, string ip, bool containersReady)
    {
        var store = _world[cluster].Store;
        store.Create(LoadBalancerService(service, new Dictionary<string, string> { ["directlb.io/scope"] = "global" }));
        CreatePod(store, GatedPod(PodName(ip), ip, service, containersReady));
        store.Create(Slice(service, $"{service}-abc", Gated(ip)));
    }

    private V1PodCondition? Gate(string cluster, string ip) => GateOf(_world[cluster].Store, Namespace, PodName(ip), "web");
}
