using DirectLB.Actors.Domain;
using DirectLB.Actors.Entity;
using DirectLB.Actors.Kubernetes;
using DirectLB.Actors.Observability;
using DirectLB.Actors.Orphans;
using DirectLB.Actors.Planning;
using DirectLB.Host.Configuration;
using DirectLB.Providers;
using DirectLB.Providers.Model;
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
            DrainProbeInterval = options.Reconcile.DrainProbeInterval,
            EndpointSliceGrace = options.Reconcile.EndpointSliceGrace,
            ReadBackInterval = options.ReadBack.Interval,
            Filter = new ServiceClassFilter(options.LoadBalancerClass, options.ClaimServicesWithoutClass),
            Planner = new PlannerOptions { DefaultDrainDelay = options.Reconcile.DefaultDrainDelay, Installation = InstallationOf(options) },
        });
        services.AddSingleton(new OrphanOptions
        {
            Mode = Enum.Parse<OrphanMode>(options.Orphans.Mode, ignoreCase: true),
            Interval = options.Orphans.Interval,
            GracePeriod = options.Orphans.GracePeriod,
        });
        services.AddSingleton<MemberClusters>();
        services.AddSingleton<IServiceWriter, KubernetesServiceWriter>();
        services.AddSingleton<WatcherDirectory>();
        services.AddSingleton<ServiceStatusBoard>();
        services.AddSingleton<IServiceStateSource, SingletonStateSource>();
        services.AddSingleton<ProviderBootstrap>();
        services.AddHostedService(sp => sp.GetRequiredService<ProviderBootstrap>());
        services.AddSingleton(sp => sp.GetRequiredService<ProviderBootstrap>().Provider);
        return services;
    }

    public static Installation InstallationOf(DirectLbOptions options) => new(options.InstallationId, options.LoadBalancerClass);
}
