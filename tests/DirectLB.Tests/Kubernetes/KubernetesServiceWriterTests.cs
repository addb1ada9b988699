using DirectLB.Actors.Domain;
using DirectLB.Actors.Kubernetes;
using DirectLB.KubeApiServer.Http;
using DirectLB.KubeApiServer.Patching;
using DirectLB.KubeApiServer.Typed;
using k8s.Autorest;
using k8s.Models;

namespace DirectLB.Tests.Kubernetes;

/// <summary>The Kubernetes writer against a real API test server: finalizer edits, and what it does when the API server fails.</summary>
public sealed class KubernetesServiceWriterTests : IAsyncLifetime
{
    private static readonly ServiceKey Web = new("shop", "web");
    private static readonly ServiceEvent Invalid = new(true, ServiceEventReason.InvalidConfiguration, "Keeping the last good load balancer: bad");

    private WatcherApi _api = null!;

    public async Task InitializeAsync() => _api = await WatcherApi.StartAsync();

    public async Task DisposeAsync() => await _api.DisposeAsync();

    [Fact]
    public async Task An_Event_that_meets_passing_server_errors_is_sent_again_until_it_lands_once()
    {
        _api.Server.FailNext("POST", "/events", 500, times: 2);
        _api.Server.FailNext("POST", "/events", 429, times: 1);

        await _api.Writer.RecordEventAsync(Support.Fixtures.Cluster, Web, "uid-1", Invalid, new CancellationTokenSource(TimeSpan.FromSeconds(20)).Token);

        var recorded = Assert.Single(_api.Server.Store.CoreEventsFor(Web.Namespace, Web.Name, "Service"));
        Assert.Equal((ServiceEventReason.InvalidConfiguration, "Warning"), (recorded.Reason, recorded.Type));
    }

    [Fact]
    public async Task An_Event_the_API_server_refuses_is_not_sent_again()
    {
        _api.Server.FailNext("POST", "/events", 403, times: 1);

        var refused = await Assert.ThrowsAsync<HttpOperationException>(() =>
            _api.Writer.RecordEventAsync(Support.Fixtures.Cluster, Web, "uid-1", Invalid, CancellationToken.None));

        Assert.Equal(403, (int)refused.Response.StatusCode);
        Assert.Empty(_api.Server.Store.CoreEventsFor(Web.Namespace, Web.Name, "Service"));
        Assert.Single(_api.Server.Requests, r => r.Method == "POST" && r.PathAndQuery.Contains("/events", StringComparison.Ordinal));
    }

    [Fact]
    public async Task An_Event_in_a_namespace_being_deleted_is_dropped_without_an_error_or_a_second_try()
    {
        _api.Server.Store.Delete<V1Namespace>(null, Web.Namespace);

        await _api.Writer.RecordEventAsync(Support.Fixtures.Cluster, Web, "uid-1", Invalid, CancellationToken.None);

        Assert.Equal("Terminating", _api.Server.Store.Get<V1Namespace>(null, Web.Namespace)!.Status.Phase);
        Assert.Empty(_api.Server.Store.CoreEventsFor(Web.Namespace, Web.Name, "Service"));
        Assert.Single(_api.Server.Requests, r => r.Method == "POST" && r.PathAndQuery.Contains("/events", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_finalizer_added_from_the_observed_Service_takes_one_request_and_keeps_the_other_finalizers()
    {
        var observed = CreateService(finalizers: ["example.com/keep"]);

        await _api.Writer.AddFinalizerAsync(Support.Fixtures.Cluster, Web, observed, CancellationToken.None);

        Assert.Equal(["example.com/keep", ServiceClassFilter.Finalizer], Finalizers());
        Assert.Equal(["PATCH"], ServiceRequests().Select(r => r.Method));
    }

    [Fact]
    public async Task A_finalizer_added_from_a_stale_observation_meets_a_conflict_and_keeps_what_changed_meanwhile()
    {
        var observed = CreateService(finalizers: ["example.com/keep"]);
        _api.Server.Store.Patch<V1Service>(Web.Namespace, Web.Name, PatchType.Merge, """{"metadata":{"finalizers":["example.com/keep","example.com/late"]}}""");

        await _api.Writer.AddFinalizerAsync(Support.Fixtures.Cluster, Web, observed, CancellationToken.None);

        Assert.Equal(["example.com/keep", "example.com/late", ServiceClassFilter.Finalizer], Finalizers());
        Assert.Equal(["PATCH", "GET", "PATCH"], ServiceRequests().Select(r => r.Method));
        Assert.Equal(409, ServiceRequests()[0].StatusCode);
    }

    [Fact]
    public async Task A_finalizer_removed_from_the_observed_Service_leaves_the_other_finalizers()
    {
        var observed = CreateService(finalizers: [ServiceClassFilter.Finalizer, "example.com/keep"]);

        await _api.Writer.RemoveFinalizerAsync(Support.Fixtures.Cluster, Web, observed, CancellationToken.None);

        Assert.Equal(["example.com/keep"], Finalizers());
        Assert.Equal(["PATCH"], ServiceRequests().Select(r => r.Method));
    }

    [Fact]
    public async Task An_observation_without_its_finalizers_has_the_Service_read_before_the_edit()
    {
        // As an observation sent by a replica of an older version arrives: it does not carry the list.
        var observed = CreateService(finalizers: ["example.com/keep"]) with { Finalizers = null };

        await _api.Writer.AddFinalizerAsync(Support.Fixtures.Cluster, Web, observed, CancellationToken.None);

        Assert.Equal(["example.com/keep", ServiceClassFilter.Finalizer], Finalizers());
        Assert.Equal(["GET", "PATCH"], ServiceRequests().Select(r => r.Method));
    }

    [Fact]
    public async Task No_finalizer_is_added_to_a_Service_observed_being_deleted()
    {
        CreateService(finalizers: ["example.com/keep"]);
        _api.Server.Store.Delete<V1Service>(Web.Namespace, Web.Name);
        var deleting = new SnapshotMapper().ToSnapshot(_api.Server.Store.Get<V1Service>(Web.Namespace, Web.Name)!);

        await _api.Writer.AddFinalizerAsync(Support.Fixtures.Cluster, Web, deleting, CancellationToken.None);

        Assert.Equal(["example.com/keep"], Finalizers());
        Assert.Empty(ServiceRequests());
    }

    /// <summary>Creates the Service with <paramref name="finalizers"/> and returns it as the watcher would observe it.</summary>
    private ServiceSnapshot CreateService(string[] finalizers)
    {
        var created = _api.Server.Store.Create(new V1Service
        {
            Metadata = new V1ObjectMeta { Name = Web.Name, NamespaceProperty = Web.Namespace, Finalizers = finalizers },
            Spec = new V1ServiceSpec { Type = "LoadBalancer", LoadBalancerClass = ServiceClassFilter.DefaultClass, Ports = [new V1ServicePort { Name = "http", Port = 80 }] },
        });
        return new SnapshotMapper().ToSnapshot(created);
    }

    private IList<string> Finalizers() => _api.Server.Store.Get<V1Service>(Web.Namespace, Web.Name)!.Metadata.Finalizers ?? [];

    private List<RecordedRequest> ServiceRequests() =>
        [.. _api.Server.Requests.Where(r => r.PathAndQuery.Contains($"/namespaces/{Web.Namespace}/services/{Web.Name}", StringComparison.Ordinal))];
}
