using DirectLB.Tests.Shared.Overlap;
using DirectLB.Tests.Shared.Replicas;
using Xunit;

namespace DirectLB.Failover.Tests;

/// <summary>
/// Two incarnations of a Service's entity alive at once, as after a failover whose downed replica has not stopped
/// yet (<see cref="IncarnationOverlap"/>): the journal's unique (persistence id, sequence number) is the fence. An
/// entity journals its intent before every provider call, so the incarnation that recovered earlier fails its next
/// write and stops before it acts, and the cloud keeps what the newer incarnation made of it. Without that uniqueness
/// the same run ends with a target nobody wants.
/// </summary>
[Trait("Category", "Failover")]
public sealed class EntityOverlapTests : IAsyncLifetime
{
    private const int Services = 3;

    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(30);

    private PostgresServer _postgres = null!;

    public async Task InitializeAsync() => _postgres = await PostgresServer.StartAsync();

    public async Task DisposeAsync() => await _postgres.DisposeAsync();

    [Fact]
    public async Task A_stale_incarnation_fails_its_next_journal_write_and_stops_before_it_calls_the_provider()
    {
        var outcome = await IncarnationOverlap.RunAsync(_postgres.ConnectionString, "fenced", Services, fenced: true, Deadline);

        Assert.Equal(0, outcome.StaleActed);
        Assert.Equal(0, outcome.StaleChangeCalls);
        Assert.Equal(Services, outcome.StaleStopped);
        Assert.Equal(Services, outcome.StaleAskedForResend); // in production the watchers then send the Service to its owner
        Assert.Equal(Services, outcome.CurrentInSync);
        Assert.Equal(Services, outcome.LoadBalancers);
        Assert.Equal(Services, outcome.LoadBalancerCreates);
        Assert.Equal(outcome.DistinctJournalRows, outcome.JournalRows);
    }

    [Fact]
    public async Task Without_unique_sequence_numbers_the_stale_incarnation_acts_on_its_stale_view()
    {
        var outcome = await IncarnationOverlap.RunAsync(_postgres.ConnectionString, "unfenced", Services, fenced: false, Deadline);

        // Each stale incarnation is then on its own, and the bench has seen one of a hundred stop rather than act.
        Assert.True(outcome.StaleActed > 0, "a stale incarnation moved its load balancer to its stale view");
        Assert.True(outcome.StaleChangeCalls > 0, "the cloud received a stale target change");
        Assert.True(outcome.JournalRows > outcome.DistinctJournalRows, "the journal holds one sequence number twice");
    }
}
