using Akka.Actor;
using Akka.Cluster;
using Akka.Cluster.Hosting;
using Akka.Cluster.Sharding;
using Akka.Hosting;
using Akka.Persistence.Sql;
using Akka.Remote.Hosting;
using DirectLB.Actors.Domain;
using DirectLB.Actors.Entity;
using DirectLB.Actors.Kubernetes;
using DirectLB.Actors.Observability;
using DirectLB.Actors.Orphans;
using DirectLB.Actors.Replicas;
using DirectLB.Actors.Serialization;
using DirectLB.Host.Configuration;
using DirectLB.Providers;
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

    /// <summary>The shard region of the Service entities.</summary>
    private const string Services = "services";

    public static IServiceCollection AddDirectLbActors(this IServiceCollection services, DirectLbOptions options) =>
        services.AddAkka(SystemName, (akka, provider) => akka
            .ConfigureLoggers(loggers =>
            {
                loggers.ClearLoggers();
                loggers.AddLoggerFactory();
            })
            .WithLbCluster(options.Cluster, SharedSettings.Of(options))
            .WithLbPersistence(options.Journal)
            .WithLbSerialization()
            .WithServiceSharding(options.Cluster.Shards)
            .WithMemberClusters(provider, options)
            .WithOrphanCollector(provider)
            .WithStatusResponder(provider));

    private static AkkaConfigurationBuilder WithLbCluster(this AkkaConfigurationBuilder akka, AkkaClusterOptions cluster, IReadOnlyDictionary<string, string> shared)
    {
        akka.WithRemoting(new RemoteOptions
            {
                HostName = string.IsNullOrEmpty(cluster.BindHostname) ? cluster.Hostname : cluster.BindHostname,
                PublicHostName = cluster.Hostname,
                Port = cluster.Port,
            })
            .WithClustering(new ClusterOptions
            {
                Roles = [Role, .. ConfigurationRoles.For(shared)],
                SeedNodes = [.. cluster.SeedNodes],
            })
            .AddHocon(ClusterDowning.Hocon(cluster), HoconAddMode.Prepend);
        if (cluster.SeedNodes.Count == 0)
        {
            // A single replica: form a cluster of one.
            akka.AddStartup((system, _) => Akka.Cluster.Cluster.Get(system).Join(Akka.Cluster.Cluster.Get(system).SelfAddress));
        }

        akka.WithActors((system, _, resolver) => system.ActorOf(ConfigurationGuard.Props(resolver.GetService<ILoggerFactory>()), "configuration-guard"));
        return cluster.DownRefusedReplicas
            ? akka.WithActors((system, _, resolver) => system.ActorOf(DeadReplicaProbe.Props(resolver.GetService<ILoggerFactory>()), "dead-replica-probe"))
            : akka;
    }

    private static AkkaConfigurationBuilder WithLbPersistence(this AkkaConfigurationBuilder akka, JournalOptions journal)
    {
        var postgres = journal.Provider == "postgresql";
        if (!postgres)
        {
            SqliteJournal.EnableWriteAheadLog(journal.ConnectionString);
            foreach (var setup in SqliteJournal.ConnectionSetups(journal.ConnectionString, journal.SqliteSynchronous))
            {
                akka.AddSetup(setup);
            }
        }

        return akka.AddHocon(
                SqlJournalConfig.For(journal.ConnectionString, postgres ? ProviderName.PostgreSQL15 : ProviderName.SQLiteMS),
                HoconAddMode.Prepend)
            .AddHocon(SqlPersistence.DefaultConfiguration, HoconAddMode.Append)
            // Loads the persistence extension now, so that it starts the journal and snapshot store (see SqlJournalConfig).
            .AddStartup((system, _) => Akka.Persistence.Persistence.Instance.Apply(system));
    }

    private static AkkaConfigurationBuilder WithLbSerialization(this AkkaConfigurationBuilder akka) =>
        akka.AddHocon(DirectLbSerialization.Config, HoconAddMode.Prepend);

    private static AkkaConfigurationBuilder WithServiceSharding(this AkkaConfigurationBuilder akka, int shards) =>
        akka
            // How often a region that has no coordinator registers again (Akka's default 2 s): after a failover the
            // regions' first tries reach the new oldest replica before its coordinator starts there (it waits the
            // removal margin), and every buffered message waits for the next try.
            .AddHocon("akka.cluster.sharding.retry-interval = 500ms", HoconAddMode.Prepend)
            .AddHocon(EntityMailbox.Hocon, HoconAddMode.Prepend)
            .WithShardRegion<ServiceRegion>(
            Services,
            (_, _, resolver) => entityId => resolver.Props<ServiceLoadBalancer>(entityId).WithMailbox(EntityMailbox.Path),
            new ServiceMessageExtractor(shards),
            new ShardOptions
            {
                Role = Role,
                // Coordinator state lives in distributed data, so old node addresses never land in the journal.
                StateStoreMode = StateStoreMode.DData,
                RememberEntities = false,
                // Entities hold drain timers: they stop themselves when their Service is gone, never when idle.
                ShouldPassivateIdleEntities = false,
            });

    /// <summary>
    /// The member clusters: watched by one cluster singleton (so each has exactly one watcher cluster-wide, which
    /// moves when its replica leaves or dies), and written to by every replica, where entities may live.
    /// </summary>
    private static AkkaConfigurationBuilder WithMemberClusters(this AkkaConfigurationBuilder akka, IServiceProvider provider, DirectLbOptions options)
    {
        var sources = provider.GetRequiredService<MemberClusterSources>();
        var loggers = provider.GetRequiredService<ILoggerFactory>();
        var informerOptions = new InformerOptions();
        Props Manager(MemberClusterDuty duty, Func<string, IKubernetes, Props> watcherProps) => MemberClusterManager.Props(
            duty,
            sources.Static,
            provider.GetRequiredService<MemberClusters>(),
            provider.GetRequiredService<WatcherDirectory>(),
            watcherProps,
            sources.SecretsCluster is { } home ? KubernetesClients.Create(home) : null,
            sources.Secrets,
            informerOptions,
            loggers);

        return akka
            // The watchers reach the entities through a route that outlives this replica's shard region when it leaves.
            .WithActors((system, registry) => registry.Register<ServiceRoute>(system.ActorOf(
                ServiceRoute.Props(registry.Get<ServiceRegion>(), ServiceRoute.OtherReplicasRegion(system, Services, Role)), "service-route")))
            // The Write duty starts no watchers, so it is given no watcher to make.
            .WithActors((system, _) => system.ActorOf(Manager(MemberClusterDuty.Write, (_, _) => Props.Empty), "member-clients"))
            .WithSingleton<MemberClusterManager>(
                "member-clusters",
                (_, registry, _) =>
                {
                    var route = registry.Get<ServiceRoute>();
                    var filter = provider.GetRequiredService<ReconcileOptions>().Filter;
                    return Manager(MemberClusterDuty.Watch, (clusterId, client) => ClusterWatcher.Props(
                        clusterId, client, route, filter, informerOptions, options.Reconcile.ResyncInterval, options.ClusterStaleAfter,
                        provider.GetRequiredService<IServiceWriter>(), loggers));
                },
                // The proxy's own check for a singleton it cannot find warns at once, before it could have found
                // it (akkadotnet/akka.net#8568); SingletonProbe does that check instead.
                new ClusterSingletonOptions { Role = Role, LogSingletonIdentificationFailure = false },
                createProxyToo: true);
    }

    /// <summary>
    /// One orphan collector for the whole Akka cluster (a singleton next to nothing in particular): it asks the
    /// member-cluster singleton which Services exist and hands orphans to their entities through the shard region.
    /// </summary>
    private static AkkaConfigurationBuilder WithOrphanCollector(this AkkaConfigurationBuilder akka, IServiceProvider provider) =>
        akka.WithSingleton<OrphanCollector>(
            "orphan-collector",
            (_, registry, _) => OrphanCollector.Props(
                provider.GetRequiredService<ILoadBalancerProvider>(),
                provider.GetRequiredService<ReconcileOptions>().Planner.Installation,
                provider.GetRequiredService<OrphanOptions>(),
                registry.Get<MemberClusterManager>(),
                registry.Get<ServiceRegion>(),
                provider.GetRequiredService<TimeProvider>(),
                provider.GetRequiredService<ILoggerFactory>()),
            // As for the member-cluster singleton: the proxy's check warns before it could have found it (akkadotnet/akka.net#8568).
            // A collector that does not answer shows on the status page and under /api/orphans instead.
            new ClusterSingletonOptions { Role = Role, LogSingletonIdentificationFailure = false },
            createProxyToo: true);

    /// <summary>
    /// On every replica, the answerer of what its entities report, at a fixed path: the status page of any replica asks
    /// every replica for its Services (Web/ServiceDirectory.cs says why asking beats replicating them).
    /// </summary>
    private static AkkaConfigurationBuilder WithStatusResponder(this AkkaConfigurationBuilder akka, IServiceProvider provider) =>
        akka.WithActors((system, _) => system.ActorOf(
            ServiceStatusResponder.Props(provider.GetRequiredService<ServiceStatusBoard>(), () => provider.GetRequiredService<ProviderBootstrap>().Nodes),
            ServiceStatusResponder.Name));
}
