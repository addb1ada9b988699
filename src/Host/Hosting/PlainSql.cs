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
