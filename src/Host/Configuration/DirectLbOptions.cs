using DirectLB.Actors.Domain;
using DirectLB.Providers.HAProxy;
using DirectLB.Providers.Simulated;

namespace DirectLB.Host.Configuration;

/// <summary>Everything DirectLB can be told, bound from appsettings, DIRECTLB__ environment variables and the command line.</summary>
public sealed class DirectLbOptions
{
    public const string Section = "DirectLB";

    /// <summary>The spec.loadBalancerClass DirectLB serves.</summary>
    public string LoadBalancerClass { get; set; } = ServiceClassFilter.DefaultClass;

    /// <summary>Also serve LoadBalancer Services that name no class (only when no other LB controller runs).</summary>
    public bool ClaimServicesWithoutClass { get; set; }

    /// <summary>
    /// Names this installation on every load balancer it creates (with the class), so it lists and collects its own
    /// and nothing else. Give each DirectLB installation that shares a load balancer platform its own.
    /// </summary>
    public string InstallationId { get; set; } = DefaultInstallationId;

    public const string DefaultInstallationId = "default";

    /// <summary>The single member cluster's id (the <c>--kubeconfig</c> form): carried in target labels and Events.</summary>
    public string ClusterId { get; set; } = "default";

    /// <summary>Path of the single member cluster's kubeconfig; empty means $KUBECONFIG, ~/.kube/config, or in-cluster config.</summary>
    public string? Kubeconfig { get; set; }

    /// <summary>kubeconfig context to use; empty means the current context.</summary>
    public string? KubeContext { get; set; }

    /// <summary>Several member clusters (<c>--cluster id=path</c>, repeatable). When set, <see cref="Kubeconfig"/> is not used.</summary>
    public List<MemberClusterOptions> Clusters { get; set; } = [];

    /// <summary>Member clusters registered at run time through labelled Secrets in the cluster DirectLB runs in.</summary>
    public MemberSecretsSettings MemberSecrets { get; set; } = new();

    /// <summary>How long an unreachable member cluster keeps its last known targets; zero keeps them until it is back.</summary>
    public TimeSpan ClusterStaleAfter { get; set; } = TimeSpan.Zero;

    /// <summary>Load balancer provider: "simulated", "haproxy" or "http".</summary>
    public string Provider { get; set; } = "simulated";

    /// <summary>
    /// Calls per second this replica makes to the provider at most (0: no limit). Set it to the provider's API quota
    /// (divided by the replicas): calls then wait in line instead of being throttled and backing off.
    /// </summary>
    public double ProviderRateLimit { get; set; }

    /// <summary>Calls that may go at once before <see cref="ProviderRateLimit"/> applies.</summary>
    public int ProviderRateBurst { get; set; } = 10;

    /// <summary>Where the HTTP endpoints listen: /healthz, /readyz, /metrics, the status page and /api.</summary>
    public string Listen { get; set; } = "http://127.0.0.1:8080";

    /// <summary>"text" for people, "json" for log pipelines.</summary>
    public string LogFormat { get; set; } = "text";

    /// <summary>The simulated cloud's behaviour (latency, rate limit, target limit, address pool).</summary>
    public SimulatedProviderOptions Simulated { get; set; } = new();

    /// <summary>The HAProxy provider: own or attached HAProxy, state directory, VIP pool, timeouts.</summary>
    public HAProxyProviderOptions HAProxy { get; set; } = new();

    /// <summary>The HTTP provider: an LB platform speaking DirectLB's REST contract (src/Providers/Http/openapi.yaml).</summary>
    public HttpProviderSettings Http { get; set; } = new();

    public JournalOptions Journal { get; set; } = new();

    public AkkaClusterOptions Cluster { get; set; } = new();

    public ReconcileSettings Reconcile { get; set; } = new();

    public ReadBackSettings ReadBack { get; set; } = new();

    public OrphanSettings Orphans { get; set; } = new();

    /// <summary>The admission webhook that adds the readiness gate to new pods; off until it has a certificate.</summary>
    public WebhookSettings Webhook { get; set; } = new();
}

