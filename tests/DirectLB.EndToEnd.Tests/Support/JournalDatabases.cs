using Akka.Actor;
using Akka.Actor.Setup;
using Akka.Configuration;
using Akka.Persistence;
using Akka.Persistence.Sql;
using DirectLB.Actors.Serialization;
using DirectLB.Host.Hosting;
using DirectLB.Tests.Shared.Replicas;
using LinqToDB;
using Microsoft.Data.Sqlite;

namespace DirectLB.EndToEnd.Tests.Support;

/// <summary>
/// Actor systems with DirectLB's journal and snapshot store (<see cref="SqlJournalConfig"/>) and, beside them on the
/// same tables, Akka.Persistence.Sql's own (<see cref="Stock"/>, <see cref="StockSnapshots"/>), on a real database:
/// a SQLite file or a private PostgreSQL.
/// </summary>
public sealed class JournalDatabases : IAsyncDisposable
{
    public const string Ours = "akka.persistence.journal.sql";
    public const string Stock = "akka.persistence.journal.stock";
    public const string OurSnapshots = "akka.persistence.snapshot-store.sql";
    public const string StockSnapshots = "akka.persistence.snapshot-store.stock";

    private readonly string _directory = Directory.CreateTempSubdirectory("directlb-journal-").FullName;
    private PostgresServer? _postgres;

    /// <summary>The SQLite journal's connection string (the file <see cref="StartAsync"/> opens for <c>sqlite</c>).</summary>
    public string SqliteConnectionString => $"Data Source={Path.Combine(_directory, "journal.db")}";

    /// <param name="journal"><c>sqlite</c> or <c>postgresql</c>.</param>
    public async Task<ActorSystem> StartAsync(string journal)
    {
        string connectionString;
        string provider;
        Setup[] setups;
        if (journal == "sqlite")
        {
            connectionString = SqliteConnectionString;
            provider = ProviderName.SQLiteMS;
            SqliteJournal.EnableWriteAheadLog(connectionString);
            setups = SqliteJournal.ConnectionSetups(connectionString, SqliteJournal.Normal);
        }
        else
        {
            _postgres = await PostgresServer.StartAsync();
            connectionString = _postgres.ConnectionString;
            provider = ProviderName.PostgreSQL15;
            setups = [];
        }

        // Akka.Persistence.Sql's own journal and snapshot store beside DirectLB's, on the same tables (which DirectLB's create).
        var stock = ConfigurationFactory.ParseString($$"""
            akka.persistence.journal.stock {
              class = "Akka.Persistence.Sql.Journal.SqlWriteJournal, Akka.Persistence.Sql"
              connection-string = "{{connectionString}}"
              provider-name = "{{provider}}"
              auto-initialize = off
            }
            akka.persistence.snapshot-store.stock {
              class = "Akka.Persistence.Sql.Snapshot.SqlSnapshotStore, Akka.Persistence.Sql"
              connection-string = "{{connectionString}}"
              provider-name = "{{provider}}"
              auto-initialize = off
            }
            """);
        var config = stock
            .WithFallback(SqlJournalConfig.For(connectionString, provider))
            .WithFallback(DirectLbSerialization.Config)
            .WithFallback(SqlPersistence.DefaultConfiguration)
            .WithFallback("akka.loglevel = WARNING")
            // An inbox keeps 1,000 messages and drops the rest: a replay of 1,800 events outran the test's reading
            // and lost its RecoverySuccess (CI, 2026-11-30 15:45).
            .WithFallback("akka.actor.inbox.inbox-size = 10000");
        return ActorSystem.Create($"journal-{journal}", ActorSystemSetup.Create([BootstrapSetup.Create().WithConfig(config), .. setups]));
    }

    /// <summary>What <paramref name="plugin"/> replays of <paramref name="persistenceId"/>, and the highest sequence number it reports.</summary>
    public static async Task<(List<IPersistentRepresentation> Events, long Highest)> ReplayAsync(
        ActorSystem system, string plugin, long from, long to, long max, string persistenceId)
    {
        var inbox = Inbox.Create(system);
        Persistence.Instance.Apply(system).JournalFor(plugin).Tell(new ReplayMessages(from, to, max, persistenceId, inbox.Receiver));
        var replayed = new List<IPersistentRepresentation>();
        while (true)
        {
            switch (await inbox.ReceiveAsync(TimeSpan.FromSeconds(60)))
            {
                case ReplayedMessage message:
                    replayed.Add(message.Persistent);
                    break;
                case RecoverySuccess success:
                    return (replayed, success.HighestSequenceNr);
                case ReplayMessagesFailure failure:
                    throw new InvalidOperationException($"{plugin} failed to replay {from}..{to} (max {max})", failure.Cause);
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_postgres is not null)
        {
            await _postgres.DisposeAsync();
        }

        SqliteConnection.ClearAllPools();
        Directory.Delete(_directory, recursive: true);
    }
}
