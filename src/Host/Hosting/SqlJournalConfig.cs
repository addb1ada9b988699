using Akka.Configuration;

namespace DirectLB.Host.Hosting;

/// <summary>
/// Journal and snapshot store on Akka.Persistence.Sql, written as HOCON. Both start with the actor system, so
/// the first replica creates the tables before any entity needs them (and before other replicas race to).
/// The circuit breakers half-open after 5 s rather than Akka's 30 s: once the database is back after an outage,
/// entities should not wait half a minute more before they may journal (and so act) again.
/// </summary>
public static class SqlJournalConfig
{
    public static Config For(string connectionString, string providerName)
    {
        var quoted = Quote(connectionString);
        return ConfigurationFactory.ParseString($$"""
            akka.persistence {
              journal {
                plugin = "akka.persistence.journal.sql"
                auto-start-journals = ["akka.persistence.journal.sql"]
                sql {
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
