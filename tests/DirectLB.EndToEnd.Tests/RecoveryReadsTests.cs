using System.Collections.Immutable;
using Akka.Actor;
using Akka.Persistence;
using DirectLB.Actors.Entity;
using DirectLB.Host.Hosting;
using DirectLB.EndToEnd.Tests.Support;

namespace DirectLB.EndToEnd.Tests;

/// <summary>
/// DirectLB's recovery reads (<see cref="PlainSqlJournal"/>, <see cref="LoadingSqlSnapshotStore"/>) against
/// Akka.Persistence.Sql's own, on one real database (a SQLite file, a private PostgreSQL): every range an entity may
/// ask for comes back the same, event for event, with the same highest sequence number, and so does its snapshot.
/// </summary>
[Trait("Category", "EndToEnd")]
public sealed class RecoveryReadsTests : IAsyncLifetime
{
    private const string PersistenceId = "ServiceLoadBalancer-replayed/web";
    private const string Ours = JournalDatabases.Ours;
    private const string Stock = JournalDatabases.Stock;
    private const string OurSnapshots = JournalDatabases.OurSnapshots;
    private const string StockSnapshots = JournalDatabases.StockSnapshots;
    private const int Events = 2_500;
    private const int Deleted = 700;

    private readonly JournalDatabases _databases = new();

    public Task InitializeAsync() => Task.CompletedTask;

    [Theory]
    [InlineData("sqlite")]
    [InlineData("postgresql")]
    public async Task Every_replay_reads_what_Akka_Persistence_Sqls_own_replay_reads(string journal)
    {
        var system = await StartAsync(journal);
        try
        {
            // More than two batches of events through three serializers, the first ones deleted as after a snapshot.
            var writer = system.ActorOf(Props.Create(() => new Writer()));
            Assert.Equal("written", await writer.Ask<string>(Events, TimeSpan.FromSeconds(120)));

            (long From, long To, long Max)[] ranges =
            [
                (1, long.MaxValue, long.MaxValue),
                (Deleted + 1, long.MaxValue, long.MaxValue),
                (900, 2_100, long.MaxValue),
                (1, long.MaxValue, 1_500),
                (1_000, 1_000, long.MaxValue),
                (Events + 1, long.MaxValue, long.MaxValue),
                (1, long.MaxValue, 0),
            ];
            foreach (var (from, to, max) in ranges)
            {
                var stock = await ReplayAsync(system, Stock, from, to, max);
                var ours = await ReplayAsync(system, Ours, from, to, max);
                Assert.Equal(stock.Events.Select(Fields), ours.Events.Select(Fields));
                Assert.Equal(stock.Highest, ours.Highest);
            }

            // The comparison saw events (all but the deleted ones, and a limit where one was asked for) and highest
            // sequence numbers (the last event's, and none where nothing was written).
            Assert.Equal(Events - Deleted, (await ReplayAsync(system, Ours, 1, long.MaxValue, long.MaxValue)).Events.Count);
            Assert.Equal(1_500, (await ReplayAsync(system, Ours, 1, long.MaxValue, 1_500)).Events.Count);
            Assert.Equal(Events, (await ReplayAsync(system, Ours, 900, 2_100, long.MaxValue)).Highest);
            Assert.Equal(0, (await ReplayAsync(system, Ours, 1, long.MaxValue, long.MaxValue, "ServiceLoadBalancer-never/written")).Highest);
        }
        finally
        {
            await system.Terminate();
        }
    }

    /// <summary>
    /// An entity that restarts while its last write is still in the journal's queue must not recover below it (it would
    /// write its next event with a sequence number already taken): its highest sequence number is read after that write.
    /// </summary>
    [Theory]
    [InlineData("sqlite")]
    [InlineData("postgresql")]
    public async Task A_recovery_right_after_a_write_reads_the_highest_sequence_number_after_it(string journal)
    {
        var system = await StartAsync(journal);
        try
        {
            var journalRef = Persistence.Instance.Apply(system).JournalFor(Ours);
            var writer = Inbox.Create(system);
            for (var i = 0; i < 50; i++)
            {
                var persistenceId = $"ServiceLoadBalancer-written/web-{i}";
                var events = Enumerable.Range(1, 20)
                    .Select(n => (IPersistentRepresentation)new Persistent($"event {n}", n, persistenceId, string.Empty, false, ActorRefs.NoSender, "writer"))
                    .ToImmutableList();
                journalRef.Tell(new WriteMessages([new AtomicWrite(events)], writer.Receiver, 1));
                var (_, highest) = await ReplayAsync(system, Ours, 1, long.MaxValue, 0, persistenceId);
                Assert.Equal(20, highest);
            }
        }
        finally
        {
            await system.Terminate();
        }
    }

