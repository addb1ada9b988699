using System.Net;
using System.Text;
using DirectLB.KubeApiServer.Typed;
using k8s;
using k8s.Models;
using Xunit;

namespace DirectLB.KubeApiServer.Tests;

public sealed class WriteSemanticsTests : IAsyncLifetime
{
    private TestCluster _cluster = null!;

    public async Task InitializeAsync() => _cluster = await TestCluster.StartAsync();

    public async Task DisposeAsync() => await _cluster.DisposeAsync();

    private Task<V1Service> CreateServiceAsync(string name = "web") =>
        _cluster.Client.CoreV1.CreateNamespacedServiceAsync(TestCluster.Service("default", name), "default");

    private static V1Patch Merge(string json) => new(json, V1Patch.PatchType.MergePatch);

    [Fact]
    public async Task Put_with_a_stale_resource_version_is_409_Conflict()
    {
        var stale = await CreateServiceAsync();
        var fresh = await _cluster.Client.CoreV1.ReadNamespacedServiceAsync("web", "default");
        fresh.Metadata.Labels = new Dictionary<string, string> { ["a"] = "1" };
        await _cluster.Client.CoreV1.ReplaceNamespacedServiceAsync(fresh, "web", "default");

        stale.Metadata.Labels = new Dictionary<string, string> { ["a"] = "2" };
        var status = await ApiAssert.FailsWithAsync(409, "Conflict",
            () => _cluster.Client.CoreV1.ReplaceNamespacedServiceAsync(stale, "web", "default"));
        Assert.Equal("Operation cannot be fulfilled on services \"web\": the object has been modified; "
            + "please apply your changes to the latest version and try again", (string?)status["message"]);
    }

    [Fact]
    public async Task Patch_carrying_a_stale_resource_version_is_409_Conflict()
    {
        var created = await CreateServiceAsync();
        await _cluster.Client.CoreV1.PatchNamespacedServiceAsync(Merge("""{"metadata":{"labels":{"a":"1"}}}"""), "web", "default");

        await ApiAssert.FailsWithAsync(409, "Conflict", () => _cluster.Client.CoreV1.PatchNamespacedServiceStatusAsync(
            Merge("""{"metadata":{"resourceVersion":""" + $"\"{created.Metadata.ResourceVersion}\"" + """},"status":{"loadBalancer":{"ingress":[{"ip":"10.0.0.1"}]}}}"""),
            "web", "default"));
        Assert.Null(_cluster.Server.Store.Get<V1Service>("default", "web")!.Status?.LoadBalancer?.Ingress);
    }

    [Fact]
    public async Task Main_resource_writes_ignore_status_and_bump_generation_on_spec_change()
    {
        var service = await CreateServiceAsync();
        service.Spec.Ports[0].Port = 8080;
        service.Status = new V1ServiceStatus { LoadBalancer = new V1LoadBalancerStatus { Ingress = [new V1LoadBalancerIngress { Ip = "10.0.0.1" }] } };

        var replaced = await _cluster.Client.CoreV1.ReplaceNamespacedServiceAsync(service, "web", "default");

        Assert.Equal(8080, replaced.Spec.Ports[0].Port);
        Assert.Null(replaced.Status?.LoadBalancer?.Ingress);
        Assert.Equal(2, replaced.Metadata.Generation);
    }

    [Fact]
    public async Task Status_writes_apply_only_status_and_keep_generation()
    {
        var service = await CreateServiceAsync();
        service.Spec.Ports[0].Port = 9999;
        service.Metadata.Labels = new Dictionary<string, string> { ["ignored"] = "yes" };
        service.Status = new V1ServiceStatus { LoadBalancer = new V1LoadBalancerStatus { Ingress = [new V1LoadBalancerIngress { Ip = "10.0.0.1" }] } };

        var replaced = await _cluster.Client.CoreV1.ReplaceNamespacedServiceStatusAsync(service, "web", "default");
        var patched = await _cluster.Client.CoreV1.PatchNamespacedServiceStatusAsync(
            Merge("""{"spec":{"type":"ClusterIP"},"status":{"loadBalancer":{"ingress":[{"ip":"10.0.0.2"}]}}}"""), "web", "default");

        Assert.Equal("10.0.0.1", replaced.Status.LoadBalancer.Ingress[0].Ip);
        Assert.Equal(80, replaced.Spec.Ports[0].Port);
        Assert.Null(replaced.Metadata.Labels);
        Assert.Equal("10.0.0.2", patched.Status.LoadBalancer.Ingress[0].Ip);
        Assert.Equal("LoadBalancer", patched.Spec.Type);
        Assert.Equal(1, patched.Metadata.Generation);
    }

