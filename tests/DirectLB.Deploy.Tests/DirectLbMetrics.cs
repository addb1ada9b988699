using System.Text.RegularExpressions;

namespace DirectLB.Deploy.Tests;

/// <summary>
/// The metric names DirectLB exports, as the host defines them. Dashboards and alerts may use only these, so a
/// typo or a renamed metric fails here instead of showing an empty panel or an alert that never fires.
/// </summary>
public static partial class DirectLbMetrics
{
    public static readonly IReadOnlySet<string> Known = new HashSet<string>(StringComparer.Ordinal)
    {
        "directlb_reconcile_duration_seconds",
        "directlb_event_to_applied_seconds",
        "directlb_provider_calls_total",
        "directlb_provider_throttled_total",
        "directlb_load_balancer_targets",
        "directlb_entities",
        "directlb_shards",
        "directlb_watcher_connected",
        "directlb_watcher_relists_total",
        "directlb_kubernetes_writes_waiting",
        "directlb_journal_write_seconds",
        "directlb_sync_failures_total",
        "directlb_cluster_members",
    };

    [GeneratedRegex("directlb_[a-z_]+")]
    private static partial Regex MetricName();

    [GeneratedRegex("_(bucket|sum|count)$")]
    private static partial Regex HistogramSeries();

    /// <summary>The DirectLB metrics a PromQL expression reads, a histogram's _bucket/_sum/_count series as the histogram.</summary>
    public static IEnumerable<string> In(string expression) =>
        MetricName().Matches(expression).Select(match => HistogramSeries().Replace(match.Value, ""));
}
