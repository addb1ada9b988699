using System.Data.Common;
using Akka.Actor;
using Akka.Actor.Setup;
using Akka.Configuration;
using LinqToDB;
using Microsoft.Data.Sqlite;
using Npgsql;

namespace DirectLB.Host.Hosting;

/// <summary>
/// How the journal's plain reads and writes (<see cref="PlainSqlJournal"/>, <see cref="LoadingSqlSnapshotStore"/>) open a
/// connection, where the connection string alone would not do (SQLite: each connection carries the journal's pragma).
/// </summary>
public sealed class PlainSqlSetup(Func<DbConnection> open) : Setup
{
    public Func<DbConnection> Open { get; } = open;
}

/// <summary>The plumbing of the journal's plain reads and writes: their connections and commands.</summary>
internal static class PlainSql
{
    /// <summary>Opens connections from the actor system's <see cref="PlainSqlSetup"/>, else from the plugin's connection string.</summary>
    public static Func<DbConnection> Connector(ActorSystem system, Config plugin)
    {
        var setup = system.Settings.Setup.Get<PlainSqlSetup>();
        if (setup.HasValue)
        {
            return setup.Value.Open;
        }

        var connectionString = plugin.GetString("connection-string");
        return plugin.GetString("provider-name") == ProviderName.SQLiteMS
            ? () => new SqliteConnection(connectionString)
            : () => new NpgsqlConnection(connectionString);
    }

    /// <summary>Ids per query of <see cref="ReadsById{T}"/>: well within both databases' limits on parameters.</summary>
    public const int IdsPerRead = 500;

    /// <summary>
    /// Reads by persistence id, the ids that reach it while a query is in flight taken together into one query (up to
    /// <see cref="IdsPerRead"/>, two queries at once): <paramref name="query"/> names them as <c>{ids}</c> and returns one
    /// row per id found, the id first; <paramref name="read"/> reads the rest of the row. An id without a row gets
    /// <c>default</c>.
    /// </summary>
    public static BatchQueue<string, T?> ReadsById<T>(Func<DbConnection> connect, string query, Func<DbDataReader, T> read) =>
        new(async (ids, stopping) =>
        {
            var distinct = ids.Distinct().ToList();
            var found = new Dictionary<string, T>(distinct.Count);
            await using var connection = connect();
            await connection.OpenAsync(stopping);
            await using var command = connection.CreateCommand();
            command.CommandText = query.Replace("{ids}", string.Join(", ", distinct.Select((_, i) => $"@id{i}")));
            for (var i = 0; i < distinct.Count; i++)
            {
                Add(command, $"@id{i}", distinct[i]);
            }

            await using var rows = await command.ExecuteReaderAsync(stopping);
            while (await rows.ReadAsync(stopping))
            {
                found[rows.GetString(0)] = read(rows);
            }

            return id => found.GetValueOrDefault(id);
        }, _ => 1, IdsPerRead, loops: 2);

    public static DbCommand Command(DbConnection connection, string text, params (string Name, object Value)[] parameters)
    {
        var command = connection.CreateCommand();
        command.CommandText = text;
        foreach (var (name, value) in parameters)
        {
            Add(command, name, value);
        }

        return command;
    }

    public static void Add(DbCommand command, string name, object value)
    {
        var parameter = command.CreateParameter();
        parameter.ParameterName = name;
        parameter.Value = value;
        command.Parameters.Add(parameter);
    }
}
