using DirectLB.Tests.Shared.Overlap;
using DirectLB.Tests.Shared.Replicas;

namespace DirectLB.Bench;

/// <summary>
/// The overlap that a short removal margin allows: two incarnations of each Service's entity on one PostgreSQL journal
/// (<see cref="IncarnationOverlap"/>, as <c>EntityOverlapTests</c> runs it, at more Services), once with the journal's
/// unique sequence numbers and once without, so the report shows what the fence prevents.
/// </summary>
public static class OverlapBenchmark
{
    public static async Task<IReadOnlyList<OverlapOutcome>> RunAsync(BenchOptions options)
    {
        var services = options.Smoke ? 3 : 100;
        var deadline = TimeSpan.FromSeconds(120);
        await using var postgres = await PostgresServer.StartAsync();
        // Fenced first: the unfenced run drops the uniqueness for the whole table.
        var fenced = await IncarnationOverlap.RunAsync(postgres.ConnectionString, "fenced", services, fenced: true, deadline);
        var unfenced = await IncarnationOverlap.RunAsync(postgres.ConnectionString, "unfenced", services, fenced: false, deadline);
        foreach (var outcome in new[] { fenced, unfenced })
        {
            Console.WriteLine($"overlap ({(outcome.Fenced ? "unique sequence numbers" : "uniqueness dropped")}): {outcome.StaleActed} of {outcome.Services} stale incarnations acted, {outcome.StaleStopped} stopped, {outcome.StaleChangeCalls} stale target changes, journal rows {outcome.JournalRows} ({outcome.DistinctJournalRows} distinct), settled in {outcome.Settled.TotalMilliseconds:F0} ms");
        }

        return [fenced, unfenced];
    }

    /// <summary>What a run must see: with the fence no stale incarnation acts; without it they do (or the run showed nothing).</summary>
    public static IEnumerable<string> Failures(OverlapOutcome outcome) =>
        outcome.Fenced
            ? outcome.StaleActed > 0 || outcome.StaleChangeCalls > 0 ? [$"overlap: {outcome.StaleActed} stale incarnations acted despite the journal's fence"] : []
            : outcome.StaleActed == 0 ? ["overlap: without the fence no stale incarnation acted, so the run shows nothing"] : [];
}