    [Fact]
    public async Task A_write_that_changes_nothing_keeps_the_resource_version_and_emits_nothing()
    {
        var created = await CreateServiceAsync();
        var patched = await _cluster.Client.CoreV1.PatchNamespacedServiceAsync(Merge("""{"spec":{"type":"LoadBalancer"}}"""), "web", "default");
        var replaced = await _cluster.Client.CoreV1.ReplaceNamespacedServiceAsync(created, "web", "default");

        Assert.Equal(created.Metadata.ResourceVersion, patched.Metadata.ResourceVersion);
        Assert.Equal(created.Metadata.ResourceVersion, replaced.Metadata.ResourceVersion);
        Assert.Equal(created.Metadata.ResourceVersion, _cluster.Server.Store.ResourceVersion.ToString());
    }

    [Fact]
    public async Task Json_patch_applies_operations_and_a_failed_test_is_422()
    {
        await CreateServiceAsync();
        var patch = """
            [{"op":"test","path":"/spec/type","value":"LoadBalancer"},
             {"op":"add","path":"/metadata/labels","value":{"a":"1"}},
             {"op":"replace","path":"/spec/ports/0/port","value":443}]
            """;
        var patched = await _cluster.Client.CoreV1.PatchNamespacedServiceAsync(new V1Patch(patch, V1Patch.PatchType.JsonPatch), "web", "default");

        Assert.Equal("1", patched.Metadata.Labels["a"]);
        Assert.Equal(443, patched.Spec.Ports[0].Port);
        await ApiAssert.FailsWithAsync(422, "Invalid", () => _cluster.Client.CoreV1.PatchNamespacedServiceAsync(
            new V1Patch("""[{"op":"test","path":"/spec/type","value":"ClusterIP"}]""", V1Patch.PatchType.JsonPatch), "web", "default"));
    }

    [Fact]
    public async Task Strategic_merge_patch_merges_service_ports_by_port_as_the_real_server_does()
    {
        await CreateServiceAsync();
        var patched = await _cluster.Client.CoreV1.PatchNamespacedServiceAsync(
            new V1Patch("""{"spec":{"ports":[{"name":"dns","port":53,"protocol":"UDP"}]},"metadata":{"annotations":{"k":"v"}}}""", V1Patch.PatchType.StrategicMergePatch),
            "web", "default");

        Assert.Equal([80, 53], patched.Spec.Ports.Select(p => p.Port));
        Assert.Equal("v", patched.Metadata.Annotations["k"]);
    }

    [Fact]
    public async Task Strategic_merge_patch_of_a_pod_condition_leaves_the_kubelets_conditions_alone()
    {
        var pod = await _cluster.Client.CoreV1.CreateNamespacedPodAsync(
            new V1Pod { Metadata = new V1ObjectMeta { Name = "web-1" }, Spec = new V1PodSpec { Containers = [new V1Container { Name = "web", Image = "web:1" }] } },
            "default");
        await _cluster.Client.CoreV1.PatchNamespacedPodStatusAsync(
            new V1Patch("""{"status":{"conditions":[{"type":"Ready","status":"False"},{"type":"ContainersReady","status":"True"}]}}""", V1Patch.PatchType.MergePatch),
            pod.Metadata.Name, "default");

        await _cluster.Client.CoreV1.PatchNamespacedPodStatusAsync(
            new V1Patch("""{"status":{"conditions":[{"type":"target-health.directlb.io/web","status":"True"}]}}""", V1Patch.PatchType.StrategicMergePatch),
            pod.Metadata.Name, "default");
        var patched = await _cluster.Client.CoreV1.PatchNamespacedPodStatusAsync(
            new V1Patch("""{"status":{"conditions":[{"type":"Ready","status":"True"}]}}""", V1Patch.PatchType.StrategicMergePatch),
            pod.Metadata.Name, "default");

        Assert.Equal(
            ["Ready=True", "ContainersReady=True", "target-health.directlb.io/web=True"],
            patched.Status.Conditions.Select(c => $"{c.Type}={c.Status}"));
    }

    [Fact]
    public async Task Unsupported_patch_content_type_is_415()
    {
        await CreateServiceAsync();
        using var http = new HttpClient { BaseAddress = _cluster.Server.BaseAddress };
        using var request = new HttpRequestMessage(HttpMethod.Patch, "/api/v1/namespaces/default/services/web")
        {
            Content = new StringContent("{}", Encoding.UTF8, "application/json"),
        };
        using var response = await http.SendAsync(request);
        Assert.Equal(HttpStatusCode.UnsupportedMediaType, response.StatusCode);
    }