    [Theory]
    [InlineData("sqlite")]
    [InlineData("postgresql")]
    public async Task Every_snapshot_load_reads_what_Akka_Persistence_Sqls_own_snapshot_store_reads(string journal)
    {
        var system = await StartAsync(journal);
        try
        {
            var store = Persistence.Instance.Apply(system).SnapshotStoreFor(OurSnapshots);
            var at = new DateTime(2026, 11, 30, 12, 0, 0, DateTimeKind.Utc);
            (string Id, long SequenceNr, object Snapshot)[] saved =
            [
                ("ServiceLoadBalancer-snap/a", 5, "five"),
                ("ServiceLoadBalancer-snap/a", 12, "twelve"),
                ("ServiceLoadBalancer-snap/a", 9, "nine"),
                ("ServiceLoadBalancer-snap/b", 3, 3L),
                ("ServiceLoadBalancer-snap/c", 7, new OperationFailed(7, "error 7", true, DateTimeOffset.UnixEpoch.AddSeconds(7))),
                ("ServiceLoadBalancer-snap/c", 8, new OperationFailed(8, "error 8", false, DateTimeOffset.UnixEpoch.AddSeconds(8))),
            ];
            foreach (var (id, sequenceNr, snapshot) in saved)
            {
                await store.Ask<SaveSnapshotSuccess>(new SaveSnapshot(new SnapshotMetadata(id, sequenceNr, at.AddSeconds(sequenceNr)), snapshot), TimeSpan.FromSeconds(30));
            }

            // The latest of c deleted: the one before it is the latest.
            await store.Ask<DeleteSnapshotSuccess>(new DeleteSnapshot(new SnapshotMetadata("ServiceLoadBalancer-snap/c", 8, at.AddSeconds(8))), TimeSpan.FromSeconds(30));

            (string Id, SnapshotSelectionCriteria Criteria)[] loads =
            [
                ("ServiceLoadBalancer-snap/a", SnapshotSelectionCriteria.Latest),
                ("ServiceLoadBalancer-snap/b", SnapshotSelectionCriteria.Latest),
                ("ServiceLoadBalancer-snap/c", SnapshotSelectionCriteria.Latest),
                ("ServiceLoadBalancer-snap/none", SnapshotSelectionCriteria.Latest),
                ("ServiceLoadBalancer-snap/a", new SnapshotSelectionCriteria(10)),
            ];
            foreach (var (id, criteria) in loads)
            {
                Assert.Equal(await LoadAsync(system, StockSnapshots, id, criteria), await LoadAsync(system, OurSnapshots, id, criteria));
            }

            // The comparison saw snapshots: the latest by sequence number, not the last saved, and none where none is.
            Assert.Equal(("ServiceLoadBalancer-snap/a", 12L, at.AddSeconds(12).Ticks, (object)"twelve"), await LoadAsync(system, OurSnapshots, "ServiceLoadBalancer-snap/a", SnapshotSelectionCriteria.Latest));
            Assert.Equal(7L, (await LoadAsync(system, OurSnapshots, "ServiceLoadBalancer-snap/c", SnapshotSelectionCriteria.Latest))?.SequenceNr);
            Assert.Null(await LoadAsync(system, OurSnapshots, "ServiceLoadBalancer-snap/none", SnapshotSelectionCriteria.Latest));
        }
        finally
        {
            await system.Terminate();
        }
    }

