using System.Collections.Immutable;
using System.Diagnostics;
using Akka.Actor;
using Akka.Persistence;
using DirectLB.Actors.Entity;
using DirectLB.EndToEnd.Tests.Support;
using DirectLB.Host.Hosting;
using Microsoft.Data.Sqlite;

namespace DirectLB.EndToEnd.Tests;

/// <summary>
/// DirectLB's journal writes (<see cref="PlainSqlJournal"/> through its plain-SQL row writer) against
/// Akka.Persistence.Sql's own, on one real database (a SQLite file, a private PostgreSQL): the rows read back the same
/// through the stock journal, and a batch is all or nothing, so a sequence number another incarnation took fails
/// every write in the batch (the fence of docs/benchmarks.md, "Two incarnations of one Service at once").
/// </summary>
[Trait("Category", "EndToEnd")]
public sealed class JournalWritesTests : IAsyncLifetime
{
    private readonly JournalDatabases _databases = new();

    public Task InitializeAsync() => Task.CompletedTask;

    [Theory]
    [InlineData("sqlite")]
    [InlineData("postgresql")]
    public async Task What_DirectLBs_journal_writes_reads_back_as_what_Akka_Persistence_Sqls_own_writes(string journal)
    {
        var system = await _databases.StartAsync(journal);
        var before = DateTime.UtcNow.Ticks;
        try
        {
            // Strings, numbers and DirectLB's own events (three serializers), one event and several per atomic write;
            // DirectLB's journal first, which creates the tables.
            foreach (var (plugin, id) in new[] { (JournalDatabases.Ours, "ServiceLoadBalancer-ours/web"), (JournalDatabases.Stock, "ServiceLoadBalancer-stock/web") })
            {
                var writes = new[] { Events(id, 1, 1), Events(id, 2, 5), Events(id, 6, 6), Events(id, 7, 30) }.Select(e => new AtomicWrite(e));
                Assert.All(await WriteAsync(system, plugin, writes), r => Assert.IsType<WriteMessageSuccess>(r));
            }

            var stock = await JournalDatabases.ReplayAsync(system, JournalDatabases.Stock, 1, long.MaxValue, long.MaxValue, "ServiceLoadBalancer-stock/web");
            var ours = await JournalDatabases.ReplayAsync(system, JournalDatabases.Stock, 1, long.MaxValue, long.MaxValue, "ServiceLoadBalancer-ours/web");
            Assert.Equal(30, stock.Events.Count);
            Assert.Equal(stock.Events.Select(Fields), ours.Events.Select(Fields));
            Assert.Equal(stock.Highest, ours.Highest);
            // Both name themselves as the writer (one id per journal) and stamp a row with the time of its write (ticks).
            Assert.Single(ours.Events.Select(e => e.WriterGuid).Distinct(), id => id.Length == 32 && id != stock.Events[0].WriterGuid);
            Assert.All(stock.Events.Concat(ours.Events), e => Assert.InRange(e.Timestamp, before, DateTime.UtcNow.Ticks));
        }
        finally
        {
            await system.Terminate();
        }
    }

    [Theory]
    [InlineData("sqlite")]
    [InlineData("postgresql")]
    public async Task A_taken_sequence_number_fails_every_write_of_its_batch_and_writes_none(string journal)
    {
        var system = await _databases.StartAsync(journal);
        try
        {
            const string taken = "ServiceLoadBalancer-taken/web";
            const string innocent = "ServiceLoadBalancer-innocent/web";
            Assert.All(await WriteAsync(system, JournalDatabases.Ours, [new AtomicWrite(Events(taken, 1, 3))]), r => Assert.IsType<WriteMessageSuccess>(r));

            // One batch: a fresh entity's first event and a stale incarnation's event 3 again.
            var results = await WriteAsync(system, JournalDatabases.Ours, [new AtomicWrite(Events(innocent, 1, 1)), new AtomicWrite(Events(taken, 3, 3))]);

            Assert.Equal(2, results.Count);
            Assert.All(results, r => Assert.IsType<WriteMessageFailure>(r));
            Assert.Empty((await JournalDatabases.ReplayAsync(system, JournalDatabases.Stock, 1, long.MaxValue, long.MaxValue, innocent)).Events);
            Assert.Equal(3, (await JournalDatabases.ReplayAsync(system, JournalDatabases.Stock, 1, long.MaxValue, long.MaxValue, taken)).Highest);

            // The journal writes on after a failed batch.
            Assert.IsType<WriteMessageSuccess>((await WriteAsync(system, JournalDatabases.Ours, [new AtomicWrite(Events(innocent, 1, 1))])).Single());
            Assert.Single((await JournalDatabases.ReplayAsync(system, JournalDatabases.Stock, 1, long.MaxValue, long.MaxValue, innocent)).Events);
        }
        finally
        {
            await system.Terminate();
        }
    }

