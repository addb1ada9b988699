namespace DirectLB.Host.Configuration;

/// <summary>Short command-line switches for the settings people type most; everything else is --DirectLB:Key=value.</summary>
public static class CommandLineSwitches
{
    private const string ClusterSwitch = "--cluster";
    private const string SeedSwitch = "--seed";

    /// <summary>
    /// Rewrites the repeatable switches into indexed configuration keys, which the command-line configuration
    /// source cannot do by itself (a repeated key would keep only its last value): each <c>--cluster id=path</c>
    /// and each <c>--seed akka.tcp://directlb@host:port</c>.
    /// </summary>
    public static string[] ExpandRepeated(string[] args)
    {
        var expanded = new List<string>();
        var clusters = 0;
        var seeds = 0;
        for (var i = 0; i < args.Length; i++)
        {
            if (ValueOf(args, ref i, ClusterSwitch) is { } cluster)
            {
                var equals = cluster.IndexOf('=');
                var id = equals > 0 ? cluster[..equals] : cluster;
                var path = equals > 0 ? cluster[(equals + 1)..] : "";
                expanded.Add($"--DirectLB:Clusters:{clusters}:Id={id}");
                expanded.Add($"--DirectLB:Clusters:{clusters}:Kubeconfig={path}");
                clusters++;
            }
            else if (ValueOf(args, ref i, SeedSwitch) is { } seed)
            {
                expanded.Add($"--DirectLB:Cluster:SeedNodes:{seeds++}={seed}");
            }
            else
            {
                expanded.Add(args[i]);
            }
        }

        return [.. expanded];
    }

    /// <summary>The value of <paramref name="name"/> at <paramref name="i"/>, as "--name value" (which moves i on) or "--name=value".</summary>
    private static string? ValueOf(string[] args, ref int i, string name)
    {
        if (args[i] == name && i + 1 < args.Length)
        {
            return args[++i];
        }

        return args[i].StartsWith(name + "=", StringComparison.Ordinal) ? args[i][(name.Length + 1)..] : null;
    }

    public static IDictionary<string, string> Map { get; } = new Dictionary<string, string>
    {
        ["--kubeconfig"] = "DirectLB:Kubeconfig",
        ["--context"] = "DirectLB:KubeContext",
        ["--cluster-id"] = "DirectLB:ClusterId",
        ["--provider"] = "DirectLB:Provider",
        ["--provider-url"] = "DirectLB:Http:BaseUrl",
        ["--provider-rate-limit"] = "DirectLB:ProviderRateLimit",
        ["--haproxy-state"] = "DirectLB:HAProxy:StateDirectory",
        ["--vip-pool"] = "DirectLB:HAProxy:VipPool",
        ["--vip-pool6"] = "DirectLB:HAProxy:VipPool6",
        ["--class"] = "DirectLB:LoadBalancerClass",
        ["--installation-id"] = "DirectLB:InstallationId",
        ["--orphans"] = "DirectLB:Orphans:Mode",
        ["--read-back-interval"] = "DirectLB:ReadBack:Interval",
        ["--journal"] = "DirectLB:Journal:ConnectionString",
        ["--journal-provider"] = "DirectLB:Journal:Provider",
        ["--log-format"] = "DirectLB:LogFormat",
        ["--port"] = "DirectLB:Cluster:Port",
        ["--hostname"] = "DirectLB:Cluster:Hostname",
        ["--bind-hostname"] = "DirectLB:Cluster:BindHostname",
        ["--listen"] = "DirectLB:Listen",
        ["--cluster-stale-after"] = "DirectLB:ClusterStaleAfter",
        ["--member-secrets-kubeconfig"] = "DirectLB:MemberSecrets:Kubeconfig",
        ["--member-secrets-namespace"] = "DirectLB:MemberSecrets:Namespace",
        ["--webhook-listen"] = "DirectLB:Webhook:Listen",
        ["--webhook-cert"] = "DirectLB:Webhook:CertFile",
        ["--webhook-key"] = "DirectLB:Webhook:KeyFile",
    };
}