public sealed class WebhookSettings
{
    /// <summary>The IP endpoint the HTTPS webhook listens on (<c>--webhook-listen</c>).</summary>
    public string Listen { get; set; } = "0.0.0.0:9443";

    /// <summary>PEM certificate (with its chain) the webhook serves (<c>--webhook-cert</c>); read again when it changes.</summary>
    public string? CertFile { get; set; }

    /// <summary>PEM private key of <see cref="CertFile"/> (<c>--webhook-key</c>).</summary>
    public string? KeyFile { get; set; }

    public bool Enabled => !string.IsNullOrEmpty(CertFile) || !string.IsNullOrEmpty(KeyFile);
}

public sealed class ReadBackSettings
{
    /// <summary>How often each Service's load balancer is read back and repaired (jittered); 0 only after errors and failovers.</summary>
    public TimeSpan Interval { get; set; } = TimeSpan.FromMinutes(5);
}

public sealed class OrphanSettings
{
    /// <summary>"off", "report" (log, metric, status page) or "delete" (also collect them after the grace period).</summary>
    public string Mode { get; set; } = "report";

    public TimeSpan Interval { get; set; } = TimeSpan.FromMinutes(10);

    public TimeSpan GracePeriod { get; set; } = TimeSpan.FromMinutes(30);
}

public sealed class MemberClusterOptions
{
    public string Id { get; set; } = "";

    public string Kubeconfig { get; set; } = "";

    public string? Context { get; set; }
}

public sealed class MemberSecretsSettings
{
    /// <summary>On by default when DirectLB runs in a pod; elsewhere give <see cref="Kubeconfig"/> to turn it on.</summary>
    public bool? Enabled { get; set; }

    /// <summary>kubeconfig of the cluster that holds the Secrets; empty means the in-cluster service account.</summary>
    public string? Kubeconfig { get; set; }

    public string Namespace { get; set; } = "directlb";
}

public sealed class HttpProviderSettings
{
    /// <summary>The API's URL; or several, comma-separated, one per load balancer node (lb-agent): each gets every load balancer.</summary>
    public string? BaseUrl { get; set; }

    /// <summary>The URLs in <see cref="BaseUrl"/>, in order.</summary>
    public IReadOnlyList<string> BaseUrls => BaseUrl?.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries) ?? [];

    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Sent as a bearer token; give it through DIRECTLB_DirectLB__Http__BearerToken, never on the command line.</summary>
    public string? BearerToken { get; set; }

    /// <summary>PEM file of the certificate authorities an https API's certificate must chain to, instead of the system's.</summary>
    public string? CaCertificate { get; set; }
}

public sealed class JournalOptions
{
    /// <summary>"sqlite" (one replica, a local file) or "postgresql" (several replicas share one database).</summary>
    public string Provider { get; set; } = "sqlite";

    public string ConnectionString { get; set; } = "Data Source=directlb.db";

    /// <summary>
    /// SQLite only: "normal" (the default; a commit survives the process dying, not a power loss) or "full" (every
    /// commit synced to disk, at the disk's fsync rate). See <see cref="Hosting.SqliteJournal"/>.
    /// </summary>
    public string SqliteSynchronous { get; set; } = Hosting.SqliteJournal.Normal;
}

public sealed class AkkaClusterOptions
{
    /// <summary>The name other replicas reach this one by (in Kubernetes, the pod's stable DNS name).</summary>
    public string Hostname { get; set; } = "127.0.0.1";

    /// <summary>The address remoting binds to; empty means <see cref="Hostname"/>. In a pod: 0.0.0.0.</summary>
    public string? BindHostname { get; set; }

    /// <summary>Akka remoting port; 0 picks a free one (fine for one replica).</summary>
    public int Port { get; set; }

    /// <summary>Seed node addresses (akka.tcp://directlb@host:port); none means this replica forms a cluster alone.</summary>
    public List<string> SeedNodes { get; set; } = [];

