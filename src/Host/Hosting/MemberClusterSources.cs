using DirectLB.Actors.Kubernetes;
using DirectLB.Host.Configuration;
using k8s;

namespace DirectLB.Host.Hosting;

/// <summary>
/// Where the member clusters come from, resolved and loaded once at start so a bad kubeconfig fails the start
/// with a clear message: the <c>--cluster</c> list; else the single <c>--kubeconfig</c> (or default) cluster,
/// unless member Secrets are the only source; plus the cluster holding member Secrets, when enabled.
/// </summary>
public sealed record MemberClusterSources(
    IReadOnlyList<AddMemberCluster> Static,
    KubernetesClientConfiguration? SecretsCluster,
    MemberSecretsOptions? Secrets)
{
    public static MemberClusterSources Resolve(DirectLbOptions options)
    {
        var secretsEnabled = options.MemberSecrets.Enabled
            ?? (!string.IsNullOrEmpty(options.MemberSecrets.Kubeconfig) || KubernetesClientConfiguration.IsInCluster());
        KubernetesClientConfiguration? home = null;
        if (secretsEnabled)
        {
            home = Load("member Secrets", () => string.IsNullOrEmpty(options.MemberSecrets.Kubeconfig)
                ? KubernetesClientConfiguration.InClusterConfig()
                : KubernetesClientConfiguration.BuildConfigFromConfigFile(options.MemberSecrets.Kubeconfig));
        }

        List<AddMemberCluster> clusters;
        if (options.Clusters.Count > 0)
        {
            clusters = [.. options.Clusters.Select(c => new AddMemberCluster(
                c.Id,
                Load(c.Id, () => KubernetesClientConfiguration.BuildConfigFromConfigFile(c.Kubeconfig, c.Context)),
                $"--cluster {c.Id}={c.Kubeconfig}"))];
        }
        else if (secretsEnabled && string.IsNullOrEmpty(options.Kubeconfig))
        {
            clusters = [];
        }
        else
        {
            clusters = [new AddMemberCluster(options.ClusterId, Load(options.ClusterId, () => SingleCluster(options)), "--kubeconfig")];
        }

        return new MemberClusterSources(clusters, home, secretsEnabled ? new MemberSecretsOptions(options.MemberSecrets.Namespace) : null);
    }

    /// <summary>The kubeconfig given, else $KUBECONFIG or ~/.kube/config, else the in-cluster service account.</summary>
    private static KubernetesClientConfiguration SingleCluster(DirectLbOptions options)
    {
        if (!string.IsNullOrEmpty(options.Kubeconfig))
        {
            return KubernetesClientConfiguration.BuildConfigFromConfigFile(options.Kubeconfig, options.KubeContext);
        }

        return KubernetesClientConfiguration.IsInCluster()
            ? KubernetesClientConfiguration.InClusterConfig()
            : KubernetesClientConfiguration.BuildConfigFromConfigFile(currentContext: options.KubeContext);
    }

    private static KubernetesClientConfiguration Load(string what, Func<KubernetesClientConfiguration> load)
    {
        try
        {
            return load();
        }
        catch (Exception ex)
        {
            throw new ConfigurationException([$"cannot load the Kubernetes configuration for {what}: {ex.Message} (pass --kubeconfig PATH or --cluster id=PATH)"]);
        }
    }
}
