using System.Diagnostics;
using System.Globalization;
using Akka.Actor;
using Akka.Configuration;
using Akka.Persistence.Sql;
using DirectLB.Actors.Domain;
using DirectLB.Actors.Entity;
using DirectLB.Actors.Observability;
using DirectLB.Actors.Serialization;
using DirectLB.EndToEnd.Tests.Support;
using DirectLB.Host.Hosting;
using DirectLB.Providers.Model;
using DirectLB.Providers.Simulated;
using DirectLB.Tests.Support;
using LinqToDB;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;
using static DirectLB.Tests.Support.Fixtures;

namespace DirectLB.Tests.Shared.Overlap;

/// <summary>What became of the stale incarnations of one overlap run, counted over its Services.</summary>
/// <param name="Fenced">Whether the journal kept (persistence id, sequence number) unique, as it does in production.</param>
/// <param name="StaleActed">Services whose load balancer got the target only the stale incarnation saw.</param>
/// <param name="StaleStopped">Stale incarnations that stopped.</param>
/// <param name="StaleAskedForResend">Stale incarnations that asked the watchers to send their Service again (to its owner).</param>
/// <param name="StaleChangeCalls">Target changes the cloud received after every new incarnation was in sync.</param>
/// <param name="CurrentInSync">New incarnations still in sync at the end.</param>
/// <param name="Settled">From the stale events until every stale incarnation had stopped or acted.</param>
public sealed record OverlapOutcome(
    bool Fenced,
    int Services,
    int StaleActed,
    int StaleStopped,
    int StaleAskedForResend,
    long StaleChangeCalls,
    int LoadBalancers,
    long LoadBalancerCreates,
    int CurrentInSync,
    long JournalRows,
    long DistinctJournalRows,
    TimeSpan Settled);

/// <summary>
/// Two incarnations of each of N Services' entities alive at once, as after a failover whose downed replica has not
/// stopped yet (the removal margin is short): two actor systems with the same persistence ids on one PostgreSQL journal
/// and one cloud. The old incarnation converges on a pod; the new one recovers the journal and converges on two; then
/// the old one, still alive, hears of a pod the new owner never saw (a downed replica's last watch event). With the
/// journal's unique (persistence id, sequence number) the old incarnation's next intent write fails and it stops
/// before it calls the provider; <c>fenced: false</c> drops that uniqueness first, to show what the fence prevents.
/// Used by <c>EntityOverlapTests</c> (which asserts) and the failover benchmark (which reports).
/// </summary>
public static class IncarnationOverlap
{
    /// <summary>
    /// Without the periodic read-back: its first one comes at a random moment of the first interval (5 minutes by
    /// default), and one that fell inside a run would put a new incarnation between the steps of a read-back when the run
    /// asks whether it is in sync, or undo a stale target before the run counts it. The read-back after recovery, which
    /// the new incarnations need, does not depend on it.
    /// </summary>
    private static readonly ReconcileOptions Options = new()
    {
        Debounce = TimeSpan.FromMilliseconds(20),
        MinBackoff = TimeSpan.FromMilliseconds(50),
        MaxBackoff = TimeSpan.FromMilliseconds(400),
        ReadBackInterval = TimeSpan.Zero,
    };

    /// <summary>Runs the overlap for <paramref name="services"/> Services in namespace <paramref name="run"/> (a fresh one per run on a shared journal).</summary>
    public static async Task<OverlapOutcome> RunAsync(string connectionString, string run, int services, bool fenced, TimeSpan deadline)
    {
        var cloud = new SimulatedProvider();
        var keys = Enumerable.Range(0, services).Select(i => new ServiceKey(run, $"web-{i}")).ToList();
        var systems = new List<ActorSystem>();
        try
        {
            var old = Start(systems, connectionString, $"{run}-old", cloud, keys);
            Tell(old, keys, "10.244.1.5");
            await Eventually.Until(async () => Converged(cloud, keys, "10.244.1.5") && await AllInSyncAsync(old, keys, deadline), "the old incarnations are in sync", deadline);

            // A new owner recovers the same journal and acts on a newer state of each Service.
            var current = Start(systems, connectionString, $"{run}-new", cloud, keys);
            Tell(current, keys, "10.244.1.5", "10.244.1.6");
            await Eventually.Until(async () => Converged(cloud, keys, "10.244.1.5,10.244.1.6") && await AllInSyncAsync(current, keys, deadline), "the new incarnations are in sync", deadline);
            var changesBefore = cloud.CallCount(ProviderCallKind.ChangeTargets);
            if (!fenced)
            {
                // Only now: each journal creates its table's indexes again when it starts.
                await ExecuteAsync(connectionString, DropUniqueSequenceNumbers);
            }

            // The old ones, still alive, hear of a state the new owner never saw.
            var stopped = keys.Select(key => old.Entities[key].WatchAsync()).ToList();
            var staleSent = Stopwatch.GetTimestamp();
            Tell(old, keys, "10.244.1.5", "10.244.1.7");
            bool Acted(ServiceKey key) => Targets(cloud, key).Contains("10.244.1.7", StringComparison.Ordinal);
            await Eventually.Until(() => keys.Select((key, i) => stopped[i].IsCompleted || Acted(key)).All(done => done), "every old incarnation stops or acts", deadline);
            var settled = Stopwatch.GetElapsedTime(staleSent);

            var prefix = ServiceLoadBalancer.PersistenceIdFor(new ServiceKey(run, ""));
            var inSync = await InSyncAsync(current, keys, deadline);

            return new OverlapOutcome(
                fenced,
                services,
                keys.Count(Acted),
                stopped.Count(s => s.IsCompleted),
                keys.Count(old.StateSource.Requests.Contains),
                cloud.CallCount(ProviderCallKind.ChangeTargets) - changesBefore,
                cloud.LoadBalancers.Count,
                cloud.CallCount(ProviderCallKind.EnsureLoadBalancer),
                inSync,
                await ScalarAsync(connectionString, $"SELECT count(*) FROM journal WHERE persistence_id LIKE '{prefix}%'"),
                await ScalarAsync(connectionString, $"SELECT count(DISTINCT (persistence_id, sequence_number)) FROM journal WHERE persistence_id LIKE '{prefix}%'"),
                settled);
        }
        finally
        {
            foreach (var system in systems)
            {
                await system.Terminate();
            }
        }
    }

