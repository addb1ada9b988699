using DirectLB.Host.Configuration;
using Microsoft.Data.Sqlite;
using Npgsql;

namespace DirectLB.Host.Hosting;

/// <summary>
/// The settings every replica of one Akka cluster must share, by name: the Services they serve, where they
/// journal, which load balancer platform they drive, and how the Services are sharded. A replica that differs is refused (ConfigurationGuard).
/// </summary>
public static class SharedSettings
{
    public static IReadOnlyDictionary<string, string> Of(DirectLbOptions options) => new Dictionary<string, string>
    {
        ["load-balancer-class"] = $"{options.LoadBalancerClass} claim-unclassed={options.ClaimServicesWithoutClass}",
        ["installation"] = options.InstallationId,
        ["journal"] = $"{options.Journal.Provider} {JournalLocation(options.Journal)}",
        ["provider"] = options.Provider == "http" ? $"http {options.Http.BaseUrl}" : options.Provider,
        // A Service's shard is its key's hash modulo this: replicas that differ would each start it in another shard.
        ["shards"] = options.Cluster.Shards.ToString(System.Globalization.CultureInfo.InvariantCulture),
    };

    /// <summary>Where the journal lives, without credentials: the same database reached with another user is the same journal.</summary>
    private static string JournalLocation(JournalOptions journal)
    {
        try
        {
            if (journal.Provider == "postgresql")
            {
                var postgres = new NpgsqlConnectionStringBuilder(journal.ConnectionString);
                return $"{postgres.Host}:{postgres.Port}/{postgres.Database}";
            }

            return Path.GetFullPath(new SqliteConnectionStringBuilder(journal.ConnectionString).DataSource);
        }
        catch (ArgumentException)
        {
            return journal.ConnectionString; // unparsable: the journal itself will say so at start
        }
    }
}
