using DirectLB.Deploy.Tests.Rendering;
using Xunit;

namespace DirectLB.Deploy.Tests;

public class AlertRulesTests
{
    private readonly IReadOnlyList<Dictionary<string, object?>> rules =
    [
        .. PlainYaml.Load(File.ReadAllText(Repository.Deploy("prometheus", "directlb-alerts.yaml")))
            .Maps("groups")
            .SelectMany(group => group.Maps("rules")),
    ];

    [Fact]
    public void Every_rule_has_an_expression_a_duration_a_severity_and_a_summary()
    {
        Assert.NotEmpty(rules);
        foreach (var rule in rules)
        {
            Assert.Matches("^DirectLB[A-Za-z]+$", rule.Str("alert"));
            Assert.False(string.IsNullOrWhiteSpace(rule.Str("expr")));
            Assert.Matches("^[0-9]+[smh]$", rule.Str("for"));
            Assert.Contains(rule.Str("labels.severity"), new[] { "warning", "critical" });
            Assert.False(string.IsNullOrWhiteSpace(rule.Str("annotations.summary")));
            Assert.False(string.IsNullOrWhiteSpace(rule.Str("annotations.description")));
        }
    }

    [Fact]
    public void Alert_names_are_unique() =>
        Assert.Equal(rules.Count, rules.Select(rule => rule.Str("alert")).Distinct().Count());

    [Fact]
    public void Uses_only_metrics_DirectLB_exports() =>
        Assert.Subset(DirectLbMetrics.Known.ToHashSet(), rules.SelectMany(rule => DirectLbMetrics.In(rule.Str("expr"))).ToHashSet());

    [Theory]
    [InlineData("directlb_sync_failures_total", "10m")]
    [InlineData("directlb_provider_throttled_total", "15m")]
    [InlineData("directlb_watcher_connected", "5m")]
    [InlineData("directlb_kubernetes_writes_waiting", "10m")]
    [InlineData("up{job=~\".*directlb.*\"} == 0", "2m")]
    [InlineData("directlb_cluster_members{status=\"up\"}", "5m")]
    public void Each_failure_is_alerted_after_its_grace_period(string expressionPart, string duration) =>
        Assert.Contains(rules, rule => rule.Str("expr").Contains(expressionPart, StringComparison.Ordinal) && rule.Str("for") == duration);
}
