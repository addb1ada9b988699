using DirectLB.Actors.Domain;
using DirectLB.Actors.Entity;
using DirectLB.Actors.Kubernetes;
using DirectLB.Actors.Planning;
using DirectLB.Host.Configuration;
using DirectLB.Providers;
using DirectLB.Providers.Simulated;
using k8s;
using Microsoft.Extensions.DependencyInjection;

namespace DirectLB.Host.Hosting;

/// <summary>Plain services the actors depend on: provider, member clusters, options.</summary>
public static class ServiceComposition
{
    public static IServiceCollection AddDirectLbServices(this IServiceCollection services, DirectLbOptions options)
    {
        services.AddSingleton(options);
        services.AddSingleton(TimeProvider.System);
        services.AddSingleton(new ReconcileOptions
        {
            Debounce = options.Reconcile.Debounce,
            MinBackoff = options.Reconcile.MinBackoff,
            MaxBackoff = options.Reconcile.MaxBackoff,
            SnapshotEvery = options.Reconcile.SnapshotEvery,
            Filter = new ServiceClassFilter(options.LoadBalancerClass, options.ClaimServicesWithoutClass),
            Planner = new PlannerOptions { DefaultDrainDelay = options.Reconcile.DefaultDrainDelay },
        });
        services.AddSingleton(_ => MemberClustersFrom(options));
        services.AddSingleton<IServiceWriter, KubernetesServiceWriter>();
        services.AddSingleton<WatcherDirectory>();
        services.AddSingleton<IServiceStateSource>(sp => sp.GetRequiredService<WatcherDirectory>());
        services.AddSingleton<ILoadBalancerProvider>(sp => CreateProvider(options, sp));
        return services;
    }

    private static ILoadBalancerProvider CreateProvider(DirectLbOptions options, IServiceProvider services) => options.Provider switch
    {
        "simulated" => new SimulatedProvider(options.Simulated, services.GetRequiredService<TimeProvider>()),
        _ => throw new ConfigurationException([$"provider '{options.Provider}' is unknown"]),
    };

    private static MemberClusters MemberClustersFrom(DirectLbOptions options)
    {
        var clusters = new MemberClusters();
        clusters.Add(options.ClusterId, new Kubernetes(LoadKubernetesConfig(options)));
        return clusters;
    }

    /// <summary>The kubeconfig given, else $KUBECONFIG or ~/.kube/config, else the in-cluster service account.</summary>
    public static KubernetesClientConfiguration LoadKubernetesConfig(DirectLbOptions options)
    {
        try
        {
            if (!string.IsNullOrEmpty(options.Kubeconfig))
            {
                return KubernetesClientConfiguration.BuildConfigFromConfigFile(options.Kubeconfig, options.KubeContext);
            }

            return KubernetesClientConfiguration.IsInCluster()
                ? KubernetesClientConfiguration.InClusterConfig()
                : KubernetesClientConfiguration.BuildConfigFromConfigFile(currentContext: options.KubeContext);
        }
        catch (Exception ex) when (ex is not ConfigurationException)
        {
            throw new ConfigurationException([$"cannot load Kubernetes configuration for cluster '{options.ClusterId}': {ex.Message} (pass --kubeconfig PATH)"]);
        }
    }
}
