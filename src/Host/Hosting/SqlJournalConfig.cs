using Akka.Configuration;
using LinqToDB;

namespace DirectLB.Host.Hosting;

/// <summary>
/// Journal and snapshot store on Akka.Persistence.Sql, written as HOCON. Both start with the actor system, so
/// the first replica creates the tables before any entity needs them (and before other replicas race to). The
/// journal and snapshot store are Akka.Persistence.Sql's with their recovery reads and the journal's writes as plain SQL
/// (<see cref="PlainSqlJournal"/>, <see cref="LoadingSqlSnapshotStore"/>).
/// The circuit breakers half-open after 5 s rather than Akka's 30 s: once the database is back after an outage,
/// entities should not wait half a minute more before they may journal (and so act) again.
/// <para>
/// On SQLite, up to <see cref="SqliteRecoveries"/> entities recover at once, not Akka's 50. At a cold start every
/// entity recovers (a snapshot read, a highest-sequence-number read) before it can act; in WAL mode those reads run
/// beside the writer, but 50 at a time they were latency bound, and 10,000 Services took 53-114 s to converge with the
/// process using about one of two cores (issue 17; docs/benchmarks.md, "The cold start"). PostgreSQL keeps Akka's default:
/// with 1,000 a cold start took half as long again and 200 did not speed up a failover ("Recovery reads").
/// </para>
/// </summary>
public static class SqlJournalConfig
{
    public const int SqliteRecoveries = 1_000;

    public static Config For(string connectionString, string providerName)
    {
        var quoted = Quote(connectionString);
        var recoveries = providerName == ProviderName.SQLiteMS ? $"max-concurrent-recoveries = {SqliteRecoveries}" : "";
        return ConfigurationFactory.ParseString($$"""
            akka.persistence {
              {{recoveries}}
              journal {
                plugin = "akka.persistence.journal.sql"
                auto-start-journals = ["akka.persistence.journal.sql"]
                sql {
                  class = "{{typeof(PlainSqlJournal).AssemblyQualifiedName}}"
                  connection-string = {{quoted}}
                  provider-name = "{{providerName}}"
                  auto-initialize = on
                  circuit-breaker.reset-timeout = 5s
                }
              }
              snapshot-store {
                plugin = "akka.persistence.snapshot-store.sql"
                auto-start-snapshot-stores = ["akka.persistence.snapshot-store.sql"]
                sql {
                  class = "{{typeof(LoadingSqlSnapshotStore).AssemblyQualifiedName}}"
                  connection-string = {{quoted}}
                  provider-name = "{{providerName}}"
                  auto-initialize = on
                  circuit-breaker.reset-timeout = 5s
                }
              }
            }
            """);
    }

    private static string Quote(string value) => "\"" + value.Replace("\\", "\\\\").Replace("\"", "\\\"") + "\"";
}
