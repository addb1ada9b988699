using System.Net.Http.Json;
using System.Text.Json.Nodes;
using DirectLB.Actors.Domain;
using DirectLB.EndToEnd.Tests.Support;
using DirectLB.KubeApiServer.Typed;
using DirectLB.Providers.Model;
using DirectLB.Providers.Simulated;
using k8s.Models;
using static DirectLB.EndToEnd.Tests.Support.KubeObjects;

namespace DirectLB.EndToEnd.Tests;

/// <summary>
/// DirectLB converges on the load balancer as it is, over the HTTP contract to a simulated cloud as a real deployment
/// would: what is changed behind its back is repaired, and load balancers whose Service is gone are collected, but
/// never while a member cluster cannot be seen, and never a live Service's.
/// </summary>
[Trait("Category", "EndToEnd")]
public sealed class LevelTriggeringTests : IAsyncLifetime
{
    private TwoClusterWorld _world = null!;

    private SimulatedProvider Cloud => _world.Cloud;

    public async Task InitializeAsync() => _world = await TwoClusterWorld.StartAsync("directlb-lt-", overHttp: true);

    public async Task DisposeAsync() => await _world.DisposeAsync();

    [Fact]
    public async Task A_target_removed_behind_its_back_is_back_within_a_read_back_interval()
    {
        Deploy("east", "web", "10.244.1.5", "10.244.1.6");
        await StartDirectLbAsync();
        await TargetsOf("web").Are("10.244.1.5:8080", "10.244.1.6:8080");

        var lb = LoadBalancerOf("web")!;
        await Cloud.ChangeTargetsAsync(lb.Ref, lb.Listeners.Single().Spec.Key, [], [new TargetKey("10.244.1.6", 8080)], CancellationToken.None);
        Assert.Single(LoadBalancerOf("web")!.Listeners.Single().Targets);

        await TargetsOf("web").Are("10.244.1.5:8080", "10.244.1.6:8080");
        await Eventually.Assert(() => Assert.Contains(
            Events("east", "web"),
            e => e.Reason == ServiceEventReason.LoadBalancerDrift && e.Type == "Warning" && e.Message.Contains("10.244.1.6:8080")));
    }

    [Fact]
    public async Task A_load_balancer_deleted_behind_its_back_is_provisioned_again_and_the_status_follows_its_new_address()
    {
        Deploy("east", "web", "10.244.1.5");
        await StartDirectLbAsync();
        await TargetsOf("web").Are("10.244.1.5:8080");
        var first = LoadBalancerOf("web")!;
        await Eventually.Assert(() => Assert.Equal(first.Address, Ingress("east", "web")));

        await Cloud.EnsureLoadBalancerDeletedAsync(first.Ref, CancellationToken.None);

        await TargetsOf("web").Are("10.244.1.5:8080");
        var second = LoadBalancerOf("web")!;
        Assert.NotEqual(first.Address, second.Address);
        await Eventually.Assert(() => Assert.Equal(second.Address, Ingress("east", "web")));
    }

    [Fact]
    public async Task A_service_force_deleted_while_directlb_was_down_has_its_load_balancer_collected_and_a_live_one_is_never_touched()
    {
        Deploy("east", "web", "10.244.1.5");
        Deploy("east", "api", "10.244.2.5");
        await StartDirectLbAsync();
        await TargetsOf("web").Are("10.244.1.5:8080");
        await TargetsOf("api").Are("10.244.2.5:8080");
        var api = LoadBalancerOf("api")!;
        await StopDirectLbAsync();

        ForceDelete("east", "web");
        await StartDirectLbAsync();

        await Eventually.Until(() => LoadBalancerOf("web") is null, "the orphaned load balancer is collected");
        Assert.Equal(api.Id, LoadBalancerOf("api")?.Id);
        await TargetsOf("api").Are("10.244.2.5:8080");
    }

    [Fact]
    public async Task Nothing_is_collected_while_a_member_cluster_is_unreachable()
    {
        Deploy("east", "web", "10.244.1.5");
        Deploy("west", "api", "10.245.2.5");
        await StartDirectLbAsync();
        await TargetsOf("web").Are("10.244.1.5:8080");
        await TargetsOf("api").Are("10.245.2.5:8080");
        await StopDirectLbAsync();
        ForceDelete("east", "web");
        await _world.StopClusterAsync("west");

        await StartDirectLbAsync();

        // Several checks run (past the grace period) while west cannot be listed: each pauses, nothing is deleted,
        // neither the true orphan nor west's Service, which only looks absent.
        var checks = new HashSet<string>();
        var pausedForWest = false;
        await Eventually.Until(
            async () =>
            {
                var report = await OrphansAsync();
                if (report["checkedAt"] is { } at)
                {
                    checks.Add(at.ToString());
                }

                pausedForWest |= report["paused"]?.GetValue<string>().Contains("west") == true;

                return checks.Count >= 4;
            },
            "four orphan checks while west is unreachable");
        Assert.NotNull(LoadBalancerOf("api"));
        Assert.NotNull(LoadBalancerOf("web"));
        Assert.Equal(0, Cloud.CallCount(ProviderCallKind.DeleteLoadBalancer));
        Assert.True(pausedForWest, "the orphan report says the checks pause for west");

        await _world.StartClusterAgainAsync("west");
        await Eventually.Until(() => LoadBalancerOf("web") is null, "the orphan collected once west is back");
        Assert.NotNull(LoadBalancerOf("api"));
    }

    private Task StartDirectLbAsync() =>
        _world.StartDirectLbAsync(
            "--read-back-interval", "00:00:01",
            "--installation-id", "e2e",
            "--orphans", "delete",
            "--DirectLB:Orphans:Interval=00:00:01",
            "--DirectLB:Orphans:GracePeriod=00:00:02");

    private Task StopDirectLbAsync() => _world.StopDirectLbAsync();

    private void Deploy(string cluster, string name, params string[] pods)
    {
        _world[cluster].Store.Create(LoadBalancerService(name));
        _world[cluster].Store.Create(Slice(name, $"{name}-abc", [.. pods.Select(Ready)]));
    }

    /// <summary>What a user does to a stuck Service: remove the finalizer by hand, then delete it; it is gone at once.</summary>
    private void ForceDelete(string cluster, string name)
    {
        var store = _world[cluster].Store;
        var service = store.Get<V1Service>(Namespace, name)!;
        service.Metadata.Finalizers = [];
        store.Replace(service);
        store.Delete<V1Service>(Namespace, name);
        Assert.Null(store.Get<V1Service>(Namespace, name));
    }

    private LoadBalancerInfo? LoadBalancerOf(string name) => _world.LoadBalancerOf(name);

    private TargetExpectation TargetsOf(string name) => new(() => _world.TargetsOf(name));

    private string? Ingress(string cluster, string name) =>
        _world[cluster].Store.Get<V1Service>(Namespace, name)?.Status?.LoadBalancer?.Ingress?.SingleOrDefault()?.Ip;

    private IReadOnlyList<Corev1Event> Events(string cluster, string name) => _world[cluster].Store.CoreEventsFor(Namespace, name);

    private async Task<JsonObject> OrphansAsync()
    {
        using var http = new HttpClient { BaseAddress = _world.DirectLb!.BaseAddress };
        return (await http.GetFromJsonAsync<JsonObject>("/api/orphans"))!;
    }

    private sealed record TargetExpectation(Func<string[]> Actual)
    {
        public Task Are(params string[] expected) => Eventually.Assert(() => Assert.Equal(expected, Actual()));
    }
}
