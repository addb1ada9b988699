using System.Diagnostics;
using System.Text.Json;

namespace DirectLB.Bench;

/// <summary>
/// One run of this bench in a fresh child process (<c>COMMAND --repeat 1 --results FILE</c>, the same build), which
/// writes what it measured as JSON for the parent to read: what a fresh process measures, without the heap, the
/// compiled code and the pools that the parent's earlier runs left behind.
/// </summary>
public static class ChildRun
{
    private static readonly TimeSpan Timeout = TimeSpan.FromMinutes(10);

    /// <summary>
    /// Runs the child and returns what it wrote. <paramref name="echo"/>: the prefix of the child's output lines that
    /// are echoed, with <paramref name="name"/> before them. A child exits 1 when its run did not converge: a result
    /// (in its JSON), not a failure to run.
    /// </summary>
    public static async Task<T> RunAsync<T>(IEnumerable<string> arguments, string name, string echo)
    {
        var results = Path.Combine(Path.GetTempPath(), $"directlb-child-{Guid.NewGuid():N}.json");
        try
        {
            await RunChildAsync([.. arguments, "--repeat", "1", "--results", results], name, echo);
            return JsonSerializer.Deserialize<T>(await File.ReadAllTextAsync(results))
                ?? throw new InvalidOperationException($"{name}: the child process wrote no result to {results}");
        }
        finally
        {
            File.Delete(results);
        }
    }

    /// <summary>What a child does with its run: writes it as JSON to <paramref name="path"/>, read back by <see cref="RunAsync{T}"/>.</summary>
    public static Task WriteAsync<T>(string path, T run) => File.WriteAllTextAsync(path, JsonSerializer.Serialize(run));

    private static async Task RunChildAsync(IReadOnlyList<string> arguments, string name, string echo)
    {
        var info = SelfProcess.StartInfo(arguments);
        info.RedirectStandardOutput = true;
        info.RedirectStandardError = true;

        using var child = Process.Start(info) ?? throw new InvalidOperationException($"{name}: the child process did not start");
        var output = new List<string>();
        child.OutputDataReceived += (_, e) => Collect(e.Data, echoed: true);
        child.ErrorDataReceived += (_, e) => Collect(e.Data, echoed: false);
        child.BeginOutputReadLine();
        child.BeginErrorReadLine();
        using var timeout = new CancellationTokenSource(Timeout);
        try
        {
            await child.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            child.Kill(entireProcessTree: true);
            throw new TimeoutException($"{name}: the child process did not finish within {Timeout.TotalMinutes:F0} min");
        }

        if (child.ExitCode is not (0 or 1))
        {
            lock (output)
            {
                throw new InvalidOperationException($"{name}: the child process exited with {child.ExitCode}:\n{string.Join('\n', output.TakeLast(40))}");
            }
        }

        void Collect(string? line, bool echoed)
        {
            if (line is null)
            {
                return;
            }

            lock (output)
            {
                output.Add(line);
            }

            if (echoed && line.StartsWith(echo, StringComparison.Ordinal))
            {
                Console.WriteLine($"{name}: {line}");
            }
        }
    }
}
