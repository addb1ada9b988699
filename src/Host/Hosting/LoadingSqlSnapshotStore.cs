using System.Data.Common;
using Akka.Configuration;
using Akka.Persistence;
using Akka.Persistence.Sql.Snapshot;

namespace DirectLB.Host.Hosting;

/// <summary>
/// Akka.Persistence.Sql's snapshot store with one change: the latest snapshot, which every entity asks for when it
/// recovers, is read by a plain query (of the entities that recover at the same time, one: <see cref="PlainSql.ReadsById{T}"/>)
/// instead of linq2db's, which builds its SQL text on every call (after the
/// journal's recovery reads became plain, the largest of a surviving replica's recovery reads: issue 17;
/// docs/benchmarks.md, "Recovery reads"). The row is the one the stock store reads (its default table mapping:
/// <c>snapshot</c>, the entity's highest sequence number) and becomes the same <see cref="SelectedSnapshot"/>; any
/// other selection, a row that names no serializer, saves and deletes stay the stock store's.
/// </summary>
public sealed class LoadingSqlSnapshotStore : SqlSnapshotStore
{
    private const string LatestQuery = """
        SELECT s.persistence_id, s.sequence_number, s.created, s.snapshot, s.manifest, s.serializer_id
        FROM snapshot s
        JOIN (SELECT persistence_id, MAX(sequence_number) AS latest FROM snapshot WHERE persistence_id IN ({ids}) GROUP BY persistence_id) l
          ON s.persistence_id = l.persistence_id AND s.sequence_number = l.latest
        """;

    private readonly Func<DbConnection> _connect;
    private readonly Akka.Serialization.Serialization _serialization;
    private readonly BatchQueue<string, Latest?> _latest;

    public LoadingSqlSnapshotStore(Config config)
        : base(config)
    {
        _connect = PlainSql.Connector(Context.System, config);
        _serialization = Context.System.Serialization;
        _latest = PlainSql.ReadsById(_connect, LatestQuery, row => new Latest(
            row.GetInt64(1), row.GetInt64(2), (byte[])row.GetValue(3), row.IsDBNull(4) ? string.Empty : row.GetString(4), row.IsDBNull(5) ? null : row.GetInt32(5)));
    }

    protected override void PostStop()
    {
        _latest.Stop();
        base.PostStop();
    }

    protected override async Task<SelectedSnapshot?> LoadAsync(string persistenceId, SnapshotSelectionCriteria criteria, CancellationToken cancellationToken)
    {
        if (criteria.MaxSequenceNr != long.MaxValue || criteria.MaxTimeStamp != DateTime.MaxValue)
        {
            return await base.LoadAsync(persistenceId, criteria, cancellationToken);
        }

        var latest = await _latest.EnqueueAsync(persistenceId).WaitAsync(cancellationToken);
        if (latest is null)
        {
            return null;
        }

        if (latest.Serializer is not { } serializer)
        {
            return await base.LoadAsync(persistenceId, criteria, cancellationToken);
        }

        var metadata = new SnapshotMetadata(persistenceId, latest.SequenceNr, new DateTime(latest.Created));
        return new SelectedSnapshot(metadata, _serialization.Deserialize(latest.Snapshot, serializer, latest.Manifest));
    }

    /// <summary>An entity's latest snapshot row.</summary>
    private sealed record Latest(long SequenceNr, long Created, byte[] Snapshot, string Manifest, int? Serializer);
}
