using System.Text.RegularExpressions;
using DirectLB.Actors.Orphans;
using DirectLB.Actors.Planning;
using DirectLB.Host.Hosting;
using DirectLB.Providers.Simulated;

namespace DirectLB.Host.Configuration;

/// <summary>Checks the whole configuration before anything starts, and says every problem at once.</summary>
public static partial class DirectLbOptionsValidator
{
    public static readonly IReadOnlyList<string> Providers = ["simulated", "haproxy", "http"];

    public static IReadOnlyList<string> Validate(DirectLbOptions options)
    {
        var errors = new List<string>();
        if (string.IsNullOrWhiteSpace(options.LoadBalancerClass))
        {
            errors.Add("DirectLB:LoadBalancerClass must not be empty");
        }

        if (!ClusterIdSyntax().IsMatch(options.ClusterId))
        {
            errors.Add($"DirectLB:ClusterId '{options.ClusterId}' must be 1-63 lowercase letters, digits or '-'");
        }

        if (!string.IsNullOrEmpty(options.Kubeconfig) && !File.Exists(options.Kubeconfig))
        {
            errors.Add($"--kubeconfig: file '{options.Kubeconfig}' does not exist");
        }

        ValidateClusters(options, errors);

        if (!Providers.Contains(options.Provider))
        {
            errors.Add($"--provider '{options.Provider}' is unknown; use one of: {string.Join(", ", Providers)}");
        }
        else if (options.Provider == "haproxy")
        {
            errors.AddRange(options.HAProxy.Validate().Select(e => $"DirectLB:HAProxy: {e}"));
        }
        else if (options.Provider == "http")
        {
            ValidateHttpUrls(options.Http, errors);
        }

        if (options.Provider == "http" && options.Http.CaCertificate is { } ca && !File.Exists(ca))
        {
            errors.Add($"DirectLB:Http:CaCertificate {ca} does not exist");
        }

        if (options.Provider == "simulated" && options.Cluster.SeedNodes.Count > 0)
        {
            // Each replica would have its own in-memory cloud: a Service moving would find no load balancer.
            errors.Add("several replicas (DirectLB:Cluster:SeedNodes) need a shared load balancer platform: --provider http (e.g. directlb simulate-cloud)");
        }

        if (!Uri.TryCreate(options.Listen, UriKind.Absolute, out var listen) || listen.Scheme != Uri.UriSchemeHttp)
        {
            errors.Add($"--listen '{options.Listen}' must be an http URL like http://127.0.0.1:8080");
        }

        if (options.ProviderRateLimit < 0 || options.ProviderRateBurst < 1)
        {
            errors.Add("--provider-rate-limit must not be negative and DirectLB:ProviderRateBurst must be at least 1");
        }

        if (options.LogFormat is not ("text" or "json"))
        {
            errors.Add($"DirectLB:LogFormat '{options.LogFormat}' must be text or json");
        }

        if (options.Journal.Provider is not ("sqlite" or "postgresql"))
        {
            errors.Add($"DirectLB:Journal:Provider '{options.Journal.Provider}' is unknown; use sqlite or postgresql");
        }
        else if (options.Journal.Provider == "sqlite" && options.Cluster.SeedNodes.Count > 0)
        {
            // Each replica would journal to its own file: a Service moving to another replica would forget its load balancer.
            errors.Add("several replicas (DirectLB:Cluster:SeedNodes) need a shared journal: --journal-provider postgresql");
        }

        if (options.Journal.SqliteSynchronous is not (SqliteJournal.Normal or SqliteJournal.Full))
        {
            errors.Add($"DirectLB:Journal:SqliteSynchronous '{options.Journal.SqliteSynchronous}' is unknown; use {SqliteJournal.Normal} or {SqliteJournal.Full}");
        }

        if (string.IsNullOrWhiteSpace(options.Journal.ConnectionString))
        {
            errors.Add("DirectLB:Journal:ConnectionString must not be empty");
        }

        if (options.Cluster.Port is < 0 or > 65535)
        {
            errors.Add($"DirectLB:Cluster:Port {options.Cluster.Port} is not a port number");
        }

        if (options.Cluster.StableAfter <= TimeSpan.Zero)
        {
            errors.Add("DirectLB:Cluster:StableAfter must be positive");
        }

        if (options.Cluster.DownAllWhenUnstable <= TimeSpan.Zero)
        {
            // Akka reads zero as "off": an unstable cluster would then never decide, and never fail over.
            errors.Add("DirectLB:Cluster:DownAllWhenUnstable must be positive");
        }

        if (options.Cluster.RemovalMargin <= TimeSpan.Zero)
        {
            // Akka reads a zero margin as "use stable-after": the option would not mean what it says.
            errors.Add("DirectLB:Cluster:RemovalMargin must be positive");
        }

        if (options.Cluster.AcceptableHeartbeatPause <= TimeSpan.Zero)
        {
            errors.Add("DirectLB:Cluster:AcceptableHeartbeatPause must be positive");
        }

        if (options.Cluster.Shards is < 1 or > 10_000)
        {
            errors.Add($"DirectLB:Cluster:Shards must be between 1 and 10000 (it is {options.Cluster.Shards})");
        }

        ValidateReconcile(options.Reconcile, errors);
        ValidateSimulated(options.Simulated, errors);
        ValidateLevelTriggering(options, errors);
        ValidateWebhook(options.Webhook, errors);
        return errors;
    }

