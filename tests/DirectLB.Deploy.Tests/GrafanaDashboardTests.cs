using System.Text.Json.Nodes;
using DirectLB.Deploy.Tests.Rendering;
using Xunit;

namespace DirectLB.Deploy.Tests;

public class GrafanaDashboardTests
{
    private readonly JsonObject dashboard =
        JsonNode.Parse(File.ReadAllText(Repository.Deploy("grafana", "directlb-dashboard.json")))!.AsObject();

    /// <summary>Rows only group panels; every other panel draws queries.</summary>
    private IReadOnlyList<JsonObject> QueryPanels =>
        [.. dashboard["panels"]!.AsArray().Select(panel => panel!.AsObject()).Where(panel => (string?)panel["type"] != "row")];

    private IEnumerable<string> Expressions =>
        QueryPanels.SelectMany(panel => panel["targets"]!.AsArray()).Select(target => (string)target!["expr"]!);

    [Fact]
    public void Every_panel_queries_the_chosen_Prometheus()
    {
        Assert.NotEmpty(QueryPanels);
        foreach (var panel in QueryPanels)
        {
            Assert.Equal("${DS_PROMETHEUS}", (string?)panel["datasource"]?["uid"]);
            var targets = panel["targets"]?.AsArray() ?? [];
            Assert.NotEmpty(targets);
            Assert.All(targets, target => Assert.False(string.IsNullOrWhiteSpace((string?)target!["expr"])));
        }

        var variable = dashboard["templating"]!["list"]!.AsArray().Single(item => (string?)item!["name"] == "DS_PROMETHEUS")!;
        Assert.Equal("datasource", (string?)variable["type"]);
        Assert.Equal("prometheus", (string?)variable["query"]);
    }

    [Fact]
    public void Uses_only_metrics_DirectLB_exports_and_shows_each_of_them()
    {
        var used = Expressions.SelectMany(DirectLbMetrics.In).ToHashSet();
        Assert.Subset(DirectLbMetrics.Known.ToHashSet(), used);
        Assert.Superset(DirectLbMetrics.Known.ToHashSet(), used);
    }

    [Fact]
    public void Panel_ids_are_unique()
    {
        var ids = dashboard["panels"]!.AsArray().Select(panel => (int)panel!["id"]!).ToList();
        Assert.Equal(ids.Count, ids.Distinct().Count());
    }
}
