using System.Net;
using System.Text.Json.Nodes;
using DirectLB.KubeApiServer.Printing;
using DirectLB.KubeApiServer.Typed;
using k8s.Models;
using Xunit;

namespace DirectLB.KubeApiServer.Tests;

/// <summary>Server-side tables over plain HTTP: the shape kubectl decodes, and the objects for every other client.</summary>
public sealed class TableTests : IAsyncLifetime
{
    private const string AcceptTable = "application/json;as=Table;v=v1;g=meta.k8s.io,application/json;as=Table;v=v1beta1;g=meta.k8s.io,application/json";

    private readonly HttpClient _http = new();
    private TestCluster _cluster = null!;

    public async Task InitializeAsync()
    {
        _cluster = await TestCluster.StartAsync();
        _cluster.Server.Store.Create(TestCluster.Service("default", "web"));
    }

    public async Task DisposeAsync()
    {
        _http.Dispose();
        await _cluster.DisposeAsync();
    }

    [Fact]
    public async Task A_client_asking_for_a_table_gets_columns_rows_and_each_rows_metadata()
    {
        var (table, contentType) = await GetAsync("/api/v1/namespaces/default/services", AcceptTable);

        Assert.Equal("application/json;as=Table;v=v1;g=meta.k8s.io", contentType);
        Assert.Equal("Table", table["kind"]!.GetValue<string>());
        Assert.Equal("meta.k8s.io/v1", table["apiVersion"]!.GetValue<string>());
        Assert.Equal(_cluster.Server.Store.ResourceVersion.ToString(), table["metadata"]!["resourceVersion"]!.GetValue<string>());
        var columns = table["columnDefinitions"]!.AsArray().Select(c => (c!["name"]!.GetValue<string>(), c["priority"]!.GetValue<int>()));
        Assert.Equal([("Name", 0), ("Type", 0), ("Cluster-IP", 0), ("External-IP", 0), ("Port(s)", 0), ("Age", 0), ("Selector", 1)], columns);
        var row = table["rows"]![0]!;
        var web = _cluster.Server.Store.Get<V1Service>("default", "web")!;
        Assert.Equal(
            ["web", "LoadBalancer", web.Spec.ClusterIP, "<pending>", $"80:{web.Spec.Ports[0].NodePort}/TCP"],
            row["cells"]!.AsArray().Take(5).Select(c => c!.GetValue<string>()));
        Assert.Equal("PartialObjectMetadata", row["object"]!["kind"]!.GetValue<string>());
        Assert.Equal("web", row["object"]!["metadata"]!["name"]!.GetValue<string>());
    }

    [Fact]
    public async Task Rows_carry_the_whole_object_or_nothing_as_asked()
    {
        var (whole, _) = await GetAsync("/api/v1/namespaces/default/services/web?includeObject=Object", AcceptTable);
        var (none, _) = await GetAsync("/api/v1/namespaces/default/services?includeObject=None", AcceptTable);

        Assert.Equal("LoadBalancer", whole["rows"]![0]!["object"]!["spec"]!["type"]!.GetValue<string>());
        Assert.Null(none["rows"]![0]!["object"]);
    }

    [Fact]
    public async Task A_client_that_does_not_ask_for_a_table_gets_the_objects()
    {
        var (list, contentType) = await GetAsync("/api/v1/namespaces/default/services", "application/json");

        Assert.Equal("application/json", contentType);
        Assert.Equal("ServiceList", list["kind"]!.GetValue<string>());
    }

    [Fact]
    public async Task An_unknown_include_object_is_a_bad_request()
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(_cluster.Server.BaseAddress, "/api/v1/namespaces/default/services?includeObject=Everything"));
        request.Headers.TryAddWithoutValidation("Accept", AcceptTable);

        using var response = await _http.SendAsync(request);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
    }

    [Theory]
    [InlineData(0, "0s")]
    [InlineData(119, "119s")]
    [InlineData(150, "2m30s")]
    [InlineData(600, "10m")]
    [InlineData(3 * 3600 + 20 * 60, "3h20m")]
    [InlineData(30 * 3600, "30h")]
    [InlineData(3 * 86400 + 4 * 3600, "3d4h")]
    [InlineData(100 * 86400, "100d")]
    [InlineData(3 * 365 * 86400 + 10 * 86400, "3y10d")]
    public void Ages_read_as_kubectl_prints_them(int seconds, string printed)
    {
        Assert.Equal(printed, HumanDuration.Format(TimeSpan.FromSeconds(seconds)));
    }

    private async Task<(JsonObject Body, string? ContentType)> GetAsync(string path, string accept)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(_cluster.Server.BaseAddress, path));
        request.Headers.TryAddWithoutValidation("Accept", accept);
        using var response = await _http.SendAsync(request);
        response.EnsureSuccessStatusCode();
        return (JsonNode.Parse(await response.Content.ReadAsStringAsync())!.AsObject(), response.Content.Headers.ContentType?.ToString().Replace(" ", "", StringComparison.Ordinal));
    }
}
