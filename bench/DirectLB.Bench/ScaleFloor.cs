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
    /// <param name="kubeconfig">The API test server's kubeconfig.</param>
    /// <param name="ns">The namespace of the run's Services, written to as the host wrote.</param>
    /// <param name="postgres">The host's PostgreSQL journal, or null for SQLite.</param>
    public static async Task<ScaleFloor> MeasureAsync(BenchOptions options, string kubeconfig, string ns, string? postgres, long journalWrites, long kubernetesWrites)
    {
        var window = options.Smoke ? TimeSpan.FromSeconds(1) : TimeSpan.FromSeconds(5);
        var journal = await JournalBenchmark.RunAsync("", window, postgres);
        var api = await Bench.ApiWriteRate.MeasureAsync(kubeconfig, ns, options.Services, window);
        return new ScaleFloor(journalWrites, journal.WritesPerSecond, kubernetesWrites, api);
    }

    public override string ToString() =>
        $"floor {Seconds:F1} s = {JournalWrites} journal writes at {JournalCeiling:F0}/s ({JournalSeconds:F1} s) + " +
        $"{KubernetesWrites} Kubernetes writes at {ApiWriteRate:F0}/s ({KubernetesSeconds:F1} s)";
}
