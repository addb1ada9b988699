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

    private const int Attempts = 3;

    private static readonly TimeSpan FirstWrites = TimeSpan.FromSeconds(10);

    /// <param name="postgres">A PostgreSQL connection string to measure that journal instead of a new SQLite file.</param>
    /// <remarks>
    /// A journal that cannot answer (its first connections timed out right after a host stopped, or its database is
    /// unreachable) leaves its writers waiting, and a write that fails stops its writer: either way the window would
    /// count fewer writers and read a ceiling too low, and so a floor too high. The window starts only once every writer
    /// has stored its first write, and a run in which one did not (within <see cref="FirstWrites"/>) or in which any
    /// write failed is not counted but run again in a new actor system, up to <see cref="Attempts"/> times.
    /// </remarks>
    public static async Task<JournalRun> RunAsync(string settings, TimeSpan duration, string? postgres = null)
    {
        for (var attempt = 1; ; attempt++)
        {
            var (run, started, failed) = await RunOnceAsync(settings, duration, postgres);
            if (run is not null)
            {
                Console.WriteLine($"journal ({run.Settings}): {run.WritesPerSecond:F0} writes/s from {Writers} writers; write p50 {run.P50Ms:F1} ms p99 {run.P99Ms:F1} ms");
                return run;
            }

            var what = $"journal ({(settings.Length == 0 ? "defaults" : settings)}): {started} of {Writers} writers stored a first write within "
                + $"{FirstWrites.TotalSeconds:F0} s and {failed} saw the journal fail (attempt {attempt} of {Attempts}); a run that lost writers does not measure the ceiling";
            if (attempt == Attempts)
            {
                throw new InvalidOperationException(what);
            }

            Console.WriteLine($"{what}: running it again");
        }
    }

    /// <returns>The run (null when it lost writers), how many writers stored a first write, and how many had a write fail.</returns>
    private static async Task<(JournalRun? Run, int Started, int Failed)> RunOnceAsync(string settings, TimeSpan duration, string? postgres)
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
            var counters = new Writer.Counters();
            var writers = Enumerable.Range(0, Writers)
                .Select(i => system.ActorOf(Props.Create(() => new Writer($"writer-{i}", latencies, running.Token, counters))))
                .ToList();

            // Warm up (JIT, table creation, every writer's first write), then count over the window only.
            writers.ForEach(w => w.Tell(Writer.Start.Instance));
            var warming = Stopwatch.GetTimestamp();
            while (counters.Started < Writers && counters.Failed == 0 && Stopwatch.GetElapsedTime(warming) < FirstWrites)
            {
                await Task.Delay(TimeSpan.FromMilliseconds(50));
            }

            if (counters.Started < Writers || counters.Failed > 0)
            {
                return (null, counters.Started, counters.Failed);
            }

            var warmedFor = Stopwatch.GetElapsedTime(warming);
            if (warmedFor < TimeSpan.FromSeconds(3))
            {
                await Task.Delay(TimeSpan.FromSeconds(3) - warmedFor);
            }

            latencies.Clear();
            var before = counters.Writes;
            var started = Stopwatch.GetTimestamp();
            await Task.Delay(duration);
            var count = counters.Writes - before;
            var seconds = Stopwatch.GetElapsedTime(started).TotalSeconds;
            await running.CancelAsync();
            var sample = latencies.ToList();
            var run = new JournalRun(settings.Length == 0 ? "defaults" : settings, Writers, count, seconds, Stats.Percentile(sample, 50), Stats.Percentile(sample, 99));
            return (counters.Failed == 0 ? run : null, counters.Started, counters.Failed);
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

        private readonly Counters _counters;
        private bool _started;

        public Writer(string id, ConcurrentBag<double> latencies, CancellationToken stop, Counters counters)
        {
            PersistenceId = id;
            _counters = counters;
            Command<Start>(_ => Write(latencies, stop));
        }

        public override string PersistenceId { get; }

        protected override void OnPersistFailure(Exception cause, object @event, long sequenceNr)
        {
            _counters.OneFailed();
            base.OnPersistFailure(cause, @event, sequenceNr);
        }

        protected override void OnPersistRejected(Exception cause, object @event, long sequenceNr)
        {
            _counters.OneFailed();
            base.OnPersistRejected(cause, @event, sequenceNr);
        }

        protected override void OnRecoveryFailure(Exception reason, object? message = null)
        {
            _counters.OneFailed();
            base.OnRecoveryFailure(reason, message);
        }

        private void Write(ConcurrentBag<double> latencies, CancellationToken stop)
        {
            var at = Stopwatch.GetTimestamp();
            Persist(new OperationStarted(++_sequence, Change, DateTimeOffset.UtcNow), _ =>
            {
                latencies.Add(Stopwatch.GetElapsedTime(at).TotalMilliseconds);
                _counters.OneWritten(first: !_started);
                _started = true;

                if (!stop.IsCancellationRequested)
                {
                    Write(latencies, stop);
                }
            });
        }

        /// <summary>The writes stored, how many writers have stored their first one, and how many had a write fail.</summary>
        public sealed class Counters
        {
            private long _writes;
            private int _started;
            private int _failed;

            public long Writes => Interlocked.Read(ref _writes);

            public int Started => Volatile.Read(ref _started);

            public int Failed => Volatile.Read(ref _failed);

            public void OneWritten(bool first)
            {
                Interlocked.Increment(ref _writes);
                if (first)
                {
                    Interlocked.Increment(ref _started);
                }
            }

            public void OneFailed() => Interlocked.Increment(ref _failed);
        }

        public sealed record Start
        {
            public static Start Instance { get; } = new();
        }
    }
}
