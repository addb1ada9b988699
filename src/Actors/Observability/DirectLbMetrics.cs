using Prometheus;

namespace DirectLB.Actors.Observability;

/// <summary>
/// Every metric DirectLB exports, in one place so names stay consistent with the Grafana dashboard and the
/// alert rules under deploy/. Names follow Prometheus conventions: base units, _total for counters.
/// </summary>
public static class DirectLbMetrics
{
    private static readonly double[] LatencyBuckets = Histogram.ExponentialBuckets(0.001, 2, 18); // 1 ms .. ~2 min

    public static readonly Histogram ReconcileDuration = Metrics.CreateHistogram(
        "directlb_reconcile_duration_seconds",
        "Time from the first change an entity sees until its load balancer is in sync again.",
        new HistogramConfiguration { Buckets = LatencyBuckets });

    public static readonly Histogram EventToApplied = Metrics.CreateHistogram(
        "directlb_event_to_applied_seconds",
        "Time from a watch event's arrival at the watcher to the provider's confirmation of the change it caused.",
        new HistogramConfiguration { Buckets = LatencyBuckets });

    public static readonly Counter ProviderCalls = Metrics.CreateCounter(
        "directlb_provider_calls_total",
        "Provider calls by operation and result (success, error, throttled).",
        new CounterConfiguration { LabelNames = ["operation", "result"] });

    public static readonly Counter ProviderThrottled = Metrics.CreateCounter(
        "directlb_provider_throttled_total",
        "Provider calls refused by the provider's rate limit.",
        new CounterConfiguration { LabelNames = ["operation"] });

    public static readonly Gauge Targets = Metrics.CreateGauge(
        "directlb_load_balancer_targets",
        "Targets per load balancer, by state (serving, draining).",
        new GaugeConfiguration { LabelNames = ["service", "state"] });

    public static readonly Gauge Entities = Metrics.CreateGauge(
        "directlb_entities",
        "Service entities running on this replica.");

    public static readonly Gauge Shards = Metrics.CreateGauge(
        "directlb_shards",
        "Shards of the services region hosted on this replica.");

    public static readonly Gauge WatcherConnected = Metrics.CreateGauge(
        "directlb_watcher_connected",
        "1 while the member cluster's API server answers, 0 while it does not.",
        new GaugeConfiguration { LabelNames = ["cluster"] });

    public static readonly Counter WatcherRelists = Metrics.CreateCounter(
        "directlb_watcher_relists_total",
        "Full lists of a resource in a member cluster (at start, after 410 Gone, after an outage).",
        new CounterConfiguration { LabelNames = ["cluster", "resource"] });

    public static readonly Gauge KubernetesWritesWaiting = Metrics.CreateGauge(
        "directlb_kubernetes_writes_waiting",
        "Writes to a member cluster (status, finalizers, Events, readiness gates) waiting for one of the writer's slots.",
        new GaugeConfiguration { LabelNames = ["cluster"] });

    public static readonly Histogram JournalWrite = Metrics.CreateHistogram(
        "directlb_journal_write_seconds",
        "Time to persist one journal event.",
        new HistogramConfiguration { Buckets = LatencyBuckets });

    public static readonly Counter SyncFailures = Metrics.CreateCounter(
        "directlb_sync_failures_total",
        "Failed outside calls of entities (provider or Kubernetes), each retried with backoff.",
        new CounterConfiguration { LabelNames = ["kind"] });

    public static readonly Gauge ClusterMembers = Metrics.CreateGauge(
        "directlb_cluster_members",
        "Members of the Akka cluster of replicas, by status.",
        new GaugeConfiguration { LabelNames = ["status"] });

    public static readonly Counter ReadBacks = Metrics.CreateCounter(
        "directlb_read_backs_total",
        "Load balancers read back from the provider, by what was found: in_sync, drift, in_doubt (settling an operation whose outcome was lost) or error.",
        new CounterConfiguration { LabelNames = ["result"] });

    public static readonly Counter Drift = Metrics.CreateCounter(
        "directlb_load_balancer_drift_total",
        "Differences a read-back found between the load balancer and what DirectLB had applied, each repaired, by kind.",
        new CounterConfiguration { LabelNames = ["kind"] });

    public static readonly Gauge TargetHealth = Metrics.CreateGauge(
        "directlb_target_health",
        "Targets of this replica's load balancers by their health as the load balancer last reported it.",
        new GaugeConfiguration { LabelNames = ["health"] });

    public static readonly Gauge Orphans = Metrics.CreateGauge(
        "directlb_orphan_load_balancers",
        "Load balancers of this installation whose Service exists in no member cluster, as the collector last counted them.",
        new GaugeConfiguration { LabelNames = ["state"] });

    public static readonly Counter OrphansCollected = Metrics.CreateCounter(
        "directlb_orphans_collected_total",
        "Orphaned load balancers handed to their Service's entity for deletion.");

    public static readonly Counter WebhookAdmissions = Metrics.CreateCounter(
        "directlb_webhook_admissions_total",
        "Pod admission reviews the readiness gate webhook answered, by result: injected, unchanged (no gate to add), skipped (not a pod creation, or its namespace is not labelled for injection) or failed (malformed review, or no answer from the member cluster; the pod is admitted unchanged).",
        new CounterConfiguration { LabelNames = ["result"] });

    public static readonly Histogram GateOpenSeconds = Metrics.CreateHistogram(
        "directlb_readiness_gate_open_seconds",
        "From a gated pod's containers turning ready to its readiness gate opening (its targets healthy in the load balancer).",
        new HistogramConfiguration { Buckets = [0.25, 0.5, 1, 2, 3, 5, 10, 20, 30, 60, 120, 300] });

    public static readonly Gauge GatesPending = Metrics.CreateGauge(
        "directlb_readiness_gates_pending",
        "Pods of this replica's Services whose containers are ready and whose readiness gate is not open yet.");
}
