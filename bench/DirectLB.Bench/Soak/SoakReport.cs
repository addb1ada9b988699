using System.Text;

namespace DirectLB.Bench.Soak;

/// <summary>
/// Runs the soak, prints its one line, and writes its section of docs/reliability.md (between the soak markers;
/// appended when there are none). Exit code 1 when a problem was found.
/// </summary>
public static class SoakReport
{
    private const string Begin = "<!-- soak:begin (written by bench/DirectLB.Bench soak) -->";
    private const string End = "<!-- soak:end -->";

    public static async Task<int> RunAndWriteAsync(BenchOptions options, string[] args)
    {
        var run = await SoakBenchmark.RunAsync(options);
        Console.WriteLine(run.Line);
        if (options.DocsDir is { } docs)
        {
            Directory.CreateDirectory(docs);
            var path = Path.Combine(docs, "reliability.md");
            var existing = File.Exists(path) ? await File.ReadAllTextAsync(path) : "# Reliability\n";
            await File.WriteAllTextAsync(path, Replace(existing, Render(run, args, MachineInfo.Collect())));
            Console.WriteLine($"wrote the soak section of {path}");
        }

        foreach (var problem in run.Problems)
        {
            Console.Error.WriteLine($"FAILED: {problem}");
        }

        foreach (var exit in run.SelfExits)
        {
            Console.Error.WriteLine($"self-exit: {exit}");
        }

        return run.Problems.Count == 0 ? 0 : 1;
    }

    private static string Replace(string document, string section)
    {
        var begin = document.IndexOf(Begin, StringComparison.Ordinal);
        var end = document.IndexOf(End, StringComparison.Ordinal);
        return begin >= 0 && end > begin
            ? document[..begin] + section + document[(end + End.Length)..]
            : document.TrimEnd() + "\n\n" + section + "\n";
    }

    private static string Render(SoakRun run, string[] args, MachineInfo machine)
    {
        var md = new StringBuilder();
        md.AppendLine(Begin);
        md.AppendLine($"### The last run ({DateTime.UtcNow:yyyy-MM-dd}, {machine.Cores} cores, {machine.Cpu}, {machine.Memory}, {machine.Runtime})");
        md.AppendLine();
        md.AppendLine("```");
        md.AppendLine($"dotnet run --project bench/DirectLB.Bench -c Release -- {string.Join(' ', args)}");
        md.AppendLine(run.Line);
        md.AppendLine("```");
        md.AppendLine();
        md.AppendLine($"- Workload: {run.Workload}.");
        md.AppendLine($"- The cloud: {run.ProviderFaults} (Retry-After {run.Chaos.ThrottleRetryAfter.TotalSeconds:F0} s; slow calls {run.Chaos.SlowLatency.TotalSeconds:F0} s).");
        md.AppendLine(run.Rss is { } rss
            ? $"- Replica RSS (mean of the replicas up for a minute or more, sampled every 5 s): {rss.MeanMiB:F0} MiB, slope {rss.SlopePerHour:+0.0;-0.0} MiB/h, {rss.RiseMiB:+0;-0} MiB over the run; the replica process warm for the longest: {run.LongestLivedReplica}."
            : "- Replica RSS: no warm sample.");
        md.AppendLine(run.SelfExits.Count == 0
            ? "- No replica exited by itself."
            : $"- Replicas that exited by themselves (started again, as a kubelet would): {run.SelfExits.Count}: {string.Join("; ", run.SelfExits.Select(e => e.Split('\n')[0]))}.");
        md.AppendLine(run.Problems.Count == 0 ? "- Result: the books balance." : $"- Result: FAILED: {string.Join("; ", run.Problems)}");
        md.AppendLine();
        md.AppendLine("The faults that ran, in order (seconds after the faults began):");
        md.AppendLine();
        md.AppendLine("```");
        foreach (var fault in run.FaultsRan)
        {
            md.AppendLine(fault);
        }

        md.AppendLine("```");
        md.Append(End);
        return md.ToString();
    }
}
