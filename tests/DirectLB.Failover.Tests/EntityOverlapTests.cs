using Akka.Actor;
using Akka.Configuration;
using Akka.Persistence.Sql;
using DirectLB.Actors.Domain;
using DirectLB.Actors.Entity;
using DirectLB.Actors.Observability;
using DirectLB.Actors.Serialization;
using DirectLB.EndToEnd.Tests.Support;
using DirectLB.Host.Hosting;
using DirectLB.Providers.Model;
using DirectLB.Providers.Simulated;
using DirectLB.Tests.Shared.Replicas;
using DirectLB.Tests.Support;
using LinqToDB;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;
using Xunit;
using static DirectLB.Tests.Support.Fixtures;

namespace DirectLB.Failover.Tests;

/// <summary>
/// Two incarnations of one Service's entity alive at once, as after a failover whose downed replica has not stopped
/// yet (the removal margin is short): two actor systems with the same persistence id on one PostgreSQL journal and
/// one cloud. The journal's unique (persistence id, sequence number) is the fence: an entity journals its intent
/// before every provider call, so the incarnation that recovered earlier fails its next write and stops before it
/// acts, and the cloud keeps what the newer incarnation made of it.
/// </summary>
[Trait("Category", "Failover")]
public sealed class EntityOverlapTests : IAsyncLifetime
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(30);

    private static readonly ReconcileOptions Options = new()
    {
        Debounce = TimeSpan.FromMilliseconds(20),
        MinBackoff = TimeSpan.FromMilliseconds(50),
        MaxBackoff = TimeSpan.FromMilliseconds(400),
    };

    private readonly SimulatedProvider _cloud = new();
    private readonly List<ActorSystem> _systems = [];
    private PostgresServer _postgres = null!;

    public async Task InitializeAsync() => _postgres = await PostgresServer.StartAsync();

    public async Task DisposeAsync()
    {
        foreach (var system in _systems)
        {
            await system.Terminate();
        }

        await _postgres.DisposeAsync();
    }

    [Fact]
    public async Task A_stale_incarnation_fails_its_next_journal_write_and_stops_before_it_calls_the_provider()
    {
        var old = Start("old");
        old.Entity.Tell(Observed(Ready("10.244.1.5")));
        await Eventually.Until(async () => Targets() == "10.244.1.5" && await InSyncAsync(old), "the old incarnation is in sync", Deadline);

        // A new owner recovers the same journal and acts on a newer state of the Service.
        var current = Start("new");
        current.Entity.Tell(Observed(Ready("10.244.1.5"), Ready("10.244.1.6")));
        await Eventually.Until(async () => Targets() == "10.244.1.5,10.244.1.6" && await InSyncAsync(current), "the new incarnation is in sync", Deadline);
        var changesBefore = _cloud.CallCount(ProviderCallKind.ChangeTargets);

        // The old one, still alive, hears of a state the new owner never saw (a downed replica's last watch event).
        var stopped = old.Entity.WatchAsync();
        old.Entity.Tell(Observed(Ready("10.244.1.5"), Ready("10.244.1.7")));

        await Eventually.Until(() => stopped.IsCompleted || Targets().Contains("10.244.1.7", StringComparison.Ordinal), "the old incarnation stops or acts", Deadline);
        Assert.Equal("10.244.1.5,10.244.1.6", Targets());
        Assert.Equal(changesBefore, _cloud.CallCount(ProviderCallKind.ChangeTargets));
        Assert.True(await stopped, "the old incarnation stopped");
        Assert.Equal(1, _cloud.CallCount(ProviderCallKind.EnsureLoadBalancer));
        Assert.Single(_cloud.LoadBalancers);
        Assert.Contains(Key, old.StateSource.Requests); // in production the watchers then send the Service to its owner
        Assert.True(await InSyncAsync(current), "the new incarnation is untouched");
        Assert.Equal(await JournaledAsync(), await DistinctJournaledAsync());
    }

    private sealed record Incarnation(IActorRef Entity, RecordingStateSource StateSource);

    /// <summary>An actor system of its own on the shared journal, with the Service's entity in it.</summary>
    private Incarnation Start(string name)
    {
        var config = SqlJournalConfig.For(_postgres.ConnectionString, ProviderName.PostgreSQL15)
            .WithFallback(SqlPersistence.DefaultConfiguration)
            .WithFallback(DirectLbSerialization.Config)
            .WithFallback(ConfigurationFactory.ParseString("akka.loglevel = WARNING"));
        var system = ActorSystem.Create($"overlap-{name}", config);
        _systems.Add(system);
        var stateSource = new RecordingStateSource();
        var entity = system.ActorOf(Props.Create(() => new ServiceLoadBalancer(
            Key.ToString(), _cloud, new RecordingServiceWriter(null), stateSource, new ServiceStatusBoard(), Options, TimeProvider.System, NullLogger<ServiceLoadBalancer>.Instance)));
        return new Incarnation(entity, stateSource);
    }

    private static ServiceObserved Observed(params EndpointSnapshot[] endpoints) =>
        new(Key, Observation(Service(), Slice("web-abc", endpoints)));

    private static async Task<bool> InSyncAsync(Incarnation incarnation) =>
        (await incarnation.Entity.Ask<LoadBalancerStatusReport>(new GetLoadBalancerStatus(Key), Deadline)).InSync;

    /// <summary>The cloud's targets of the one load balancer, sorted and comma-separated.</summary>
    private string Targets() =>
        string.Join(',', _cloud.LoadBalancers.SelectMany(lb => lb.Listeners).SelectMany(l => l.Targets).Select(t => t.Key.Address).Order(StringComparer.Ordinal));

    private Task<long> JournaledAsync() => ScalarAsync("SELECT count(*) FROM journal");

    private Task<long> DistinctJournaledAsync() => ScalarAsync("SELECT count(DISTINCT (persistence_id, sequence_number)) FROM journal");

    private async Task<long> ScalarAsync(string sql)
    {
        await using var connection = new NpgsqlConnection(_postgres.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        return Convert.ToInt64(await command.ExecuteScalarAsync(), System.Globalization.CultureInfo.InvariantCulture);
    }
}
