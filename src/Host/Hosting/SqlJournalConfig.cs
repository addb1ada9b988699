using Akka.Configuration;

namespace DirectLB.Host.Hosting;

/// <summary>
/// Journal and snapshot store on Akka.Persistence.Sql, written as HOCON. Tables are created on first use.
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
                sql {
                  connection-string = {{quoted}}
                  provider-name = "{{providerName}}"
                  auto-initialize = on
                }
              }
              snapshot-store {
                plugin = "akka.persistence.snapshot-store.sql"
                sql {
                  connection-string = {{quoted}}
                  provider-name = "{{providerName}}"
                  auto-initialize = on
                }
              }
            }
            """);
    }

    private static string Quote(string value) => "\"" + value.Replace("\\", "\\\\").Replace("\"", "\\\"") + "\"";
}
