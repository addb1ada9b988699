using System.Collections.Concurrent;
using System.Collections.Immutable;
using System.Data.Common;
using Akka.Actor;
using Akka.Configuration;
using Akka.Persistence;
using Akka.Persistence.Journal;
using Akka.Persistence.Sql;
using Akka.Persistence.Sql.Journal;
using Akka.Serialization;
using Akka.Util;
using LinqToDB;

namespace DirectLB.Host.Hosting;

/// <summary>
/// Akka.Persistence.Sql's journal with its hot paths as plain SQL: an entity's events are replayed, and its highest
/// sequence number read, by plain queries (those of the entities that recover at the same time together, a query for
/// many: <see cref="JournalReplays"/>, <see cref="PlainSql.ReadsById{T}"/>), and its writes go through <see cref="JournalRowWriter"/>. The stock
/// replay materializes a stream graph (an actor and its interpreter) for every entity that recovers, even one with
/// nothing to replay, which cost a sixth of a surviving replica's CPU while it recovered a leaving replica's ~500
/// entities; the stock highest-sequence-number read builds its SQL through linq2db on every call, a tenth of it once
/// the replay was plain; the stock writes run through a stream and linq2db, which builds each batch's SQL text with
/// every value inlined, and capped the SQLite journal at ~5,500 writes a second on 2 cores against ~13,500 plain
/// (issue 17; docs/benchmarks.md, "Replay without a stream", "Recovery reads", "Plain journal writes"). The rows are
/// the stock journal's (its default table mapping: <c>journal</c>; replayed: not deleted, in sequence order, in
/// pages of <see cref="JournalReplays.PageSize"/>, as the same <see cref="Persistent"/>; the highest: of every row, deleted or
/// not, after the write in progress for that entity, if any, has ended; written: as its serializer writes them, one
/// writer id per journal, the time of the write). Tagged events, deletes and any other query stay the stock
/// journal's. Connections come from <see cref="PlainSqlSetup"/> when the actor system has one, else from the
/// configured connection string.
/// </summary>
public sealed class PlainSqlJournal : SqlWriteJournal
{
    /// <summary>Each entity's highest sequence number, of every row; one above the one asked from is the answer, else none (0).</summary>
    private const string HighestQuery = "SELECT persistence_id, MAX(sequence_number) FROM journal WHERE persistence_id IN ({ids}) GROUP BY persistence_id";

    private readonly Func<DbConnection> _connect;
    private readonly Akka.Serialization.Serialization _serialization;
    private readonly JournalRowWriter _writer;
    private readonly BatchQueue<string, long> _highest;
    private readonly JournalReplays _replays;
    private readonly string _writerUuid = Guid.NewGuid().ToString("N");

    /// <summary>Each entity's last write while it runs, so that its highest sequence number is read after it (as the stock journal does).</summary>
    private readonly ConcurrentDictionary<string, Task> _writes = new();

    public PlainSqlJournal(Config config)
        : base(config)
    {
        _connect = PlainSql.Connector(Context.System, config);
        _serialization = Context.System.Serialization;
        var settings = config.WithFallback(SqlPersistence.DefaultJournalConfiguration);
        var sqlite = settings.GetString("provider-name") == ProviderName.SQLiteMS;
        _writer = new JournalRowWriter(_connect, settings.GetInt("batch-size"), sqlite ? 1 : settings.GetInt("parallelism"));
        _highest = PlainSql.ReadsById(_connect, HighestQuery, row => row.GetInt64(1));
        _replays = new JournalReplays(_connect);
    }

    protected override void PostStop()
    {
        _writer.Stop();
        _highest.Stop();
        _replays.Stop();
        base.PostStop();
    }

    public override async Task ReplayMessagesAsync(
        IActorContext context, string persistenceId, long fromSequenceNr, long toSequenceNr, long max, Action<IPersistentRepresentation> recoveryCallback)
    {
        await foreach (var stored in _replays.ReadAsync(persistenceId, fromSequenceNr, toSequenceNr, max))
        {
            recoveryCallback(Read(stored, persistenceId));
        }
    }

    public override async Task<long> ReadHighestSequenceNrAsync(string persistenceId, long fromSequenceNr, CancellationToken cancellationToken)
    {
        if (_writes.TryGetValue(persistenceId, out var write))
        {
            await write.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }

        var highest = await _highest.EnqueueAsync(persistenceId).WaitAsync(cancellationToken);
        return highest > fromSequenceNr ? highest : 0;
    }

    protected override Task<IImmutableList<Exception>> WriteMessagesAsync(IEnumerable<AtomicWrite> messages, CancellationToken cancellationToken)
    {
        var writes = messages.ToList();
        var persistenceId = writes[0].PersistenceId;
        var written = writes.Any(w => w.Payload is IEnumerable<IPersistentRepresentation> events && events.Any(e => e.Payload is Tagged))
            ? base.WriteMessagesAsync(writes, cancellationToken)
            : WriteAsync(writes);
        _writes[persistenceId] = written;
        written.ContinueWith(_ => _writes.TryRemove(new KeyValuePair<string, Task>(persistenceId, written)), CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
        return written;
    }

    /// <summary>
    /// The writes' rows, serialized as Akka.Persistence.Sql's serializer does; a write whose events cannot be
    /// serialized is rejected (its own entry in the result) and the others are written.
    /// </summary>
    private async Task<IImmutableList<Exception>> WriteAsync(List<AtomicWrite> writes)
    {
        var created = DateTime.UtcNow.Ticks;
        var rows = new List<JournalRow>();
        var rejections = new Exception[writes.Count];
        for (var i = 0; i < writes.Count; i++)
        {
            try
            {
                rows.AddRange(((IEnumerable<IPersistentRepresentation>)writes[i].Payload).Select(e => Row(e, created)).ToList());
            }
            catch (Exception e)
            {
                rejections[i] = e;
            }
        }

        if (rows.Count > 0)
        {
            await _writer.WriteAsync(rows);
        }

        return rejections.ToImmutableList();
    }

    private JournalRow Row(IPersistentRepresentation e, long created)
    {
        var serializer = _serialization.FindSerializerFor(e.Payload);
        var manifest = serializer switch
        {
            SerializerWithStringManifest named => named.Manifest(e.Payload),
            { IncludeManifest: true } => e.Payload.GetType().TypeQualifiedName(),
            _ => string.Empty,
        };
        var message = Akka.Serialization.Serialization.WithTransport(_serialization.System, () => serializer.ToBinary(e.Payload));
        return new JournalRow(e.PersistenceId, e.SequenceNr, e.Timestamp == 0 ? created : e.Timestamp, message, serializer.Identifier, manifest, _writerUuid);
    }

    /// <summary>One row as Akka.Persistence.Sql's serializer reads it (a row it wrote always names its serializer).</summary>
    private Persistent Read(StoredEvent row, string persistenceId)
    {
        if (row.Serializer is not { } serializer)
        {
            throw new InvalidOperationException($"{persistenceId}: journal row {row.SequenceNr} names no serializer; it was not written by Akka.Persistence.Sql");
        }

        var payload = _serialization.Deserialize(row.Message, serializer, row.Manifest);
        return new Persistent(payload, row.SequenceNr, persistenceId, row.Manifest, isDeleted: false, ActorRefs.NoSender, row.WriterUuid, row.Created);
    }
}
