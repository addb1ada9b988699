namespace DirectLB.Host.Configuration;

/// <summary>Short command-line switches for the settings people type most; everything else is --DirectLB:Key=value.</summary>
public static class CommandLineSwitches
{
    public static IDictionary<string, string> Map { get; } = new Dictionary<string, string>
    {
        ["--kubeconfig"] = "DirectLB:Kubeconfig",
        ["--context"] = "DirectLB:KubeContext",
        ["--cluster-id"] = "DirectLB:ClusterId",
        ["--provider"] = "DirectLB:Provider",
        ["--class"] = "DirectLB:LoadBalancerClass",
        ["--journal"] = "DirectLB:Journal:ConnectionString",
        ["--log-format"] = "DirectLB:LogFormat",
        ["--port"] = "DirectLB:Cluster:Port",
    };
}
