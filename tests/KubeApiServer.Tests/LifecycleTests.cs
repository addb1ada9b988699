using DirectLB.KubeApiServer.Typed;
using k8s;
using k8s.Models;
using Xunit;

namespace DirectLB.KubeApiServer.Tests;

public sealed class LifecycleTests : IAsyncLifetime
{
    private TestCluster _cluster = null!;

    public async Task InitializeAsync() => _cluster = await TestCluster.StartAsync();

    public async Task DisposeAsync() => await _cluster.DisposeAsync();

    [Fact]
    public async Task Restart_on_the_same_port_serves_the_same_store_and_cuts_watches()
    {
        var created = await _cluster.Client.CoreV1.CreateNamespacedServiceAsync(TestCluster.Service("default", "web"), "default");
        var port = _cluster.Server.Port;
        await using var watch = WatchRecorder<V1Service>.Start((onError, ct) => _cluster.Client.CoreV1.WatchListServiceForAllNamespacesAsync(
            resourceVersion: created.Metadata.ResourceVersion, onError: onError, cancellationToken: ct));
        await ApiAssert.EventuallyAsync(() => _cluster.Server.Requests.Any(r => r.IsWatch));

        await _cluster.RestartAsync(whileDown: async () =>
        {
            await watch.WaitClosedAsync();
            await Assert.ThrowsAnyAsync<HttpRequestException>(() => _cluster.Client.CoreV1.ListServiceForAllNamespacesAsync());
            // Changes made while the server is down are there when it comes back, like writes by another apiserver.
            _cluster.Server.Store.Patch<V1Service>("default", "web", Patching.PatchType.Merge, """{"metadata":{"labels":{"a":"1"}}}""");
        });

        Assert.Equal(port, _cluster.Server.Port);
        var fetched = await _cluster.Client.CoreV1.ReadNamespacedServiceAsync("web", "default");
        Assert.Equal(created.Metadata.Uid, fetched.Metadata.Uid);
        await using var resumed = WatchRecorder<V1Service>.Start((onError, ct) => _cluster.Client.CoreV1.WatchListServiceForAllNamespacesAsync(
            resourceVersion: created.Metadata.ResourceVersion, onError: onError, cancellationToken: ct));
        var modified = await resumed.NextAsync();
        Assert.Equal((WatchEventType.Modified, "1"), (modified.Type, modified.Object.Metadata.Labels["a"]));
    }

    [Fact]
    public async Task FailNext_injects_a_status_error_the_given_number_of_times()
    {
        await _cluster.Client.CoreV1.CreateNamespacedServiceAsync(TestCluster.Service("default", "web"), "default");
        _cluster.Server.FailNext("GET", "/services/web", 503, times: 2);

        await ApiAssert.FailsWithAsync(503, "ServiceUnavailable", () => _cluster.Client.CoreV1.ReadNamespacedServiceAsync("web", "default"));
        await ApiAssert.FailsWithAsync(503, "ServiceUnavailable", () => _cluster.Client.CoreV1.ReadNamespacedServiceAsync("web", "default"));
        Assert.Equal("web", (await _cluster.Client.CoreV1.ReadNamespacedServiceAsync("web", "default")).Metadata.Name);
    }

    [Fact]
    public async Task Requests_are_recorded_with_method_path_content_type_body_and_status()
    {
        await _cluster.Client.CoreV1.CreateNamespacedServiceAsync(TestCluster.Service("default", "web"), "default");
        await _cluster.Client.CoreV1.PatchNamespacedServiceStatusAsync(
            new V1Patch("""{"status":{"loadBalancer":{"ingress":[{"ip":"10.0.0.1"}]}}}""", V1Patch.PatchType.MergePatch), "web", "default");

        var statusPatches = _cluster.Server.Requests.Where(r => r.Method == "PATCH" && r.PathAndQuery.StartsWith("/api/v1/namespaces/default/services/web/status", StringComparison.Ordinal)).ToList();
        var patch = Assert.Single(statusPatches);
        Assert.StartsWith("application/merge-patch+json", patch.ContentType);
        Assert.Contains("10.0.0.1", patch.Body);
        Assert.Equal(200, patch.StatusCode);
        Assert.Contains(_cluster.Server.Requests, r => r is { Method: "POST", StatusCode: 201 });
    }

    [Fact]
    public async Task The_request_record_keeps_the_most_recent_requests_up_to_its_capacity()
    {
        await using var cluster = await TestCluster.StartAsync(new KubeApiServerOptions { RequestLogCapacity = 2 });

        foreach (var name in new[] { "a", "b", "c" })
        {
            await cluster.Client.CoreV1.CreateNamespacedServiceAsync(TestCluster.Service("default", name), "default");
        }

        Assert.Collection(
            cluster.Server.Requests,
            r => Assert.Contains("\"name\":\"b\"", r.Body),
            r => Assert.Contains("\"name\":\"c\"", r.Body));
    }

    [Fact]
    public async Task Kubeconfig_points_at_the_server()
    {
        var path = _cluster.Server.WriteKubeconfig(Path.Combine(Path.GetTempPath(), $"kubeconfig-{Guid.NewGuid():N}"), "sandbox");
        try
        {
            var config = KubernetesClientConfiguration.BuildConfigFromConfigFile(path);
            Assert.Equal("sandbox", config.CurrentContext);
            Assert.Equal(_cluster.Server.BaseAddress.ToString().TrimEnd('/'), config.Host.TrimEnd('/'));
            Assert.Equal("default", config.Namespace);
        }
        finally
        {
            File.Delete(path);
        }
    }
}