    private static void ValidateLevelTriggering(DirectLbOptions options, List<string> errors)
    {
        if (!ClusterIdSyntax().IsMatch(options.InstallationId))
        {
            errors.Add($"--installation-id '{options.InstallationId}' must be 1-63 lowercase letters, digits or '-'");
        }

        if (options.ReadBack.Interval < TimeSpan.Zero)
        {
            errors.Add("DirectLB:ReadBack:Interval must not be negative");
        }

        if (!Enum.TryParse<OrphanMode>(options.Orphans.Mode, ignoreCase: true, out var mode) || int.TryParse(options.Orphans.Mode, out _))
        {
            errors.Add($"DirectLB:Orphans:Mode '{options.Orphans.Mode}' is unknown; use off, report or delete");
        }
        else if (mode == OrphanMode.Delete && options.InstallationId == DirectLbOptions.DefaultInstallationId)
        {
            // Two installations with one id would each take the other's load balancers for orphans, and delete them.
            errors.Add("DirectLB:Orphans:Mode=delete needs an --installation-id of its own (not 'default'), unique among the DirectLB installations that share this load balancer platform");
        }

        if (options.Orphans.Interval < TimeSpan.FromSeconds(1) || options.Orphans.GracePeriod < TimeSpan.Zero)
        {
            errors.Add("DirectLB:Orphans:Interval must be at least 1 s and GracePeriod must not be negative");
        }
    }

    private static void ValidateHttpUrls(HttpProviderSettings http, List<string> errors)
    {
        if (http.BaseUrls.Count == 0)
        {
            errors.Add("--provider http needs --provider-url http(s)://host:port/ (several, comma-separated, for several load balancer nodes)");
        }

        foreach (var each in http.BaseUrls)
        {
            if (!Uri.TryCreate(each, UriKind.Absolute, out var url) || url.Scheme is not ("http" or "https"))
            {
                errors.Add($"--provider-url '{each}' is not an http(s)://host:port/ URL");
            }
            else if (url.UserInfo.Length > 0)
            {
                // Not echoed: the URL holds a password, and this message goes to the log.
                errors.Add("--provider-url must not carry credentials (user:password@); give the API's token as DirectLB:Http:BearerToken");
            }
        }

        if (http.BaseUrls.Distinct(StringComparer.OrdinalIgnoreCase).Count() < http.BaseUrls.Count)
        {
            errors.Add("--provider-url names a load balancer node twice");
        }
    }

