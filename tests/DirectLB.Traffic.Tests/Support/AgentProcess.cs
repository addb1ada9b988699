using System.Diagnostics;
using DirectLB.Tests.Shared.Replicas;

namespace DirectLB.Traffic.Tests.Support;

/// <summary>
/// <c>directlb lb-agent</c> as a real process on its own state directory and VIP pool. Killing it (SIGKILL) leaves
/// its HAProxy running, as a crash would; <see cref="KillHAProxyAsync"/> kills that HAProxy too, as losing the node would.
/// </summary>
public sealed class AgentProcess : IAsyncDisposable
{
    private readonly IReadOnlyList<string> _arguments;
    private DirectLbProcess _process;

    private AgentProcess(string name, string stateDirectory, string vipPool, int port, IReadOnlyList<string> arguments)
    {
        Name = name;
        StateDirectory = stateDirectory;
        VipPool = vipPool;
        Port = port;
        _arguments = arguments;
        _process = DirectLbProcess.Start(arguments);
    }

    public string Name { get; }

    public string StateDirectory { get; }

    public string VipPool { get; }

    public int Port { get; }

    /// <summary>What it printed since it was last started.</summary>
    public string Output => _process.Output;

    /// <summary>Starts an agent listening on 127.0.0.1:<paramref name="port"/>; <paramref name="extra"/> adds switches (TLS, token).</summary>
    public static AgentProcess Start(string name, string vipPool, int port, params string[] extra)
    {
        // Short: HAProxy's sockets live here, and a Unix socket path has at most 107 bytes.
        var state = Path.Combine(Path.GetTempPath(), "dlb-agent", Guid.NewGuid().ToString("N")[..10]);
        string[] arguments = ["lb-agent", "--listen", $"127.0.0.1:{port}", "--haproxy-state", state, "--vip-pool", vipPool, .. extra];
        return new AgentProcess(name, state, vipPool, port, arguments);
    }

    /// <summary>Whether the agent (plain HTTP) answers <c>/readyz</c>: it serves, and its HAProxy answers.</summary>
    public Task<bool> IsReadyAsync() => Replica.AnswersReadyAsync($"http://127.0.0.1:{Port}/");

    /// <summary>SIGKILL to the agent alone: its HAProxy keeps serving what it had.</summary>
    public Task KillAsync() => _process.KillAsync();

    /// <summary>Starts the agent again on the same state directory, as a supervisor would.</summary>
    public async Task RestartAsync()
    {
        await _process.DisposeAsync();
        _process = DirectLbProcess.Start(_arguments);
    }

    /// <summary>SIGKILL to the HAProxy master and its workers, whose pids are in the state directory's pid file and the process table.</summary>
    public async Task KillHAProxyAsync()
    {
        var master = int.Parse((await File.ReadAllTextAsync(Path.Combine(StateDirectory, "haproxy.pid"))).Trim());
        using var process = Process.GetProcessById(master);
        process.Kill(entireProcessTree: true);
        await process.WaitForExitAsync();
    }

    public async ValueTask DisposeAsync()
    {
        await _process.DisposeAsync();
        if (File.Exists(Path.Combine(StateDirectory, "haproxy.pid")))
        {
            try
            {
                await KillHAProxyAsync();
            }
            catch (ArgumentException)
            {
                // That HAProxy is gone already.
            }
        }

        Directory.Delete(StateDirectory, recursive: true);
    }
}
