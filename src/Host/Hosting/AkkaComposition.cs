using Akka.Actor;
using Akka.Cluster;
using Akka.Cluster.Hosting;
using Akka.Cluster.Sharding;
using Akka.Hosting;
using Akka.Persistence.Sql;
using Akka.Remote.Hosting;
using DirectLB.Actors.Entity;
using DirectLB.Actors.Kubernetes;
using DirectLB.Actors.Serialization;
using DirectLB.Host.Configuration;
using LinqToDB;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using k8s;

namespace DirectLB.Host.Hosting;

/// <summary>The actor system, one feature per extension method.</summary>
public static class AkkaComposition
{
    public const string SystemName = "directlb";
    public const string Role = "directlb";
    private const int MaxShards = 100;

    public static IServiceCollection AddDirectLbActors(this IServiceCollection services, DirectLbOptions options) =>
        services.AddAkka(SystemName, (akka, provider) => akka
            .ConfigureLoggers(loggers =>
            {
                loggers.ClearLoggers();
                loggers.AddLoggerFactory();
            })
            .WithLbCluster(options.Cluster)
            .WithLbPersistence(options.Journal)
            .WithLbSerialization()
            .WithServiceSharding()
            .WithClusterWatchers(provider, options));

    private static AkkaConfigurationBuilder WithLbCluster(this AkkaConfigurationBuilder akka, AkkaClusterOptions cluster)
    {
        akka.WithRemoting(cluster.Hostname, cluster.Port)
            .WithClustering(new ClusterOptions { Roles = [Role], SeedNodes = [.. cluster.SeedNodes] });
        if (cluster.SeedNodes.Count == 0)
        {
            // A single replica: form a cluster of one.
            akka.AddStartup((system, _) => Akka.Cluster.Cluster.Get(system).Join(Akka.Cluster.Cluster.Get(system).SelfAddress));
        }

        return akka;
    }

    private static AkkaConfigurationBuilder WithLbPersistence(this AkkaConfigurationBuilder akka, JournalOptions journal)
    {
        SqliteWriteAheadLog.Enable(journal.ConnectionString);
        return akka.AddHocon(SqlJournalConfig.For(journal.ConnectionString, ProviderName.SQLiteMS), HoconAddMode.Prepend)
            .AddHocon(SqlPersistence.DefaultConfiguration, HoconAddMode.Append);
    }

    private static AkkaConfigurationBuilder WithLbSerialization(this AkkaConfigurationBuilder akka) =>
        akka.AddHocon(DirectLbSerialization.Config, HoconAddMode.Prepend);

    private static AkkaConfigurationBuilder WithServiceSharding(this AkkaConfigurationBuilder akka) =>
        akka.WithShardRegion<ServiceRegion>(
            "services",
            (_, _, resolver) => entityId => resolver.Props<ServiceLoadBalancer>(entityId),
            new ServiceMessageExtractor(MaxShards),
            new ShardOptions
            {
                Role = Role,
                // Coordinator state lives in distributed data, so old node addresses never land in the journal.
                StateStoreMode = StateStoreMode.DData,
                RememberEntities = false,
                // Entities hold drain timers: they stop themselves when their Service is gone, never when idle.
                ShouldPassivateIdleEntities = false,
            });

    private static AkkaConfigurationBuilder WithClusterWatchers(this AkkaConfigurationBuilder akka, IServiceProvider provider, DirectLbOptions options) =>
        akka.WithActors((system, registry) =>
        {
            var region = registry.Get<ServiceRegion>();
            var sources = provider.GetRequiredService<MemberClusterSources>();
            var loggers = provider.GetRequiredService<ILoggerFactory>();
            var filter = provider.GetRequiredService<ReconcileOptions>().Filter;
            var informerOptions = new InformerOptions();
            Props WatcherProps(string clusterId, IKubernetes client) =>
                ClusterWatcher.Props(clusterId, client, region, filter, informerOptions, options.Reconcile.ResyncInterval, options.ClusterStaleAfter, loggers);

            var manager = system.ActorOf(
                MemberClusterManager.Props(
                    provider.GetRequiredService<MemberClusters>(),
                    provider.GetRequiredService<WatcherDirectory>(),
                    WatcherProps,
                    sources.SecretsCluster is { } home ? new k8s.Kubernetes(home) : null,
                    sources.Secrets,
                    informerOptions,
                    loggers),
                "member-clusters");
            registry.Register<MemberClusterManager>(manager);
            foreach (var cluster in sources.Static)
            {
                manager.Tell(cluster);
            }
        });
}
