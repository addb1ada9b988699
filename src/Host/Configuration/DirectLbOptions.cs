using DirectLB.Actors.Domain;
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

    /// <summary>The member cluster's id: carried in ownership tags and target labels.</summary>
    public string ClusterId { get; set; } = "default";

    /// <summary>Path of the member cluster's kubeconfig; empty means $KUBECONFIG, ~/.kube/config, or in-cluster config.</summary>
    public string? Kubeconfig { get; set; }

    /// <summary>kubeconfig context to use; empty means the current context.</summary>
    public string? KubeContext { get; set; }

    /// <summary>Load balancer provider: "simulated".</summary>
    public string Provider { get; set; } = "simulated";

    /// <summary>"text" for people, "json" for log pipelines.</summary>
    public string LogFormat { get; set; } = "text";

    /// <summary>The simulated cloud's behaviour (latency, rate limit, target limit, address pool).</summary>
    public SimulatedProviderOptions Simulated { get; set; } = new();

    public JournalOptions Journal { get; set; } = new();

    public AkkaClusterOptions Cluster { get; set; } = new();

    public ReconcileSettings Reconcile { get; set; } = new();
}

public sealed class JournalOptions
{
    /// <summary>"sqlite" (single replica).</summary>
    public string Provider { get; set; } = "sqlite";

    public string ConnectionString { get; set; } = "Data Source=directlb.db";
}

public sealed class AkkaClusterOptions
{
    public string Hostname { get; set; } = "127.0.0.1";

    /// <summary>Akka remoting port; 0 picks a free one (fine for one replica).</summary>
    public int Port { get; set; }

    /// <summary>Seed node addresses (akka.tcp://directlb@host:port); none means this replica forms a cluster alone.</summary>
    public List<string> SeedNodes { get; set; } = [];
}

public sealed class ReconcileSettings
{
    public TimeSpan Debounce { get; set; } = TimeSpan.FromMilliseconds(100);

    public TimeSpan MinBackoff { get; set; } = TimeSpan.FromSeconds(1);

    public TimeSpan MaxBackoff { get; set; } = TimeSpan.FromMinutes(5);

    public TimeSpan DefaultDrainDelay { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How often every watched Service is sent to its entity again; 0 turns it off.</summary>
    public TimeSpan ResyncInterval { get; set; } = TimeSpan.FromMinutes(5);

    public int SnapshotEvery { get; set; } = 100;
}
