using DirectLB.Actors.Domain;
using DirectLB.EndToEnd.Tests.Support;
using DirectLB.KubeApiServer.Typed;
using DirectLB.Providers.Model;
using DirectLB.Providers.Simulated;
using k8s.Models;
using static DirectLB.EndToEnd.Tests.Support.KubeObjects;

namespace DirectLB.EndToEnd.Tests;

/// <summary>The whole loop on one replica and one member cluster: API server → watcher → entity → provider → status.</summary>
[Trait("Category", "EndToEnd")]
public class ReconcileLoopTests : EndToEndTest
{
    private static readonly ServiceKey Web = new(Namespace, "web");

    private V1Service? WebService() => Api.Store.Get<V1Service>(Namespace, "web");

    /// <summary>
    /// Edits the Service as <c>kubectl edit</c> does: read, change, write, and read again when the write meets a 409
    /// because DirectLB wrote the Service's status or finalizer in between.
    /// </summary>
    private Task EditWebService(Action<V1Service> edit) => Eventually.Assert(() =>
    {
        var service = WebService()!;
        edit(service);
        Api.Store.Replace(service);
    });

    private IReadOnlyList<string> WebEvents() => Api.Store.CoreEventsFor(Namespace, "web", "Service").Select(e => e.Reason).ToList();

    [Fact]
    public async Task A_new_service_gets_a_load_balancer_with_its_ready_pods_and_its_address_in_status()
    {
        Api.Store.Create(Slice("web", "web-abc", Ready("10.244.1.5"), Ready("10.244.2.7"), Terminating("10.244.3.9")));
        Api.Store.Create(LoadBalancerService("web"));

        await TargetsAre("10.244.1.5:8080", "10.244.2.7:8080");
        var address = Cloud.LoadBalancers.Single().Address;
        await Eventually.Assert(() => Assert.Equal(address, WebService()?.Status?.LoadBalancer?.Ingress?.SingleOrDefault()?.Ip));
        Assert.Equal("Proxy", WebService()!.Status.LoadBalancer.Ingress.Single().IpMode);
        Assert.Contains(ServiceClassFilter.Finalizer, WebService()!.Metadata.Finalizers);
        await Eventually.Assert(() => Assert.Equal(
            [ServiceEventReason.EnsuringLoadBalancer, ServiceEventReason.EnsuredLoadBalancer],
            WebEvents()));
        var loadBalancer = Cloud.LoadBalancers.Single();
        Assert.Equal("shop/web", loadBalancer.Tags["directlb.io/service"]);
        Assert.Equal("*", loadBalancer.Tags["directlb.io/cluster"]); // one load balancer over every member cluster
        Assert.Equal(WebService()!.Metadata.Uid, loadBalancer.Tags["directlb.io/service-uid"]);
    }

    [Fact]
    public async Task Targets_follow_the_pods_as_they_scale_up_and_down()
    {
        Api.Store.Create(LoadBalancerService("web"));
        Api.Store.Create(Slice("web", "web-abc", Ready("10.244.1.5")));
        await TargetsAre("10.244.1.5:8080");

        Api.Store.Replace(Slice("web", "web-abc", Ready("10.244.1.5"), Ready("10.244.1.6")));
        Api.Store.Create(Slice("web", "web-def", Ready("10.244.2.1"), Ready("10.244.2.2")));
        await TargetsAre("10.244.1.5:8080", "10.244.1.6:8080", "10.244.2.1:8080", "10.244.2.2:8080");

        Api.Store.Delete<V1EndpointSlice>(Namespace, "web-abc");
        Api.Store.Replace(Slice("web", "web-def", Ready("10.244.2.2")));
        await TargetsAre("10.244.2.2:8080");
        Assert.Single(Cloud.LoadBalancers);
    }

    [Fact]
    public async Task A_terminating_pod_drains_before_it_leaves()
    {
        Api.Store.Create(LoadBalancerService("web", new Dictionary<string, string> { ["directlb.io/drain-delay"] = "1m" }));
        Api.Store.Create(Slice("web", "web-abc", Ready("10.244.1.5"), Ready("10.244.1.6")));
        await TargetsAre("10.244.1.5:8080", "10.244.1.6:8080");

        Api.Store.Replace(Slice("web", "web-abc", Ready("10.244.1.5"), Terminating("10.244.1.6")));
        await TargetsAre("10.244.1.5:8080", "10.244.1.6:8080 draining");

        Api.Store.Replace(Slice("web", "web-abc", Ready("10.244.1.5")));
        await TargetsAre("10.244.1.5:8080");
    }