    /// <summary>
    /// Entities that recover at the same time have their events, highest sequence numbers and latest snapshots read
    /// together, one query for many of them: each must still get its own, as the stock journal and store read them one
    /// by one, and one with more events than a batch gives an entity gets the rest after it.
    /// </summary>
    [Theory]
    [InlineData("sqlite")]
    [InlineData("postgresql")]
    public async Task Entities_recovering_at_the_same_time_each_read_their_own_events_highest_sequence_number_and_snapshot(string journal)
    {
        var system = await StartAsync(journal);
        try
        {
            const int entities = 300;
            var ids = Enumerable.Range(0, entities).Select(i => $"ServiceLoadBalancer-together/web-{i}").ToList();
            // One with more events than a batch gives an entity, and than a page of its own after that (JournalReplays'
            // FirstPageSize, PageSize): it goes on alone after its first page, a page at a time.
            const int many = JournalReplays.PageSize + 200;
            ids.Add("ServiceLoadBalancer-together/many");
            var journalRef = Persistence.Instance.Apply(system).JournalFor(Ours);
            var snapshots = Persistence.Instance.Apply(system).SnapshotStoreFor(OurSnapshots);
            var writer = Inbox.Create(system);
            var writes = 0;
            for (var i = 0; i <= entities; i++)
            {
                // 0 to 6 events each (some none), a snapshot for every third at a sequence number of its own.
                var id = ids[i];
                var events = Enumerable.Range(1, i == entities ? many : i % 7)
                    .Select(n => (IPersistentRepresentation)new Persistent($"event {n}", n, id, string.Empty, false, ActorRefs.NoSender, "writer"))
                    .ToImmutableList();
                if (!events.IsEmpty)
                {
                    journalRef.Tell(new WriteMessages([new AtomicWrite(events)], writer.Receiver, 1));
                    writes++;
                }

                if (i % 3 == 0 && i < entities)
                {
                    await snapshots.Ask<SaveSnapshotSuccess>(new SaveSnapshot(new SnapshotMetadata(id, i % 7, DateTime.UnixEpoch.AddSeconds(i)), $"state of {i}"), TimeSpan.FromSeconds(30));
                }
            }

            while (writes > 0)
            {
                if (await writer.ReceiveAsync(TimeSpan.FromSeconds(30)) is WriteMessagesSuccessful)
                {
                    writes--;
                }
            }

            var stock = new List<(string, long, object?)>();
            foreach (var id in ids)
            {
                var replayed = await ReplayAsync(system, Stock, 1, long.MaxValue, long.MaxValue, id);
                stock.Add((Listed(replayed.Events), replayed.Highest, await LoadAsync(system, StockSnapshots, id, SnapshotSelectionCriteria.Latest)));
            }

            var ours = await Task.WhenAll(ids.Select(async id =>
            {
                var replayed = await ReplayAsync(system, Ours, 1, long.MaxValue, long.MaxValue, id);
                return (Listed(replayed.Events), replayed.Highest, (object?)await LoadAsync(system, OurSnapshots, id, SnapshotSelectionCriteria.Latest));
            }));

            Assert.Equal(stock, ours);

            // The comparison saw every kind: no events, six, more than a page, a snapshot and none.
            Assert.Equal(0, ours[0].Item2);
            Assert.Equal(6, ours[6].Item2);
            Assert.Equal(6, (await ReplayAsync(system, Ours, 1, long.MaxValue, long.MaxValue, ids[6])).Events.Count);
            Assert.Equal(many, ours[entities].Item2);
            Assert.Equal(many, (await ReplayAsync(system, Ours, 1, long.MaxValue, long.MaxValue, ids[entities])).Events.Count);
            Assert.Equal((ids[3], 3L, DateTime.UnixEpoch.AddSeconds(3).Ticks, (object)"state of 3"), ours[3].Item3);
            Assert.Null(ours[4].Item3);
        }
        finally
        {
            await system.Terminate();
        }
    }

    public async Task DisposeAsync() => await _databases.DisposeAsync();

    private static object Fields(IPersistentRepresentation p) =>
        (p.PersistenceId, p.SequenceNr, p.Payload, p.Manifest, p.IsDeleted, p.WriterGuid, p.Timestamp);

    /// <summary>Every field of every event, in order, as one comparable text.</summary>
    private static string Listed(IEnumerable<IPersistentRepresentation> events) => string.Join("\n", events.Select(Fields));

    private Task<ActorSystem> StartAsync(string journal) => _databases.StartAsync(journal);

    private static Task<(List<IPersistentRepresentation> Events, long Highest)> ReplayAsync(
        ActorSystem system, string plugin, long from, long to, long max, string persistenceId = PersistenceId) =>
        JournalDatabases.ReplayAsync(system, plugin, from, to, max, persistenceId);

    private static async Task<(string PersistenceId, long SequenceNr, long Ticks, object Snapshot)?> LoadAsync(
        ActorSystem system, string plugin, string persistenceId, SnapshotSelectionCriteria criteria)
    {
        var result = await Persistence.Instance.Apply(system).SnapshotStoreFor(plugin)
            .Ask<LoadSnapshotResult>(new LoadSnapshot(persistenceId, criteria, long.MaxValue), TimeSpan.FromSeconds(30));
        return result.Snapshot is { } loaded
            ? (loaded.Metadata.PersistenceId, loaded.Metadata.SequenceNr, loaded.Metadata.Timestamp.Ticks, loaded.Snapshot)
            : null;
    }

    /// <summary>Persists the given number of events (strings, numbers and DirectLB's own), then deletes the first ones.</summary>
    private sealed class Writer : ReceivePersistentActor
    {
        private IActorRef? _asker;

        public Writer()
        {
            Command<int>(count =>
            {
                _asker = Sender;
                PersistAll(Enumerable.Range(1, count).Select(Event), _ => { });
                DeferAsync("all persisted", _ => DeleteMessages(Deleted));
            });
            Command<DeleteMessagesSuccess>(_ => _asker!.Tell("written"));
            Command<DeleteMessagesFailure>(f => _asker!.Tell(new Status.Failure(f.Cause)));
        }

        public override string PersistenceId => RecoveryReadsTests.PersistenceId;

        private static object Event(int i) => (i % 3) switch
        {
            0 => $"event {i}",
            1 => (long)i,
            _ => new OperationFailed(i, $"error {i}", i % 2 == 0, DateTimeOffset.UnixEpoch.AddSeconds(i)),
        };
    }
}