    private static void ValidateClusters(DirectLbOptions options, List<string> errors)
    {
        if (options.Clusters.Count > 0 && !string.IsNullOrEmpty(options.Kubeconfig))
        {
            errors.Add("use either --kubeconfig (one member cluster) or --cluster id=path (several), not both");
        }

        foreach (var cluster in options.Clusters)
        {
            if (!ClusterIdSyntax().IsMatch(cluster.Id))
            {
                errors.Add($"--cluster {cluster.Id}=...: the id must be 1-63 lowercase letters, digits or '-'");
            }

            if (string.IsNullOrEmpty(cluster.Kubeconfig) || !File.Exists(cluster.Kubeconfig))
            {
                errors.Add($"--cluster {cluster.Id}={cluster.Kubeconfig}: kubeconfig file does not exist (write --cluster id=/path/to/kubeconfig)");
            }
        }

        foreach (var duplicate in options.Clusters.GroupBy(c => c.Id).Where(g => g.Count() > 1))
        {
            errors.Add($"--cluster {duplicate.Key} is given more than once");
        }

        if (options.ClusterStaleAfter < TimeSpan.Zero)
        {
            errors.Add("--cluster-stale-after must not be negative");
        }

        if (!string.IsNullOrEmpty(options.MemberSecrets.Kubeconfig) && !File.Exists(options.MemberSecrets.Kubeconfig))
        {
            errors.Add($"--member-secrets-kubeconfig: file '{options.MemberSecrets.Kubeconfig}' does not exist");
        }
    }

    private static void ValidateReconcile(ReconcileSettings reconcile, List<string> errors)
    {
        if (reconcile.Debounce < TimeSpan.Zero)
        {
            errors.Add("DirectLB:Reconcile:Debounce must not be negative");
        }

        if (reconcile.MinBackoff <= TimeSpan.Zero || reconcile.MaxBackoff < reconcile.MinBackoff)
        {
            errors.Add("DirectLB:Reconcile:MinBackoff must be positive and not above MaxBackoff");
        }

        if (reconcile.DefaultDrainDelay < TimeSpan.Zero || reconcile.DefaultDrainDelay > new PlannerOptions().MaxDrainDelay)
        {
            errors.Add($"DirectLB:Reconcile:DefaultDrainDelay must be between 0 and {new PlannerOptions().MaxDrainDelay}, as the drain-delay annotation");
        }

        if (reconcile.DrainProbeInterval < TimeSpan.FromMilliseconds(100))
        {
            errors.Add("DirectLB:Reconcile:DrainProbeInterval must be at least 100 ms");
        }

        if (reconcile.EndpointSliceGrace < TimeSpan.Zero)
        {
            errors.Add("DirectLB:Reconcile:EndpointSliceGrace must not be negative");
        }

        if (reconcile.ResyncInterval < TimeSpan.Zero)
        {
            errors.Add("DirectLB:Reconcile:ResyncInterval must not be negative");
        }

        if (reconcile.SnapshotEvery < 2)
        {
            errors.Add("DirectLB:Reconcile:SnapshotEvery must be at least 2");
        }
    }

    private static void ValidateSimulated(SimulatedProviderOptions simulated, List<string> errors)
    {
        if (simulated.RateLimitPerSecond < 0 || simulated.RateLimitBurst < 1)
        {
            errors.Add("DirectLB:Simulated:RateLimitPerSecond must not be negative and RateLimitBurst must be at least 1");
        }

        if (simulated.MaxTargetsPerLoadBalancer < 1)
        {
            errors.Add("DirectLB:Simulated:MaxTargetsPerLoadBalancer must be at least 1");
        }

        try
        {
            simulated.Chaos?.Validated();
        }
        catch (ArgumentException ex)
        {
            errors.Add($"DirectLB:Simulated:Chaos: {ex.Message}");
        }
    }

    [GeneratedRegex("^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$")]
    private static partial Regex ClusterIdSyntax();
}
