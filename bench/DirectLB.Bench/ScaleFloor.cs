namespace DirectLB.Bench;

/// <summary>
/// The unavoidable work of one scale run, measured on the same machine in the same process right after it (issue 17):
/// the journal writes the run made at the journal's measured ceiling, plus the Kubernetes writes it made at the API
/// test server's measured write rate.
/// </summary>
/// <param name="JournalWrites">Rows the run left in the host's journal and snapshot store (events and snapshots persisted).</param>
/// <param name="JournalCeiling">Writes/s of <see cref="JournalBenchmark"/> with the host's journal settings, 1,000 writers, on the host's journal (SQLite: a new file beside it).</param>
/// <param name="KubernetesWrites">Objects the host wrote to the API server (how far its resourceVersion advanced, the bench's own creations left out).</param>
/// <param name="ApiWriteRate">Writes/s the API test server took over HTTP (<see cref="Bench.ApiWriteRate"/>).</param>
public sealed record ScaleFloor(long JournalWrites, double JournalCeiling, long KubernetesWrites, double ApiWriteRate)
{
    /// <summary>The journal's part of the floor, in seconds.</summary>
    public double JournalSeconds => JournalWrites / JournalCeiling;

    /// <summary>The API server's part of the floor, in seconds.</summary>
    public double KubernetesSeconds => KubernetesWrites / ApiWriteRate;

    public double Seconds => JournalSeconds + KubernetesSeconds;

    /// <summary>Measures the ceilings once the host has stopped: the journal alone, then the API server alone.</summary>
    public static async Task<ScaleFloor> MeasureAsync(BenchCluster cluster, BenchOptions options, long journalWrites, long kubernetesWrites)
    {
        var window = options.Smoke ? TimeSpan.FromSeconds(1) : TimeSpan.FromSeconds(5);
        var journal = await JournalBenchmark.RunAsync("", window, cluster.Postgres?.ConnectionString);
        var api = await Bench.ApiWriteRate.MeasureAsync(cluster, options.Services, window);
        return new ScaleFloor(journalWrites, journal.WritesPerSecond, kubernetesWrites, api);
    }

    public override string ToString() =>
        $"floor {Seconds:F1} s = {JournalWrites} journal writes at {JournalCeiling:F0}/s ({JournalSeconds:F1} s) + " +
        $"{KubernetesWrites} Kubernetes writes at {ApiWriteRate:F0}/s ({KubernetesSeconds:F1} s)";
}
