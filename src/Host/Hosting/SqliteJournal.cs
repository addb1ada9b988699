using System.Data;
using System.Data.Common;
using Akka.Actor.Setup;
using Akka.Persistence.Sql.Config;
using LinqToDB;
using LinqToDB.DataProvider.SQLite;
using Microsoft.Data.Sqlite;

namespace DirectLB.Host.Hosting;

/// <summary>
/// How the SQLite journal (one replica, a local file) is opened.
/// <para>
/// Write-ahead log: in SQLite's default rollback mode every journal batch costs several fsyncs and blocks readers,
/// which made journal writes the bottleneck (10,000 Services took 139 s to converge with a mean intent write of
/// ~0.5 s). The mode is stored in the file, so one pragma at start suffices.
/// </para>
/// <para>
/// Synchronous: in WAL mode SQLite's default (FULL) still fsyncs the log at every commit, and the journal then runs
/// at the disk's fsync rate: 444 writes/s on this project's 2-core machine while other work used the disk, 1,491
/// with the fsyncs taken away (bench <c>journal</c>, docs/benchmarks.md). With NORMAL the log is synced at checkpoints
/// only. A commit is still durable when the process dies (SIGKILL, a crash, an out-of-memory kill): it is in the
/// operating system's page cache, which outlives the process. Only a power loss or a kernel crash can take back the
/// last commits, and DirectLB converges on the load balancer as it is, not on its journal: an entity that lost its
/// last intent reads its load balancer back, and one that lost a create finds it by its ownership tags. FULL is the
/// option for whom that is not enough. Both are per connection, so every connection the journal opens gets it.
/// </para>
/// </summary>
public static class SqliteJournal
{
    public const string Normal = "normal";

    public const string Full = "full";

    public static void EnableWriteAheadLog(string connectionString)
    {
        using var connection = new SqliteConnection(connectionString);
        connection.Open();
        Execute(connection, "PRAGMA journal_mode=WAL;");
    }

    /// <summary>
    /// The journal's, snapshot store's and query side's connections, and the recovery's plain reads'
    /// (<see cref="PlainSqlSetup"/>), each opened with <paramref name="synchronous"/>.
    /// </summary>
    public static Setup[] ConnectionSetups(string connectionString, string synchronous)
    {
        var pragma = synchronous switch
        {
            Normal => "PRAGMA synchronous=NORMAL;",
            Full => "PRAGMA synchronous=FULL;",
            _ => throw new ArgumentOutOfRangeException(nameof(synchronous), synchronous, $"use {Normal} or {Full}"),
        };
        var provider = SQLiteTools.GetDataProvider(SQLiteProvider.Microsoft, connectionString, null, null);
        // The provider name too: Akka.Persistence.Sql maps its tables by it (SQLite has its own column types).
        return
        [
            new DataOptionsSetup(new DataOptions()
                .UseConnectionFactory(provider, _ => Connection(connectionString, pragma))
                .UseProvider(ProviderName.SQLiteMS)),
            new PlainSqlSetup(() => Connection(connectionString, pragma)),
        ];
    }

    /// <summary>A connection that applies <paramref name="pragma"/> each time it opens (a pooled handle may be reused).</summary>
    public static DbConnection Connection(string connectionString, string pragma)
    {
        var connection = new SqliteConnection(connectionString);
        connection.StateChange += (_, change) =>
        {
            if (change.CurrentState == ConnectionState.Open)
            {
                Execute(connection, pragma);
            }
        };
        return connection;
    }

    private static void Execute(SqliteConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }
}