    /// <summary>
    /// A journal that stops (its actor system terminating) writes nothing more: the writes still queued fail instead,
    /// as the stock journal's do. The bench deletes the database's directory right after; writes that went on after
    /// the stop reopened the file under it (the clean-clone CI on 01880cc).
    /// </summary>
    [Fact]
    public async Task Once_the_journal_has_stopped_its_queued_writes_touch_the_database_no_more()
    {
        var system = await _databases.StartAsync("sqlite");
        Assert.All(await WriteAsync(system, JournalDatabases.Ours, [new AtomicWrite(Events("ServiceLoadBalancer-first/web", 1, 1))]), r => Assert.IsType<WriteMessageSuccess>(r));

        // 40,000 rows at once, more than the journal writes in a second here: some are still queued when it stops.
        const int writes = 2_000;
        const int perWrite = 20;
        var journal = Persistence.Instance.Apply(system).JournalFor(JournalDatabases.Ours);
        var inbox = Inbox.Create(system);
        for (var i = 0; i < writes; i++)
        {
            journal.Tell(new WriteMessages([new AtomicWrite(Events($"ServiceLoadBalancer-burst/web-{i}", 1, perWrite))], inbox.Receiver, 1));
        }

        await system.Terminate();
        var atStop = await RowsAsync();
        var deadline = Stopwatch.StartNew();
        while (deadline.Elapsed < TimeSpan.FromSeconds(1))
        {
            Assert.Equal(atStop, await RowsAsync());
            await Task.Delay(50);
        }

        Assert.InRange(atStop, 1, writes * perWrite);
    }

    public async Task DisposeAsync() => await _databases.DisposeAsync();

    private async Task<long> RowsAsync()
    {
        await using var connection = new SqliteConnection(_databases.SqliteConnectionString);
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT COUNT(*) FROM journal";
        return (long)(await command.ExecuteScalarAsync())!;
    }

    private static object Fields(IPersistentRepresentation p) => (p.SequenceNr, p.Payload, p.Manifest, p.IsDeleted);

    private static ImmutableList<IPersistentRepresentation> Events(string persistenceId, long from, long to) =>
        Enumerable.Range((int)from, (int)(to - from + 1))
            .Select(n => (IPersistentRepresentation)new Persistent(Event(n), n, persistenceId, string.Empty, false, ActorRefs.NoSender, "writer"))
            .ToImmutableList();

    private static object Event(int n) => (n % 3) switch
    {
        0 => $"event {n}",
        1 => (long)n,
        _ => new OperationFailed(n, $"error {n}", n % 2 == 0, DateTimeOffset.UnixEpoch.AddSeconds(n)),
    };

    /// <summary>Sends one <see cref="WriteMessages"/> and collects one result per event.</summary>
    private static async Task<List<object>> WriteAsync(ActorSystem system, string plugin, IEnumerable<AtomicWrite> writes)
    {
        var all = writes.ToList();
        var inbox = Inbox.Create(system);
        Persistence.Instance.Apply(system).JournalFor(plugin).Tell(new WriteMessages(all, inbox.Receiver, 1));
        var results = new List<object>();
        var expected = all.Sum(w => ((IEnumerable<IPersistentRepresentation>)w.Payload).Count());
        while (results.Count < expected)
        {
            var message = await inbox.ReceiveAsync(TimeSpan.FromSeconds(60));
            if (message is WriteMessageSuccess or WriteMessageFailure or WriteMessageRejected)
            {
                results.Add(message);
            }
        }

        return results;
    }
}