    /// <summary>
    /// How long the membership must stay unchanged before the split brain resolver downs the unreachable side
    /// (keep-majority). It bounds how fast a dead replica's Services move; too short risks downing a replica
    /// that was only paused (a long GC, a busy node).
    /// </summary>
    public TimeSpan StableAfter { get; set; } = TimeSpan.FromSeconds(3);

    /// <summary>
    /// How long reachability may keep changing, with some replica unreachable all along, beyond <see cref="StableAfter"/>
    /// before every replica downs itself (Akka's <c>down-all-when-unstable</c>: no side can be trusted to decide). Akka
    /// derives it from <c>stable-after</c> (¾ of it, at least 4 s), which with DirectLB's short <see cref="StableAfter"/>
    /// would stop the whole cluster after 7 s of flapping reachability, as replicas starved of CPU produce; this rides out
    /// such a spell, and keep-majority decides once the membership is stable again.
    /// </summary>
    public TimeSpan DownAllWhenUnstable { get; set; } = TimeSpan.FromSeconds(20);

    /// <summary>
    /// How long after a downed replica is removed its shards and singletons wait before they start on a survivor
    /// (Akka's <c>down-removal-margin</c>, which would otherwise be <see cref="StableAfter"/> again). It is a margin
    /// for a downed replica that still runs (the minority side of a partition stopping itself); the journal's unique
    /// sequence numbers fence an entity that outlives it (README, "When a replica dies").
    /// </summary>
    public TimeSpan RemovalMargin { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>
    /// How long heartbeats from a replica may pause before the failure detector suspects it (Akka's
    /// <c>akka.cluster.failure-detector.acceptable-heartbeat-pause</c>). It bounds how fast a dead replica is noticed;
    /// too short marks a replica that was only paused (a long GC, a busy node) unreachable.
    /// </summary>
    public TimeSpan AcceptableHeartbeatPause { get; set; } = TimeSpan.FromSeconds(3);

    /// <summary>
    /// Down a replica as soon as its cluster port refuses connections after its connection dropped (its process is
    /// gone), when the replicas still reachable are a majority, instead of waiting for the failure detector and
    /// <see cref="StableAfter"/> (<see cref="Actors.Replicas.DeadReplicaProbe"/>). Turn it off where a firewall
    /// between replicas rejects connections with a reset rather than dropping them.
    /// </summary>
    public bool DownRefusedReplicas { get; set; } = true;

    /// <summary>
    /// How many shards the Services are spread over (Akka's number of shards; a Service's shard is its key's hash modulo
    /// this). Every replica must use the same number (a replica that differs is refused); changing it needs every
    /// replica stopped first, since the same Service would belong to another shard on each side. Akka's rule of thumb
    /// is ten per replica: a leaving or dead replica's shards are allocated on the others one at a time, each after a
    /// write of the coordinator's state, so fewer shards hand over sooner (100 until 2026-11-30; 30 measured faster on
    /// three replicas, docs/benchmarks.md, "Fewer shards").
    /// </summary>
    public int Shards { get; set; } = 30;
}

public sealed class ReconcileSettings
{
    public TimeSpan Debounce { get; set; } = TimeSpan.FromMilliseconds(100);

    public TimeSpan MinBackoff { get; set; } = TimeSpan.FromSeconds(1);

    public TimeSpan MaxBackoff { get; set; } = TimeSpan.FromMinutes(5);

    public TimeSpan DefaultDrainDelay { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>While targets drain, how often the provider is asked for their open connections (if it can count them).</summary>
    public TimeSpan DrainProbeInterval { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>How long a Service port in no EndpointSlice waits for the slices to catch up before it is reported (ReconcileOptions.EndpointSliceGrace).</summary>
    public TimeSpan EndpointSliceGrace { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>How often every watched Service is sent to its entity again; 0 turns it off.</summary>
    public TimeSpan ResyncInterval { get; set; } = TimeSpan.FromMinutes(5);

    public int SnapshotEvery { get; set; } = 100;
}
