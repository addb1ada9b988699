using System.Data.Common;
using System.Runtime.CompilerServices;

namespace DirectLB.Host.Hosting;

/// <summary>One journal row as replayed, before its payload is deserialized (that is the entity's own, so that a row that
/// cannot be read fails the replay of its entity only).</summary>
internal sealed record StoredEvent(long SequenceNr, byte[] Message, int? Serializer, string Manifest, string? WriterUuid, long Created);

/// <summary>
/// The events an entity replays, by plain SQL: not deleted, in sequence order, within the range asked for. The entities
/// that recover at the same time read their first <see cref="FirstPageSize"/> events together, one query for up to
/// <see cref="PlainSql.IdsPerRead"/> of them (two queries at once), as their highest sequence numbers and snapshots are
/// read: a replica that takes over ~500 entities runs a few queries instead of ~500. An entity with more events goes on
/// alone, <see cref="PageSize"/> events per query, from the first event the batch did not give it.
/// </summary>
internal sealed class JournalReplays
{
    /// <summary>Rows per query of one entity's replay, as Akka.Persistence.Sql's <c>replay-batch-size</c>.</summary>
    public const int PageSize = 1_000;

    /// <summary>
    /// Rows per entity in a batch: what an entity replays between two snapshots at the default
    /// <c>DirectLB:Reconcile:SnapshotEvery</c>, so that a batch holds at most 50,000 rows, not 500,000, when every entity in
    /// it has many events (its snapshots failing).
    /// </summary>
    public const int FirstPageSize = 100;

    private const string Columns = "sequence_number, message, identifier, manifest, writer_uuid, created";

    private const string PageQuery = $"""
        SELECT {Columns}
        FROM journal
        WHERE persistence_id = @id AND sequence_number >= @from AND sequence_number <= @to AND deleted = @deleted
        ORDER BY sequence_number
        LIMIT @limit
        """;

    /// <summary>The first <see cref="FirstPageSize"/> rows of each entity in <c>{ranges}</c>, one OR term per range.</summary>
    private const string BatchQuery = $"""
        SELECT persistence_id, {Columns}
        FROM (
            SELECT persistence_id, {Columns}, ROW_NUMBER() OVER (PARTITION BY persistence_id ORDER BY sequence_number) AS n
            FROM journal
            WHERE deleted = @deleted AND ({"{ranges}"})
        ) AS replayed
        WHERE n <= @limit
        ORDER BY persistence_id, sequence_number
        """;

    private readonly Func<DbConnection> _connect;
    private readonly BatchQueue<Range, FirstPage> _firstPages;

    public JournalReplays(Func<DbConnection> connect)
    {
        _connect = connect;
        _firstPages = new BatchQueue<Range, FirstPage>(ReadFirstPagesAsync, _ => 1, PlainSql.IdsPerRead, loops: 2);
    }

    public void Stop() => _firstPages.Stop();

    /// <summary>The entity's events from <paramref name="from"/> to <paramref name="to"/>, at most <paramref name="max"/>.</summary>
    public async IAsyncEnumerable<StoredEvent> ReadAsync(string persistenceId, long from, long to, long max, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        if (max <= 0 || from > to)
        {
            yield break;
        }

        var first = await _firstPages.EnqueueAsync(new Range(persistenceId, from, to)).WaitAsync(cancellationToken);
        var next = from;
        var left = max;
        foreach (var row in first.Rows)
        {
            yield return row;
            next = row.SequenceNr + 1;
            if (--left == 0)
            {
                yield break;
            }
        }

        if (!first.Full)
        {
            yield break;
        }

        await using var connection = _connect();
        await connection.OpenAsync(cancellationToken);
        while (left > 0 && next <= to)
        {
            var limit = (int)Math.Min(left, PageSize);
            var read = 0;
            await using var command = PlainSql.Command(
                connection, PageQuery, ("@id", persistenceId), ("@from", next), ("@to", to), ("@deleted", false), ("@limit", limit));
            await using var rows = await command.ExecuteReaderAsync(cancellationToken);
            while (await rows.ReadAsync(cancellationToken))
            {
                var row = Row(rows, 0);
                yield return row;
                next = row.SequenceNr + 1;
                read++;
            }

            if (read < limit)
            {
                yield break;
            }

            left -= read;
        }
    }

    private async Task<Func<Range, FirstPage>> ReadFirstPagesAsync(IReadOnlyList<Range> ranges, CancellationToken stopping)
    {
        var distinct = ranges.Distinct().ToList();
        var byId = new Dictionary<string, List<StoredEvent>>();
        await using var connection = _connect();
        await connection.OpenAsync(stopping);
        await using var command = connection.CreateCommand();
        command.CommandText = BatchQuery.Replace(
            "{ranges}",
            string.Join(" OR ", distinct.Select((_, i) => $"(persistence_id = @id{i} AND sequence_number >= @from{i} AND sequence_number <= @to{i})")));
        for (var i = 0; i < distinct.Count; i++)
        {
            PlainSql.Add(command, $"@id{i}", distinct[i].PersistenceId);
            PlainSql.Add(command, $"@from{i}", distinct[i].From);
            PlainSql.Add(command, $"@to{i}", distinct[i].To);
        }

        PlainSql.Add(command, "@deleted", false);
        PlainSql.Add(command, "@limit", FirstPageSize);
        await using var rows = await command.ExecuteReaderAsync(stopping);
        while (await rows.ReadAsync(stopping))
        {
            var id = rows.GetString(0);
            if (!byId.TryGetValue(id, out var events))
            {
                byId[id] = events = [];
            }

            events.Add(Row(rows, 1));
        }

        // An entity asked for twice in one batch (two ranges) got the first page of their union: each range takes its own
        // rows of it, and goes on alone after the last one it got when the page was full.
        return range => byId.TryGetValue(range.PersistenceId, out var events)
            ? new FirstPage([.. events.Where(e => e.SequenceNr >= range.From && e.SequenceNr <= range.To)], events.Count >= FirstPageSize)
            : FirstPage.None;
    }

    private static StoredEvent Row(DbDataReader row, int first) => new(
        row.GetInt64(first),
        (byte[])row.GetValue(first + 1),
        row.IsDBNull(first + 2) ? null : row.GetInt32(first + 2),
        row.IsDBNull(first + 3) ? string.Empty : row.GetString(first + 3),
        row.IsDBNull(first + 4) ? null : row.GetString(first + 4),
        row.GetInt64(first + 5));

    private sealed record Range(string PersistenceId, long From, long To);

    /// <summary>The rows a batch gave one range, and whether the entity's page was full (so that more may follow).</summary>
    private sealed record FirstPage(IReadOnlyList<StoredEvent> Rows, bool Full)
    {
        public static FirstPage None { get; } = new([], false);
    }
}