    /// <summary>The cloud's targets of one Service's load balancer, sorted and comma-separated.</summary>
    public static string Targets(SimulatedProvider cloud, ServiceKey key) =>
        string.Join(',', cloud.LoadBalancers.Where(lb => lb.Name == $"{key.Namespace}-{key.Name}")
            .SelectMany(lb => lb.Listeners).SelectMany(l => l.Targets).Select(t => t.Key.Address).Order(StringComparer.Ordinal));

    private sealed record Incarnations(IReadOnlyDictionary<ServiceKey, IActorRef> Entities, RecordingStateSource StateSource);

    /// <summary>An actor system of its own on the shared journal, with each Service's entity in it.</summary>
    private static Incarnations Start(List<ActorSystem> systems, string connectionString, string name, SimulatedProvider cloud, IReadOnlyList<ServiceKey> keys)
    {
        var config = SqlJournalConfig.For(connectionString, ProviderName.PostgreSQL15)
            .WithFallback(SqlPersistence.DefaultConfiguration)
            .WithFallback(DirectLbSerialization.Config)
            .WithFallback(ConfigurationFactory.ParseString("akka.loglevel = WARNING"));
        var system = ActorSystem.Create($"overlap-{name}", config);
        systems.Add(system);
        var stateSource = new RecordingStateSource();
        var entities = keys.ToDictionary(key => key, key => system.ActorOf(Props.Create(() => new ServiceLoadBalancer(
            key.ToString(), cloud, new RecordingServiceWriter(null), stateSource, new ServiceStatusBoard(), Options, TimeProvider.System, NullLogger<ServiceLoadBalancer>.Instance))));
        return new Incarnations(entities, stateSource);
    }

    private static void Tell(Incarnations incarnations, IEnumerable<ServiceKey> keys, params string[] pods)
    {
        foreach (var key in keys)
        {
            var uid = $"uid-{key.Name}";
            incarnations.Entities[key].Tell(new ServiceObserved(key, Observation(Service(uid: uid), Slice("web-abc", pods.Select(Ready)))));
        }
    }

    private static bool Converged(SimulatedProvider cloud, IEnumerable<ServiceKey> keys, string targets) =>
        keys.All(key => Targets(cloud, key) == targets);

    private static async Task<bool> AllInSyncAsync(Incarnations incarnations, IReadOnlyList<ServiceKey> keys, TimeSpan deadline) =>
        await CountInSyncAsync(incarnations, keys, deadline) == keys.Count;

    private static async Task<int> CountInSyncAsync(Incarnations incarnations, IEnumerable<ServiceKey> keys, TimeSpan deadline)
    {
        var inSync = 0;
        foreach (var key in keys)
        {
            inSync += (await incarnations.Entities[key].Ask<LoadBalancerStatusReport>(new GetLoadBalancerStatus(key), deadline)).InSync ? 1 : 0;
        }

        return inSync;
    }

    /// <summary>
    /// How many incarnations are in sync once they all are, or at the deadline: an entity in the middle of an outside
    /// call is not in sync until the call is done (CI on 5a81353 counted a new incarnation out of sync once,
    /// right after the stale ones stopped; not reproduced in 40 runs since), so one count is a sample, not the outcome.
    /// </summary>
    private static async Task<int> InSyncAsync(Incarnations incarnations, IReadOnlyList<ServiceKey> keys, TimeSpan deadline)
    {
        var started = Stopwatch.GetTimestamp();
        while (true)
        {
            var inSync = await CountInSyncAsync(incarnations, keys, deadline);
            if (inSync == keys.Count || Stopwatch.GetElapsedTime(started) > deadline)
            {
                return inSync;
            }

            await Task.Delay(50);
        }
    }

    /// <summary>Drops whatever keeps (persistence id, sequence number) unique in the journal table: a constraint or an index.</summary>
    private const string DropUniqueSequenceNumbers = """
        DO $$ DECLARE r record; BEGIN
          FOR r IN SELECT conname FROM pg_constraint
                   WHERE conrelid = 'journal'::regclass AND contype IN ('p', 'u') AND pg_get_constraintdef(oid) LIKE '%sequence_number%' LOOP
            EXECUTE format('ALTER TABLE journal DROP CONSTRAINT %I', r.conname);
          END LOOP;
          FOR r IN SELECT indexname FROM pg_indexes
                   WHERE tablename = 'journal' AND indexdef LIKE 'CREATE UNIQUE INDEX%sequence_number%' LOOP
            EXECUTE format('DROP INDEX %I', r.indexname);
          END LOOP;
        END $$;
        """;

    private static async Task ExecuteAsync(string connectionString, string sql)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }

    private static async Task<long> ScalarAsync(string connectionString, string sql)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        return Convert.ToInt64(await command.ExecuteScalarAsync(), CultureInfo.InvariantCulture);
    }
}
