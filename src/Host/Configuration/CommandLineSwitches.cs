namespace DirectLB.Host.Configuration;

/// <summary>Short command-line switches for the settings people type most; everything else is --DirectLB:Key=value.</summary>
public static class CommandLineSwitches
{
    private const string ClusterSwitch = "--cluster";

    /// <summary>
    /// Rewrites each repeatable <c>--cluster id=path</c> into indexed configuration keys, which the command-line
    /// configuration source cannot do by itself (a repeated key would keep only its last value).
    /// </summary>
    public static string[] ExpandRepeated(string[] args)
    {
        var expanded = new List<string>();
        var index = 0;
        for (var i = 0; i < args.Length; i++)
        {
            string? value = null;
            if (args[i] == ClusterSwitch && i + 1 < args.Length)
            {
                value = args[++i];
            }
            else if (args[i].StartsWith(ClusterSwitch + "=", StringComparison.Ordinal))
            {
                value = args[i][(ClusterSwitch.Length + 1)..];
            }

            if (value is null)
            {
                expanded.Add(args[i]);
                continue;
            }

            var equals = value.IndexOf('=');
            var id = equals > 0 ? value[..equals] : value;
            var path = equals > 0 ? value[(equals + 1)..] : "";
            expanded.Add($"--DirectLB:Clusters:{index}:Id={id}");
            expanded.Add($"--DirectLB:Clusters:{index}:Kubeconfig={path}");
            index++;
        }

        return [.. expanded];
    }

    public static IDictionary<string, string> Map { get; } = new Dictionary<string, string>
    {
        ["--kubeconfig"] = "DirectLB:Kubeconfig",
        ["--context"] = "DirectLB:KubeContext",
        ["--cluster-id"] = "DirectLB:ClusterId",
        ["--provider"] = "DirectLB:Provider",
        ["--provider-url"] = "DirectLB:Http:BaseUrl",
        ["--haproxy-state"] = "DirectLB:HAProxy:StateDirectory",
        ["--vip-pool"] = "DirectLB:HAProxy:VipPool",
        ["--class"] = "DirectLB:LoadBalancerClass",
        ["--journal"] = "DirectLB:Journal:ConnectionString",
        ["--log-format"] = "DirectLB:LogFormat",
        ["--port"] = "DirectLB:Cluster:Port",
        ["--listen"] = "DirectLB:Listen",
        ["--cluster-stale-after"] = "DirectLB:ClusterStaleAfter",
        ["--member-secrets-kubeconfig"] = "DirectLB:MemberSecrets:Kubeconfig",
        ["--member-secrets-namespace"] = "DirectLB:MemberSecrets:Namespace",
    };
}
