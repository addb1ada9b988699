using System.Collections.Concurrent;
using System.Data.Common;
using System.Text;

namespace DirectLB.Host.Hosting;

/// <summary>One journal row as Akka.Persistence.Sql's default table mapping stores it (tags in the tag table: none here).</summary>
internal sealed record JournalRow(string PersistenceId, long SequenceNr, long Created, byte[] Message, int Serializer, string Manifest, string WriterUuid);

/// <summary>
/// Writes the journal's rows by plain SQL, the writes of many entities in one transaction, as Akka.Persistence.Sql's
/// write queue does (<see cref="BatchQueue{TRequest,TResult}"/>: up to <c>batch-size</c> rows, <c>parallelism</c>
/// transactions at once; one at a time on SQLite, which has one writer anyway), without its stream and without linq2db,
/// which builds the SQL text of every batch with each value inlined. A batch is one transaction: when any of its rows cannot be written (a sequence number another
/// incarnation of the entity took, the fence of docs/benchmarks.md "Two incarnations of one Service at once"), none is,
/// and every write in it fails, as in the stock journal.
/// </summary>
internal sealed class JournalRowWriter
{
    /// <summary>Rows per statement: within both databases' limits on parameters (7 per row).</summary>
    private const int RowsPerStatement = 200;

    private const string Columns = "INSERT INTO journal (deleted, persistence_id, sequence_number, created, message, identifier, manifest, writer_uuid) VALUES ";

    private static readonly ConcurrentDictionary<int, string> Statements = new();

    private readonly Func<DbConnection> _connect;
    private readonly BatchQueue<IReadOnlyList<JournalRow>, bool> _batches;

    public JournalRowWriter(Func<DbConnection> connect, int batchSize, int parallelism)
    {
        _connect = connect;
        _batches = new BatchQueue<IReadOnlyList<JournalRow>, bool>(InsertAsync, rows => rows.Count, batchSize, parallelism);
    }

    /// <summary>Completes once <paramref name="rows"/> are committed; fails with the batch's error if they are not.</summary>
    public Task WriteAsync(IReadOnlyList<JournalRow> rows) => _batches.EnqueueAsync(rows);

    /// <summary>
    /// Stops writing, as the stock journal does when it stops: a batch in flight is cancelled (its transaction not
    /// committed) and every write still queued fails, so that nothing touches the database once the journal has stopped.
    /// </summary>
    public void Stop() => _batches.Stop();

    /// <summary>The batch's writes in one transaction; every write in it succeeds with it.</summary>
    private async Task<Func<IReadOnlyList<JournalRow>, bool>> InsertAsync(IReadOnlyList<IReadOnlyList<JournalRow>> writes, CancellationToken stopping)
    {
        await using var connection = _connect();
        await connection.OpenAsync(stopping);
        await using var transaction = await connection.BeginTransactionAsync(stopping);
        foreach (var chunk in writes.SelectMany(rows => rows).Chunk(RowsPerStatement))
        {
            await using var command = connection.CreateCommand();
            command.Transaction = transaction;
            command.CommandText = Statements.GetOrAdd(chunk.Length, Statement);
            PlainSql.Add(command, "@deleted", false);
            for (var i = 0; i < chunk.Length; i++)
            {
                var row = chunk[i];
                PlainSql.Add(command, $"@p{i}", row.PersistenceId);
                PlainSql.Add(command, $"@s{i}", row.SequenceNr);
                PlainSql.Add(command, $"@c{i}", row.Created);
                PlainSql.Add(command, $"@m{i}", row.Message);
                PlainSql.Add(command, $"@i{i}", row.Serializer);
                PlainSql.Add(command, $"@f{i}", row.Manifest);
                PlainSql.Add(command, $"@w{i}", row.WriterUuid);
            }

            await command.ExecuteNonQueryAsync(stopping);
        }

        await transaction.CommitAsync(stopping);
        return _ => true;
    }

    private static string Statement(int rows)
    {
        var text = new StringBuilder(Columns);
        for (var i = 0; i < rows; i++)
        {
            text.Append(i == 0 ? "" : ", ").Append($"(@deleted, @p{i}, @s{i}, @c{i}, @m{i}, @i{i}, @f{i}, @w{i})");
        }

        return text.ToString();
    }
}
