using System.Diagnostics;
using Microsoft.Extensions.Logging;

namespace DirectLB.Providers.HAProxy;

/// <summary>
/// The HAProxy that DirectLB runs itself (own mode): a master-worker process started from the state
/// directory, adopted when a previous DirectLB left it running, restarted when it died. What it prints is
/// logged and its last lines are kept for exception messages.
/// </summary>
internal sealed class HAProxyProcess(HAProxyBinary binary, HAProxyProviderOptions options, MasterCli master, ILogger logger)
{
    private const int OutputLinesKept = 30;
    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(50);

    private readonly Queue<string> _output = new();
    private Process? _child;

    /// <summary>
    /// What HAProxy printed since <see cref="ForgetOutput"/>, for error messages: its alerts when it raised
    /// any (they say what failed), else its last few lines.
    /// </summary>
    public string RecentOutput()
    {
        lock (_output)
        {
            var alerts = _output.Where(l => l.Contains("[ALERT]", StringComparison.Ordinal)).ToList();
            var lines = alerts.Count > 0 ? alerts : _output.TakeLast(5).ToList();
            return lines.Count == 0 ? "HAProxy printed nothing." : "HAProxy said: " + string.Join(" | ", lines);
        }
    }

    /// <summary>Starts a new operation's record, so its failure is not explained by an older one's output.</summary>
    public void ForgetOutput()
    {
        lock (_output)
        {
            _output.Clear();
        }
    }

    /// <summary>Starts HAProxy unless a master already answers on the master socket. True when it started one.</summary>
    /// <exception cref="ProviderException">HAProxy exited or did not come up in time, with what it printed.</exception>
    public async Task<bool> EnsureRunningAsync(CancellationToken cancellationToken)
    {
        if (await master.TryShowProcAsync(cancellationToken) is { Workers.Count: > 0 })
        {
            return false;
        }

        // A master that no longer answers but still lives (hung, or mid-exit) would hold the ports: end it first.
        await StopAsync(cancellationToken);
        ForgetOutput();

        _child = binary.Start(["-W", "-S", $"{options.ResolvedMasterSocket},mode,600", "-f", options.ResolvedConfigPath, "-p", options.PidFilePath], redirectOutput: true);
        _child.OutputDataReceived += (_, line) => Record(line.Data);
        _child.ErrorDataReceived += (_, line) => Record(line.Data);
        _child.BeginOutputReadLine();
        _child.BeginErrorReadLine();
        logger.LogInformation("Started HAProxy master {Pid} with {Config}", _child.Id, options.ResolvedConfigPath);

        var deadline = Stopwatch.StartNew();
        while (deadline.Elapsed < options.StartTimeout)
        {
            await Task.Delay(PollInterval, cancellationToken);
            if (_child.HasExited)
            {
                // Give the output pump a moment to drain what the dying process wrote.
                await _child.WaitForExitAsync(cancellationToken);
                throw new ProviderException($"HAProxy exited with code {_child.ExitCode} while starting. {RecentOutput()}");
            }

            if (await master.TryShowProcAsync(cancellationToken) is { Workers.Count: > 0 })
            {
                return true;
            }
        }

        throw new ProviderException($"HAProxy did not answer on {options.ResolvedMasterSocket} within {options.StartTimeout.TotalSeconds:0.#} s. {RecentOutput()}");
    }

    /// <summary>Stops the master (its workers follow it when it dies), whether DirectLB started it or adopted it.</summary>
    public async Task StopAsync(CancellationToken cancellationToken)
    {
        var pid = (await master.TryShowProcAsync(cancellationToken))?.MasterPid ?? PidFromFile() ?? _child?.Id;
        if (pid is not null && TryGetHAProxy(pid.Value) is { } process)
        {
            using (process)
            {
                process.Kill(entireProcessTree: true);
                await process.WaitForExitAsync(cancellationToken);
                logger.LogInformation("Stopped HAProxy master {Pid}", pid);
            }
        }

        // A pid file naming a dead process would make the next DirectLB look for an HAProxy that is gone.
        File.Delete(options.PidFilePath);
        _child?.Dispose();
        _child = null;
    }

    private void Record(string? line)
    {
        if (string.IsNullOrWhiteSpace(line))
        {
            return;
        }

        logger.LogInformation("haproxy: {Line}", line);
        lock (_output)
        {
            _output.Enqueue(line.Trim());
            while (_output.Count > OutputLinesKept)
            {
                _output.Dequeue();
            }
        }
    }

    private int? PidFromFile() =>
        File.Exists(options.PidFilePath) && int.TryParse(File.ReadAllText(options.PidFilePath).Trim(), out var pid) ? pid : null;

    /// <summary>The process when it still runs and is an haproxy: a stale pid file may name a recycled pid.</summary>
    private static Process? TryGetHAProxy(int pid)
    {
        try
        {
            var process = Process.GetProcessById(pid);
            if (!process.HasExited && process.ProcessName.Contains("haproxy", StringComparison.Ordinal))
            {
                return process;
            }

            process.Dispose();
            return null;
        }
        catch (ArgumentException)
        {
            return null;
        }
    }
}
