using DirectLB.Actors.Domain;
using DirectLB.KubeApiServer.Typed;
using k8s.Autorest;
using k8s.Models;

namespace DirectLB.Tests.Kubernetes;

/// <summary>The Kubernetes writer against a real API test server: what it does when the API server fails.</summary>
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
}
