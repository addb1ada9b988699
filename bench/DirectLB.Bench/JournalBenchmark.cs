using System.Collections.Concurrent;
using System.Diagnostics;
using Akka.Actor;
using Akka.Actor.Setup;
using Akka.Configuration;
using Akka.Persistence;
using Akka.Persistence.Sql;
using DirectLB.Actors.Entity;
using DirectLB.Actors.Planning;
using DirectLB.Actors.Serialization;
using DirectLB.Host.Hosting;
using DirectLB.Providers.Model;
using LinqToDB;

namespace DirectLB.Bench;

/// <summary>Journal writes per second and their latency, for one set of journal settings.</summary>
public sealed record JournalRun(string Settings, int Writers, long Writes, double Seconds, double P50Ms, double P99Ms)
{
    public double WritesPerSecond => Writes / Seconds;
}

/// <summary>
/// The journal alone, as the entities use it: <see cref="Writers"/> persistent actors on the host's own SQLite
/// journal configuration (<see cref="SqlJournalConfig"/>, WAL mode), each persisting a real intent (a target change
/// of 10 targets, through DirectLB's serializer) as soon as its previous one is stored. What the entities' pipeline
/// can sustain at most, and which journal settings move it.
/// </summary>
public static class JournalBenchmark
{
    /// <summary>
    /// The host's defaults first, then the variants tried: DirectLB's <c>sqlite-synchronous</c> (its
    /// <c>DirectLB:Journal:SqliteSynchronous</c>) or Akka.Persistence.Sql's journal settings.
    /// </summary>
    public static readonly IReadOnlyList<string> Variants =
    [
        "",
        $"{Synchronous} = {SqliteJournal.Full}",
        "parallelism = 1",
        "batch-size = 500",
        "parallelism = 1, batch-size = 500",
    ];

    private const int Writers = 1_000;

    private const string Synchronous = "sqlite-synchronous";

    /// <param name="postgres">A PostgreSQL connection string to measure that journal instead of a new SQLite file.</param>
    public static async Task<JournalRun> RunAsync(string settings, TimeSpan duration, string? postgres = null)
    {
        var directory = postgres is null ? Directory.CreateTempSubdirectory("directlb-journal-bench-").FullName : null;
        var connection = postgres ?? $"Data Source={Path.Combine(directory!, "journal.db")}";
        if (postgres is null)
        {
            SqliteJournal.EnableWriteAheadLog(connection);
        }

        var all = settings.Split(", ", StringSplitOptions.RemoveEmptyEntries);
        var synchronous = all.Where(s => s.StartsWith(Synchronous, StringComparison.Ordinal)).Select(s => s.Split(" = ")[1]).SingleOrDefault() ?? SqliteJournal.Normal;
        var akka = all.Where(s => !s.StartsWith(Synchronous, StringComparison.Ordinal)).ToArray();
        var overrides = akka.Length == 0 ? Config.Empty : ConfigurationFactory.ParseString($"akka.persistence.journal.sql {{ {string.Join("\n", akka)} }}");
        var config = overrides
            .WithFallback(SqlJournalConfig.For(connection, postgres is null ? ProviderName.SQLiteMS : ProviderName.PostgreSQL15))
            .WithFallback(DirectLbSerialization.Config)
            .WithFallback(SqlPersistence.DefaultConfiguration)
            .WithFallback("akka.loglevel = WARNING");
        var bootstrap = BootstrapSetup.Create().WithConfig(config);
        var system = ActorSystem.Create("journal-bench", ActorSystemSetup.Create([bootstrap, .. postgres is null ? SqliteJournal.ConnectionSetups(connection, synchronous) : []]));
        try
        {
            var latencies = new ConcurrentBag<double>();
            var running = new CancellationTokenSource();
            var writes = 0L;
            var writers = Enumerable.Range(0, Writers)
                .Select(i => system.ActorOf(Props.Create(() => new Writer($"writer-{i}", latencies, running.Token, () => Interlocked.Increment(ref writes)))))
                .ToList();

            // Warm up (JIT, table creation), then count over the window only.
            writers.ForEach(w => w.Tell(Writer.Start.Instance));
            await Task.Delay(TimeSpan.FromSeconds(3));
            latencies.Clear();
            var before = Interlocked.Read(ref writes);
            var started = Stopwatch.GetTimestamp();
            await Task.Delay(duration);
            var count = Interlocked.Read(ref writes) - before;
            var seconds = Stopwatch.GetElapsedTime(started).TotalSeconds;
            await running.CancelAsync();
            var sample = latencies.ToList();
            var run = new JournalRun(settings.Length == 0 ? "defaults" : settings, Writers, count, seconds, Stats.Percentile(sample, 50), Stats.Percentile(sample, 99));
            Console.WriteLine($"journal ({run.Settings}): {run.WritesPerSecond:F0} writes/s from {Writers} writers; write p50 {run.P50Ms:F1} ms p99 {run.P99Ms:F1} ms");
            return run;
        }
        finally
        {
            await system.Terminate();
            if (directory is not null)
            {
                Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
                Directory.Delete(directory, recursive: true);
            }
        }
    }

    /// <summary>Persists one intent after another, as an entity does with a call in between.</summary>
    private sealed class Writer : ReceivePersistentActor
    {
        private static readonly ChangeTargets Change = new(
            "lb-0000000000",
            new ListenerKey(TransportProtocol.Tcp, 80),
            [.. Enumerable.Range(1, 10).Select(i => new TargetSpec(new TargetKey($"10.244.0.{i}", 8080), 1, TargetState.Serving, "east"))],
            []);

        private long _sequence;

        public Writer(string id, ConcurrentBag<double> latencies, CancellationToken stop, Action written)
        {
            PersistenceId = id;
            Command<Start>(_ => Write(latencies, stop, written));
        }

        public override string PersistenceId { get; }

        private void Write(ConcurrentBag<double> latencies, CancellationToken stop, Action written)
        {
            var at = Stopwatch.GetTimestamp();
            Persist(new OperationStarted(++_sequence, Change, DateTimeOffset.UtcNow), _ =>
            {
                latencies.Add(Stopwatch.GetElapsedTime(at).TotalMilliseconds);
                written();
                if (!stop.IsCancellationRequested)
                {
                    Write(latencies, stop, written);
                }
            });
        }

        public sealed record Start
        {
            public static Start Instance { get; } = new();
        }
    }
}
