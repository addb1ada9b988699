using System.Diagnostics;
using System.Text.Json;

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
/// (<c>cold --results FILE</c>, the same build and sizes), which writes its <see cref="ScaleRun"/> as JSON.
/// </summary>
public static class ColdStarts
{
    private static readonly TimeSpan ChildTimeout = TimeSpan.FromMinutes(10);

    public static async Task<IReadOnlyList<ColdStart>> RunAsync(BenchOptions options, bool postgres)
    {
        var journal = postgres ? "PostgreSQL" : "SQLite";
        var runs = new List<ColdStart>();
        for (var i = 1; i <= options.ColdRuns; i++)
        {
            var results = Path.Combine(Path.GetTempPath(), $"directlb-cold-{Guid.NewGuid():N}.json");
            try
            {
                var started = DateTime.UtcNow;
                var stalledBefore = CpuStallMicroseconds();
                var clock = Stopwatch.StartNew();
                await RunChildAsync(ChildArguments(options, postgres, results), $"cold {journal} {i}/{options.ColdRuns}");
                var wall = clock.Elapsed;
                var stalled = CpuStallMicroseconds() - stalledBefore;
                var run = JsonSerializer.Deserialize<ScaleRun>(await File.ReadAllTextAsync(results))
                    ?? throw new InvalidOperationException($"the cold run wrote no result to {results}");
                runs.Add(new ColdStart(journal, started, run, stalled / (wall.TotalMilliseconds * 1000)));
                Console.WriteLine($"cold {journal} {i}/{options.ColdRuns}: {(run.Converged ? "converged" : "NOT converged")} in {run.Seconds:F1} s, floor {run.Floor.Seconds:F1} s, {run.FloorRatio:F2} x");
            }
            finally
            {
                File.Delete(results);
            }
        }

        return runs;
    }

    /// <summary>What a child does with its run: writes it as JSON to <paramref name="path"/>, read back by <see cref="RunAsync"/>.</summary>
    public static Task WriteAsync(string path, ScaleRun run) => File.WriteAllTextAsync(path, JsonSerializer.Serialize(run));

    private static List<string> ChildArguments(BenchOptions options, bool postgres, string results)
    {
        List<string> arguments = ["cold", "--repeat", "1", "--results", results];
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

    private static async Task RunChildAsync(IReadOnlyList<string> arguments, string name)
    {
        var info = SelfProcess.StartInfo(arguments);
        info.RedirectStandardOutput = true;
        info.RedirectStandardError = true;

        using var child = Process.Start(info) ?? throw new InvalidOperationException($"{name}: the child process did not start");
        var output = new List<string>();
        child.OutputDataReceived += (_, e) => Collect(e.Data, echo: true);
        child.ErrorDataReceived += (_, e) => Collect(e.Data, echo: false);
        child.BeginOutputReadLine();
        child.BeginErrorReadLine();
        using var timeout = new CancellationTokenSource(ChildTimeout);
        try
        {
            await child.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            child.Kill(entireProcessTree: true);
            throw new TimeoutException($"{name}: the child process did not finish within {ChildTimeout.TotalMinutes:F0} min");
        }

        // The child exits 1 when its run did not converge: that is a result (in its JSON), not a failure to run.
        if (child.ExitCode is not (0 or 1))
        {
            lock (output)
            {
                throw new InvalidOperationException($"{name}: the child process exited with {child.ExitCode}:\n{string.Join('\n', output.TakeLast(40))}");
            }
        }

        void Collect(string? line, bool echo)
        {
            if (line is null)
            {
                return;
            }

            lock (output)
            {
                output.Add(line);
            }

            if (echo && line.StartsWith("scale", StringComparison.Ordinal))
            {
                Console.WriteLine($"{name}: {line}");
            }
        }
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