    [Fact]
    public async Task Deleting_the_service_deletes_its_load_balancer_then_releases_the_finalizer()
    {
        Api.Store.Create(LoadBalancerService("web"));
        Api.Store.Create(Slice("web", "web-abc", Ready("10.244.1.5")));
        await TargetsAre("10.244.1.5:8080");

        Api.Store.Delete<V1Service>(Namespace, "web");

        await Eventually.Until(() => WebService() is null, "the Service is gone once its finalizer is removed");
        Assert.Empty(Cloud.LoadBalancers);
        Assert.Contains(ServiceEventReason.DeletedLoadBalancer, WebEvents());
    }

    [Fact]
    public async Task Deleting_the_namespace_deletes_its_load_balancers_and_lets_its_Services_go()
    {
        string[] names = ["web", "api"];
        foreach (var (name, i) in names.Select((n, i) => (n, i)))
        {
            Api.Store.Create(LoadBalancerService(name));
            Api.Store.Create(Slice(name, $"{name}-abc", Ready($"10.244.1.{i + 5}")));
        }
        await Eventually.Until(() => Cloud.LoadBalancers.Count(lb => lb.Listeners.Any(l => l.Targets.Count > 0)) == 2, "both Services have a load balancer with targets");

        // kubectl delete namespace: the API server marks it Terminating (Events in it are refused from now on), then
        // the namespace controller deletes what is in it.
        Api.Store.Delete<V1Namespace>(null, Namespace);
        foreach (var name in names)
        {
            Api.Store.Delete<V1EndpointSlice>(Namespace, $"{name}-abc");
            Api.Store.Delete<V1Service>(Namespace, name);
        }

        await Eventually.Until(() => Api.Store.List<V1Service>(Namespace).Count == 0, "both Services are gone once their finalizers are removed");
        Assert.Empty(Cloud.LoadBalancers);
        Assert.Equal("Terminating", Api.Store.Get<V1Namespace>(null, Namespace)!.Status.Phase);
    }

    [Fact]
    public async Task A_service_that_stops_qualifying_loses_its_load_balancer_and_status()
    {
        Api.Store.Create(LoadBalancerService("web"));
        Api.Store.Create(Slice("web", "web-abc", Ready("10.244.1.5")));
        await TargetsAre("10.244.1.5:8080");

        // A Service leaves its load balancer's class by leaving type LoadBalancer (the class is fixed while it is one).
        await EditWebService(s => s.Spec.Type = "ClusterIP");

        await Eventually.Until(() => Cloud.LoadBalancers.Count == 0, "the load balancer is deleted");
        await Eventually.Assert(() =>
        {
            var now = WebService()!;
            Assert.Empty(now.Status?.LoadBalancer?.Ingress ?? []);
            Assert.DoesNotContain(ServiceClassFilter.Finalizer, now.Metadata.Finalizers ?? []);
        });
    }

    [Fact]
    public async Task After_a_restart_on_the_same_journal_it_recovers_without_a_second_load_balancer_and_converges()
    {
        Api.Store.Create(LoadBalancerService("web"));
        Api.Store.Create(Slice("web", "web-abc", Ready("10.244.1.5")));
        await TargetsAre("10.244.1.5:8080");
        var before = Cloud.LoadBalancers.Single().Id;

        await DirectLb.DisposeAsync();
        Api.Store.Replace(Slice("web", "web-abc", Ready("10.244.1.5"), Ready("10.244.1.8")));
        DirectLb = await DirectLbUnderTest.StartAsync(Api, WorkDir, Cloud);

        await TargetsAre("10.244.1.5:8080", "10.244.1.8:8080");
        Assert.Equal(before, Cloud.LoadBalancers.Single().Id);
        Assert.Equal(1, Cloud.CallCount(ProviderCallKind.EnsureLoadBalancer));
        var status = await DirectLb.StatusAsync(Web);
        Assert.Equal(before, status.LoadBalancerId);
        Assert.Equal(2, status.ServingTargets);
    }

