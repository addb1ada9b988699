using Akka.Actor;
using Akka.Actor.Setup;
using Akka.Configuration;
using Akka.Persistence;
using Akka.Persistence.Sql;
using DirectLB.Host.Hosting;
using LinqToDB;
using Microsoft.Data.Sqlite;

namespace DirectLB.EndToEnd.Tests;

/// <summary>
/// The SQLite journal's connections, on real SQLite files: each one the journal opens carries the configured
/// synchronous mode, and the journal really opens them through DirectLB's factory.
/// </summary>
[Trait("Category", "EndToEnd")]
public sealed class SqliteJournalTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("directlb-sqlite-journal-").FullName;

    private string ConnectionString => $"Data Source={Path.Combine(_directory, "journal.db")}";

    [Theory]
    [InlineData(SqliteJournal.Normal, 1L)]
    [InlineData(SqliteJournal.Full, 2L)]
    public void Every_opening_of_a_journal_connection_sets_its_synchronous_mode(string synchronous, long pragmaValue)
    {
        var pragma = synchronous == SqliteJournal.Normal ? "PRAGMA synchronous=NORMAL;" : "PRAGMA synchronous=FULL;";
        for (var opening = 0; opening < 2; opening++)
        {
            // The second opening reuses the pooled handle of the first: the mode is set again all the same.
            using var connection = (SqliteConnection)SqliteJournal.Connection(ConnectionString, pragma);
            connection.Open();
            using var command = connection.CreateCommand();
            command.CommandText = "PRAGMA synchronous;";
            Assert.Equal(pragmaValue, (long)command.ExecuteScalar()!);
        }
    }

    [Fact]
    public void On_SQLite_a_thousand_entities_recover_at_once_and_on_PostgreSQL_Akkas_fifty()
    {
        // What Akka reads, with its own defaults behind DirectLB's configuration as in the host.
        int Recoveries(string provider) => SqlJournalConfig.For(ConnectionString, provider)
            .WithFallback(Persistence.DefaultConfig())
            .GetInt("akka.persistence.max-concurrent-recoveries");

        Assert.Equal(1_000, Recoveries(ProviderName.SQLiteMS));
        Assert.Equal(50, Recoveries(ProviderName.PostgreSQL15));
    }

    [Fact]
    public async Task The_journal_writes_and_recovers_through_DirectLBs_connections()
    {
        SqliteJournal.EnableWriteAheadLog(ConnectionString);

        // The HOCON names a file that cannot be opened: only the setup's factory reaches the real journal.
        var unreachable = $"Data Source={Path.Combine(_directory, "missing", "nowhere.db")};Mode=ReadOnly";
        var config = SqlJournalConfig.For(unreachable, ProviderName.SQLiteMS)
            .WithFallback(SqlPersistence.DefaultConfiguration)
            .WithFallback("akka.loglevel = WARNING");
        var setup = ActorSystemSetup.Create([BootstrapSetup.Create().WithConfig(config), .. SqliteJournal.ConnectionSetups(ConnectionString, SqliteJournal.Normal)]);

        foreach (var (incarnation, expected) in new[] { (1, "a"), (2, "a,b") })
        {
            var system = ActorSystem.Create($"sqlite-journal-{incarnation}", setup);
            try
            {
                var actor = system.ActorOf(Props.Create(() => new Appender()));
                var state = await actor.Ask<string>(incarnation == 1 ? "a" : "b", TimeSpan.FromSeconds(30));
                Assert.Equal(expected, state);
            }
            finally
            {
                await system.Terminate();
            }
        }
    }

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        Directory.Delete(_directory, recursive: true);
    }

    /// <summary>Persists each string it is sent and answers with all it holds, recovered ones first.</summary>
    private sealed class Appender : ReceivePersistentActor
    {
        private readonly List<string> _items = [];

        public Appender()
        {
            Recover<string>(_items.Add);
            Command<string>(item => Persist(item, stored =>
            {
                _items.Add(stored);
                Sender.Tell(string.Join(",", _items));
            }));
        }

        public override string PersistenceId => "appender";
    }
}
