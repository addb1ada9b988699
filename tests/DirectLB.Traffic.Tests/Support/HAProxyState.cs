using System.Diagnostics;
using System.Globalization;
using DirectLB.EndToEnd.Tests.Support;
using DirectLB.Providers.HAProxy;

namespace DirectLB.Traffic.Tests.Support;

/// <summary>One server as the running HAProxy has it: what DirectLB's changes actually did.</summary>
public sealed record HAProxyServer(string Backend, string Address, int Port, int Weight, bool Draining, bool InMaintenance, bool Up)
{
    /// <summary>Takes new connections: up, not draining, not in maintenance.</summary>
    public bool Serving => Up && !Draining && !InMaintenance;
}

/// <summary>
/// The HAProxy that DirectLB runs from a state directory, seen from outside: its servers through the runtime API
/// (admin.sock), and its master through the pid file, so a test can kill it whoever started it.
/// </summary>
public sealed class HAProxyState(string stateDirectory)
{
    // "show servers state" columns (management guide): srv_op_state 2 is running; srv_admin_state bits 0x01 forced maintenance, 0x08 drain.
    private const int Running = 2;
    private const int ForcedMaintenance = 0x01;
    private const int ForcedDrain = 0x08;

    public string Directory { get; } = stateDirectory;

    public string AdminSocket => Path.Combine(Directory, "admin.sock");

    private string PidFile => Path.Combine(Directory, "haproxy.pid");

    /// <summary>The servers of the backend that serves front port <paramref name="servicePort"/>.</summary>
    /// <exception cref="InvalidOperationException">HAProxy's runtime API does not answer.</exception>
    public async Task<IReadOnlyList<HAProxyServer>> ServersAsync(int servicePort) =>
        await TryServersAsync(servicePort) ?? throw new InvalidOperationException($"HAProxy's runtime API at {AdminSocket} does not answer");

    /// <summary>
    /// The servers of the backend that serves front port <paramref name="servicePort"/>, or null while HAProxy
    /// does not answer: a condition on them is then not met, rather than met by an empty list.
    /// </summary>
    public async Task<IReadOnlyList<HAProxyServer>?> TryServersAsync(int servicePort)
    {
        string dump;
        try
        {
            dump = await new RuntimeApiClient(AdminSocket, TimeSpan.FromSeconds(5)).SendAsync("show servers state", CancellationToken.None);
        }
        catch (DirectLB.Providers.ProviderException)
        {
            return null;
        }

        var lines = dump.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        if (lines.Length < 2 || !lines[1].StartsWith('#'))
        {
            return null;
        }

        var columns = lines[1].TrimStart('#').Split(' ', StringSplitOptions.RemoveEmptyEntries);
        int Column(string name) => Array.IndexOf(columns, name);
        var (backend, address, port, weight, op, admin) =
            (Column("be_name"), Column("srv_addr"), Column("srv_port"), Column("srv_uweight"), Column("srv_op_state"), Column("srv_admin_state"));
        return lines.Skip(2)
            .Where(l => !l.StartsWith('#'))
            .Select(l => l.Split(' '))
            .Where(f => f[backend].EndsWith($"-{servicePort}", StringComparison.Ordinal))
            .Select(f =>
            {
                var adminState = Number(f[admin]);
                return new HAProxyServer(f[backend], f[address], Number(f[port]), Number(f[weight]),
                    (adminState & ForcedDrain) != 0, (adminState & ForcedMaintenance) != 0, Number(f[op]) == Running);
            })
            .ToList();
    }

    /// <summary>The pid of the worker that answers the runtime API (a new one after every reload), or null while none answers.</summary>
    public async Task<int?> WorkerPidAsync()
    {
        try
        {
            var info = await new RuntimeApiClient(AdminSocket, TimeSpan.FromSeconds(5)).SendAsync("show info", CancellationToken.None);
            var line = info.Split('\n').FirstOrDefault(l => l.StartsWith("Pid:", StringComparison.Ordinal));
            return line is null ? null : Number(line["Pid:".Length..].Trim());
        }
        catch (DirectLB.Providers.ProviderException)
        {
            return null;
        }
    }

    /// <summary>
    /// Waits until the Service's servers match its pods: ready pods serving, terminating ones draining or already
    /// removed, starting and gone ones absent, and nothing else there.
    /// </summary>
    public Task MatchesAsync(int servicePort, PodSet pods, TimeSpan? deadline = null) =>
        Eventually.Until(async () =>
        {
            if (await TryServersAsync(servicePort) is not { } running)
            {
                return false;
            }

            var servers = running.ToDictionary(s => $"{s.Address}:{s.Port}");
            var everyone = pods.Everyone.ToDictionary(p => $"{p.Address}:{p.Port}");
            return servers.Keys.All(everyone.ContainsKey)
                && everyone.All(p => p.Value.Phase switch
                {
                    PodPhase.Ready => servers.TryGetValue(p.Key, out var s) && s.Serving,
                    PodPhase.Terminating => !servers.TryGetValue(p.Key, out var s) || s.Draining,
                    _ => !servers.ContainsKey(p.Key),
                });
        }, $"HAProxy's servers for port {servicePort} match the pods' conditions", deadline);

    /// <summary>The master's pid, or null when no pid file names a live HAProxy.</summary>
    public int? MasterPid()
    {
        if (!File.Exists(PidFile) || !int.TryParse(File.ReadAllText(PidFile).Trim(), CultureInfo.InvariantCulture, out var pid))
        {
            return null;
        }

        try
        {
            using var process = Process.GetProcessById(pid);
            return !process.HasExited && process.ProcessName.Contains("haproxy", StringComparison.Ordinal) ? pid : null;
        }
        catch (ArgumentException)
        {
            return null;
        }
    }

    /// <summary>Kills the master and its workers, whoever started them: DirectLB leaves HAProxy running on purpose.</summary>
    public async Task KillAsync()
    {
        if (MasterPid() is { } pid)
        {
            using var process = Process.GetProcessById(pid);
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
        }
    }

    private static int Number(string text) => int.Parse(text, CultureInfo.InvariantCulture);
}
