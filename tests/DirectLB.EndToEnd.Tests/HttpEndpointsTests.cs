using System.Net;
using System.Text.Json;
using DirectLB.EndToEnd.Tests.Support;
using DirectLB.KubeApiServer.Typed;
using static DirectLB.EndToEnd.Tests.Support.KubeObjects;

namespace DirectLB.EndToEnd.Tests;

/// <summary>Health, readiness, metrics and the status API, over real HTTP from the real host.</summary>
[Trait("Category", "EndToEnd")]
[Collection(ProcessMetricsCollection.Name)]
public class HttpEndpointsTests : EndToEndTest
{
    private readonly HttpClient _http = new();

    private async Task<(HttpStatusCode Status, string Body)> GetAsync(string path)
    {
        using var response = await _http.GetAsync(new Uri(DirectLb.BaseAddress, path));
        return (response.StatusCode, await response.Content.ReadAsStringAsync());
    }

    private async Task ServeWebAsync()
    {
        Api.Store.Create(LoadBalancerService("web"));
        Api.Store.Create(Slice("web", "web-abc", Ready("10.244.1.5"), Terminating("10.244.1.6")));
        await Eventually.Until(() => Cloud.LoadBalancers.SingleOrDefault()?.Listeners.SingleOrDefault()?.Targets.Count == 1, "the load balancer has its target");
    }

    [Fact]
    public async Task Healthz_answers_and_readyz_turns_ready_once_joined_and_listed()
    {
        Assert.Equal(HttpStatusCode.OK, (await GetAsync("/healthz")).Status);
        await Eventually.Until(async () => (await GetAsync("/readyz")).Status == HttpStatusCode.OK, "readyz says ready");
    }

    [Fact]
    public async Task Readyz_says_not_ready_while_a_member_cluster_has_never_been_listed()
    {
        await DirectLb.DisposeAsync();
        var port = Api.Port;
        await Api.StopAsync();
        DirectLb = await DirectLbUnderTest.StartAsync(Api, WorkDir, Cloud);

        var (status, body) = await GetAsync("/readyz");

        Assert.Equal(HttpStatusCode.ServiceUnavailable, status);
        Assert.Contains("member cluster east has not been listed yet", body);
        Api = await KubeApiServer.KubeApiServer.StartAsync(new DirectLB.KubeApiServer.KubeApiServerOptions { Port = port, Store = Api.Store });
        await Eventually.Until(async () => (await GetAsync("/readyz")).Status == HttpStatusCode.OK, "readyz turns ready once the cluster is listed");
    }

    [Fact]
    public async Task Metrics_use_prometheus_names_and_count_what_happened()
    {
        await ServeWebAsync();

        // Metrics are per process, and other tests' hosts share this one: assert presence and counts of at least one.
        await Eventually.Assert(() =>
        {
            var metrics = GetAsync("/metrics").GetAwaiter().GetResult().Body;
            Assert.Matches("directlb_provider_calls_total\\{operation=\"provision_load_balancer\",result=\"success\"\\} [1-9]", metrics);
            Assert.Matches("directlb_load_balancer_targets\\{service=\"shop/web\",state=\"serving\"\\} 1", metrics);
            Assert.Matches("directlb_watcher_connected\\{cluster=\"east\"\\} [01]", metrics);
            Assert.Matches("directlb_event_to_applied_seconds_count [1-9]", metrics);
            Assert.Matches("directlb_journal_write_seconds_count [1-9]", metrics);
            Assert.Matches("directlb_watcher_relists_total\\{cluster=\"east\",resource=\"services\"\\} [1-9]", metrics);
        });
    }

    [Fact]
    public async Task The_status_api_lists_services_with_address_and_targets()
    {
        await ServeWebAsync();

        await Eventually.Assert(() =>
        {
            using var json = JsonDocument.Parse(GetAsync("/api/services?namespace=shop").GetAwaiter().GetResult().Body);
            var web = json.RootElement.EnumerateArray().Single();
            Assert.Equal("shop/web", web.GetProperty("key").GetString());
            Assert.Equal(Cloud.LoadBalancers.Single().Address, web.GetProperty("address").GetString());
            Assert.True(web.GetProperty("inSync").GetBoolean());
            Assert.Equal("10.244.1.5:8080", web.GetProperty("targets")[0].GetProperty("endpoint").GetString());
        });
        Assert.Equal("[]", (await GetAsync("/api/services?namespace=elsewhere")).Body);
        using var clusters = JsonDocument.Parse((await GetAsync("/api/clusters")).Body);
        Assert.Equal("east", clusters.RootElement[0].GetProperty("clusterId").GetString());
        using var replicas = JsonDocument.Parse((await GetAsync("/api/replicas")).Body);
        Assert.Equal("Up", replicas.RootElement[0].GetProperty("status").GetString());
    }

    [Theory]
    [InlineData("/api/services/shop/nope")]
    [InlineData("/api/no-such-thing")]
    public async Task Unknown_things_are_404_with_a_json_error_never_500(string path)
    {
        var (status, body) = await GetAsync(path);

        Assert.Equal(HttpStatusCode.NotFound, status);
        using var json = JsonDocument.Parse(body);
        Assert.False(string.IsNullOrEmpty(json.RootElement.GetProperty("error").GetString()));
    }

    [Fact]
    public async Task No_page_prints_a_secret()
    {
        await ServeWebAsync();
        var kubeconfigToken = File.ReadAllText(Path.Combine(WorkDir, "kubeconfig")).Split("token: ")[1].Split('\n')[0].Trim();

        foreach (var path in new[] { "/", "/metrics", "/api/clusters", "/api/replicas", "/api/services", "/readyz" })
        {
            var body = (await GetAsync(path)).Body;
            Assert.DoesNotContain(kubeconfigToken, body);
            Assert.DoesNotContain("journal.db", body);
        }
    }
}
