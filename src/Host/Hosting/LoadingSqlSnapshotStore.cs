using System.Data.Common;
using Akka.Configuration;
using Akka.Persistence;
using Akka.Persistence.Sql.Snapshot;

namespace DirectLB.Host.Hosting;

/// <summary>
/// Akka.Persistence.Sql's snapshot store with one change: the latest snapshot, which every entity asks for when it
/// recovers, is read by a plain query instead of linq2db's, which builds its SQL text on every call (after the
/// journal's recovery reads became plain, the largest of a surviving replica's recovery reads: issue 17;
/// docs/benchmarks.md, "Recovery reads"). The row is the one the stock store reads (its default table mapping:
/// <c>snapshot</c>, the entity's highest sequence number) and becomes the same <see cref="SelectedSnapshot"/>; any
/// other selection, a row that names no serializer, saves and deletes stay the stock store's.
/// </summary>
public sealed class LoadingSqlSnapshotStore : SqlSnapshotStore
{
    private const string LatestQuery = """
        SELECT sequence_number, created, snapshot, manifest, serializer_id
        FROM snapshot
        WHERE persistence_id = @id
        ORDER BY sequence_number DESC
        LIMIT 1
        """;

    private readonly Func<DbConnection> _connect;
    private readonly Akka.Serialization.Serialization _serialization;

    public LoadingSqlSnapshotStore(Config config)
        : base(config)
    {
        _connect = PlainSql.Connector(Context.System, config);
        _serialization = Context.System.Serialization;
    }

    protected override async Task<SelectedSnapshot?> LoadAsync(string persistenceId, SnapshotSelectionCriteria criteria, CancellationToken cancellationToken)
    {
        if (criteria.MaxSequenceNr != long.MaxValue || criteria.MaxTimeStamp != DateTime.MaxValue)
        {
            return await base.LoadAsync(persistenceId, criteria, cancellationToken);
        }

        await using var connection = _connect();
        await connection.OpenAsync(cancellationToken);
        await using var command = PlainSql.Command(connection, LatestQuery, ("@id", persistenceId));
        await using var row = await command.ExecuteReaderAsync(cancellationToken);
        if (!await row.ReadAsync(cancellationToken))
        {
            return null;
        }

        if (row.IsDBNull(4))
        {
            return await base.LoadAsync(persistenceId, criteria, cancellationToken);
        }

        var metadata = new SnapshotMetadata(persistenceId, row.GetInt64(0), new DateTime(row.GetInt64(1)));
        var manifest = row.IsDBNull(3) ? string.Empty : row.GetString(3);
        return new SelectedSnapshot(metadata, _serialization.Deserialize((byte[])row.GetValue(2), row.GetInt32(4), manifest));
    }
}