    [Fact]
    public async Task A_port_name_no_slice_has_keeps_the_last_good_state_and_warns()
    {
        Api.Store.Create(LoadBalancerService("web"));
        Api.Store.Create(Slice("web", "web-abc", Ready("10.244.1.5")));
        await TargetsAre("10.244.1.5:8080");

        await EditWebService(s => s.Spec.Ports[0].Name = "grpc");
        await Eventually.Until(() => WebEvents().Contains(ServiceEventReason.InvalidConfiguration), "an InvalidConfiguration warning is recorded");
        var warning = Api.Store.CoreEventsFor(Namespace, "web").Last(e => e.Reason == ServiceEventReason.InvalidConfiguration);
        Assert.Equal("Warning", warning.Type);
        Assert.Contains("grpc", warning.Message);

        // The pods change while the Service is invalid (after it, not with it: a lone change is acted on at once, so
        // a slice that came first would be a good change applied before the Service turned bad).
        Api.Store.Replace(Slice("web", "web-abc", Ready("10.244.1.9")));
        await FenceAsync();
        Assert.Equal(["10.244.1.5:8080"], TargetsOf("web"));
    }

    [Fact]
    public async Task Renaming_a_port_whose_slices_follow_gives_no_warning_and_applies_the_new_name()
    {
        Api.Store.Create(LoadBalancerService("web"));
        Api.Store.Create(Slice("web", "web-abc", Ready("10.244.1.5")));
        await TargetsAre("10.244.1.5:8080");

        await EditWebService(s => s.Spec.Ports[0].Name = "web");
        // DirectLB has seen the port in no slice before the EndpointSlice controller's update below (without the grace,
        // that is the warning).
        await FenceAsync();
        var renamed = Slice("web", "web-abc", Ready("10.244.1.5"));
        renamed.Ports[0].Name = "web";
        Api.Store.Replace(renamed);

        await Eventually.Until(
            () => Cloud.LoadBalancers.Any(lb => lb.Tags[LoadBalancerOwner.ServiceTag] == $"{Namespace}/web" && lb.Listeners.Single().Spec.Name == "web"),
            "the listener carries the new port name");
        Assert.DoesNotContain(ServiceEventReason.InvalidConfiguration, WebEvents());
        Assert.Equal(["10.244.1.5:8080"], TargetsOf("web"));
    }

    /// <summary>Returns once the watcher has handed on every change made before: a Service created after them has converged.</summary>
    private async Task FenceAsync()
    {
        Api.Store.Create(LoadBalancerService("fence"));
        Api.Store.Create(Slice("fence", "fence-abc", Ready("10.244.2.5")));
        await Eventually.Until(() => TargetsOf("fence").Length == 1, "the fence Service converged");
    }

    private string[] TargetsOf(string name) =>
        Cloud.LoadBalancers.SingleOrDefault(lb => lb.Tags[LoadBalancerOwner.ServiceTag] == $"{Namespace}/{name}")?.Listeners
            .SelectMany(l => l.Targets).Select(t => t.Key.ToString()).Order().ToArray() ?? [];

    [Fact]
    public async Task Services_of_other_classes_are_left_alone()
    {
        var other = LoadBalancerService("other");
        other.Spec.LoadBalancerClass = "someone.else/lb";
        Api.Store.Create(other);
        Api.Store.Create(Slice("other", "other-abc", Ready("10.244.1.5")));
        Api.Store.Create(LoadBalancerService("web"));
        Api.Store.Create(Slice("web", "web-abc", Ready("10.244.1.7")));

        await TargetsAre("10.244.1.7:8080");
        Assert.Single(Cloud.LoadBalancers);
        Assert.Null(Api.Store.Get<V1Service>(Namespace, "other")!.Metadata.Finalizers);
    }

    [Fact]
    public async Task Odd_objects_elsewhere_do_not_stop_the_watch()
    {
        // A slice no Service owns, a slice with no endpoints or ports, an endpoint without conditions (one without
        // addresses a real server refuses).
        var orphan = Slice("nobody", "orphan-1", Ready("10.244.9.9"));
        orphan.Metadata.Labels = null;
        Api.Store.Create(orphan);
        var empty = Slice("web", "web-empty");
        empty.Endpoints = null;
        empty.Ports = null;
        Api.Store.Create(empty);
        var bare = Slice("web", "web-bare", new V1Endpoint { Addresses = ["10.244.1.8"] });
        Api.Store.Create(bare);
        Api.Store.Create(LoadBalancerService("web"));

        await TargetsAre("10.244.1.8:8080");

        Api.Store.Create(Slice("web", "web-abc", Ready("10.244.1.5")));
        await TargetsAre("10.244.1.5:8080", "10.244.1.8:8080");
    }
}
