using System.Diagnostics;

namespace DirectLB.Bench;

/// <summary>One cold start in a fresh bench process, and how contended the machine's CPU was meanwhile.</summary>
/// <param name="Journal">"SQLite" or "PostgreSQL".</param>
/// <param name="Started">When the child process started (UTC).</param>
/// <param name="CpuStalled">
/// The share of the child's wall time in which some task on the machine waited for a CPU (<c>/proc/pressure/cpu</c>
/// "some"); null where the kernel does not report pressure.
/// </param>
public sealed record ColdStart(string Journal, DateTime Started, ScaleRun Run, double? CpuStalled);

/// <summary>
/// Issue 17 judges the cold start in each of five runs, each in a fresh process: a process that has already run one
/// has its code compiled, its pools filled and its heap grown. So each run here is a child process of this bench
/// (<see cref="ChildRun"/>: <c>cold</c> with the same sizes), which writes its <see cref="ScaleRun"/> as JSON.
/// </summary>
public static class ColdStarts
{
    public static async Task<IReadOnlyList<ColdStart>> RunAsync(BenchOptions options, bool postgres)
    {
        var journal = postgres ? "PostgreSQL" : "SQLite";
        var runs = new List<ColdStart>();
        for (var i = 1; i <= options.ColdRuns; i++)
        {
            var started = DateTime.UtcNow;
            var stalledBefore = CpuStallMicroseconds();
            var clock = Stopwatch.StartNew();
            var run = await ChildRun.RunAsync<ScaleRun>(ChildArguments(options, postgres), $"cold {journal} {i}/{options.ColdRuns}", echo: "scale");
            var wall = clock.Elapsed;
            var stalled = CpuStallMicroseconds() - stalledBefore;
            runs.Add(new ColdStart(journal, started, run, stalled / (wall.TotalMilliseconds * 1000)));
            Console.WriteLine($"cold {journal} {i}/{options.ColdRuns}: {(run.Converged ? "converged" : "NOT converged")} in {run.Seconds:F1} s, floor {run.Floor.Seconds:F1} s, {run.FloorRatio:F2} x");
        }

        return runs;
    }

    private static List<string> ChildArguments(BenchOptions options, bool postgres)
    {
        List<string> arguments = ["cold"];
        // Smoke sizes, poll and floor windows come with --smoke itself; otherwise the parent's sizes.
        arguments.AddRange(options.Smoke
            ? ["--smoke"]
            : ["--services", options.Services.ToString(), "--endpoints", options.Endpoints.ToString()]);
        if (postgres)
        {
            arguments.Add("--postgres");
        }

        return arguments;
    }

    /// <summary>Microseconds in which some task on the machine waited for a CPU since boot; null where not reported.</summary>
    private static double? CpuStallMicroseconds()
    {
        const string pressure = "/proc/pressure/cpu";
        if (!File.Exists(pressure))
        {
            return null;
        }

        var some = File.ReadLines(pressure).FirstOrDefault(l => l.StartsWith("some", StringComparison.Ordinal)) ?? "";
        var total = some.Split(' ').FirstOrDefault(f => f.StartsWith("total=", StringComparison.Ordinal));
        return total is null ? null : double.Parse(total["total=".Length..], System.Globalization.CultureInfo.InvariantCulture);
    }
}