    [Fact]
    public async Task Delete_with_finalizers_marks_then_removing_the_last_finalizer_deletes()
    {
        var service = TestCluster.Service("default", "web");
        service.Metadata.Finalizers = ["directlb.io/cleanup"];
        var created = await _cluster.Client.CoreV1.CreateNamespacedServiceAsync(service, "default");
        await using var watch = WatchRecorder<V1Service>.Start((onError, ct) => _cluster.Client.CoreV1.WatchListNamespacedServiceAsync(
            "default", resourceVersion: created.Metadata.ResourceVersion, onError: onError, cancellationToken: ct));

        var marked = await _cluster.Client.CoreV1.DeleteNamespacedServiceAsync("web", "default");
        Assert.NotNull(marked.Metadata.DeletionTimestamp);
        Assert.Equal(0, marked.Metadata.DeletionGracePeriodSeconds);
        var modified = await watch.NextAsync();
        Assert.Equal(WatchEventType.Modified, modified.Type);
        Assert.NotNull(modified.Object.Metadata.DeletionTimestamp);
        Assert.NotNull(await _cluster.Client.CoreV1.ReadNamespacedServiceAsync("web", "default"));

        await _cluster.Client.CoreV1.PatchNamespacedServiceAsync(Merge("""{"metadata":{"finalizers":null}}"""), "web", "default");

        var deleted = await watch.NextAsync();
        Assert.Equal(WatchEventType.Deleted, deleted.Type);
        Assert.Empty(deleted.Object.Metadata.Finalizers ?? []);
        await ApiAssert.FailsWithAsync(404, "NotFound", () => _cluster.Client.CoreV1.ReadNamespacedServiceAsync("web", "default"));
    }

    [Fact]
    public async Task No_new_finalizers_on_an_object_being_deleted()
    {
        var service = TestCluster.Service("default", "web");
        service.Metadata.Finalizers = ["a"];
        await _cluster.Client.CoreV1.CreateNamespacedServiceAsync(service, "default");
        await _cluster.Client.CoreV1.DeleteNamespacedServiceAsync("web", "default");

        var status = await ApiAssert.FailsWithAsync(422, "Invalid", () => _cluster.Client.CoreV1.PatchNamespacedServiceAsync(
            Merge("""{"metadata":{"finalizers":["a","b"]}}"""), "web", "default"));
        Assert.Contains("no new finalizers can be added if the object is being deleted", (string?)status["message"]);
    }

    [Fact]
    public async Task DeletionTimestamp_cannot_be_set_by_an_update()
    {
        await CreateServiceAsync();
        var patched = await _cluster.Client.CoreV1.PatchNamespacedServiceAsync(
            Merge("""{"metadata":{"deletionTimestamp":"2020-01-01T00:00:00Z","labels":{"a":"1"}}}"""), "web", "default");

        Assert.Null(patched.Metadata.DeletionTimestamp);
        Assert.Equal("1", patched.Metadata.Labels["a"]);
    }

    [Fact]
    public async Task Delete_without_finalizers_removes_and_returns_the_final_state()
    {
        var created = await CreateServiceAsync();
        var deleted = await _cluster.Client.CoreV1.DeleteNamespacedServiceAsync("web", "default");

        Assert.Equal(created.Metadata.Uid, deleted.Metadata.Uid);
        Assert.Equal(_cluster.Server.Store.ResourceVersion.ToString(), deleted.Metadata.ResourceVersion);
        Assert.Null(_cluster.Server.Store.Get<V1Service>("default", "web"));
        await ApiAssert.FailsWithAsync(404, "NotFound", () => _cluster.Client.CoreV1.DeleteNamespacedServiceAsync("web", "default"));
    }

    [Fact]
    public async Task Delete_precondition_on_resource_version_is_enforced()
    {
        var created = await CreateServiceAsync();
        await _cluster.Client.CoreV1.PatchNamespacedServiceAsync(Merge("""{"metadata":{"labels":{"a":"1"}}}"""), "web", "default");

        await ApiAssert.FailsWithAsync(409, "Conflict", () => _cluster.Client.CoreV1.DeleteNamespacedServiceAsync("web", "default",
            new V1DeleteOptions { Preconditions = new V1Preconditions { ResourceVersion = created.Metadata.ResourceVersion } }));
    }
}
