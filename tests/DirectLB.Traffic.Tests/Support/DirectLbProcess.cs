using System.Diagnostics;
using System.Text;

namespace DirectLB.Traffic.Tests.Support;

/// <summary>
/// DirectLB as a real process: <c>dotnet directlb.dll ARGS</c>, the build output the Host project reference puts
/// next to this test assembly. It can be killed with SIGKILL, which leaves HAProxy (its child) running, as a
/// crash or an OOM kill would. Its output is kept for the test log.
/// </summary>
public sealed class DirectLbProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _output = new();

    private DirectLbProcess(Process process)
    {
        _process = process;
        _process.OutputDataReceived += (_, line) => Keep(line.Data);
        _process.ErrorDataReceived += (_, line) => Keep(line.Data);
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
    }

    /// <summary>Everything it printed so far.</summary>
    public string Output
    {
        get
        {
            lock (_output)
            {
                return _output.ToString();
            }
        }
    }

    public static DirectLbProcess Start(IEnumerable<string> args)
    {
        var dll = Path.Combine(AppContext.BaseDirectory, "directlb.dll");
        if (!File.Exists(dll) || !File.Exists(Path.ChangeExtension(dll, ".runtimeconfig.json")))
        {
            throw new FileNotFoundException($"{dll} (with its runtimeconfig.json) is missing; the Host project reference should have copied it", dll);
        }

        // The dotnet that runs these tests, so the child runs on the same runtime.
        var start = new ProcessStartInfo(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(dll);
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        return new DirectLbProcess(Process.Start(start) ?? throw new InvalidOperationException("dotnet did not start"));
    }

    /// <summary>Runs DirectLB until it exits by itself, for start failures; kills it after <paramref name="timeout"/>.</summary>
    public static async Task<(int ExitCode, string Output)> RunToExitAsync(IEnumerable<string> args, TimeSpan timeout)
    {
        await using var process = Start(args);
        using var deadline = new CancellationTokenSource(timeout);
        await process._process.WaitForExitAsync(deadline.Token);
        return (process._process.ExitCode, process.Output);
    }

    /// <summary>SIGKILL to DirectLB alone: no shutdown hook runs, and HAProxy, its child, lives on.</summary>
    public async Task KillAsync()
    {
        _process.Kill(entireProcessTree: false);
        await _process.WaitForExitAsync();
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            await KillAsync();
        }

        // Wait for the output pumps to drain what the process wrote before it ended.
        await _process.WaitForExitAsync();
        _process.Dispose();
    }

    private void Keep(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_output)
        {
            _output.AppendLine(line);
        }
    }
}
