using System.Diagnostics;
using System.Net.Http.Json;

namespace DirectLB.Tests.Shared.Replicas;

/// <summary>
/// One DirectLB replica as a real process: <c>dotnet directlb.dll</c> with its own Akka and HTTP ports. Its output
/// goes to a log file that a failing test prints.
/// </summary>
public sealed class Replica : IAsyncDisposable
{
    private static readonly HttpClient Http = new() { Timeout = TimeSpan.FromSeconds(5) };

    private readonly Process _process;
    private readonly StreamWriter _log;

    private Replica(string name, int akkaPort, int httpPort, Process process, StreamWriter log, string logPath)
    {
        Name = name;
        AkkaPort = akkaPort;
        HttpPort = httpPort;
        _process = process;
        _log = log;
        LogPath = logPath;
    }

    public string Name { get; }

    public int AkkaPort { get; }

    public int HttpPort { get; }

    public string LogPath { get; }

    public bool HasExited => _process.HasExited;

    /// <summary>The operating system's id of the replica's process, e.g. to read its memory in /proc.</summary>
    public int ProcessId => _process.Id;

    public int ExitCode => _process.ExitCode;

    public static string SeedAddress(int akkaPort) => $"akka.tcp://directlb@127.0.0.1:{akkaPort}";

    /// <param name="binary">The <c>directlb.dll</c> to run; the Host's own build output if null.</param>
    /// <param name="customize">Changes the process to start (environment, working directory, user) once its arguments are set.</param>
    public static Replica Start(
        string name, int akkaPort, IEnumerable<string> args, string logDirectory, string? binary = null, Action<ProcessStartInfo>? customize = null)
    {
        var httpPort = FreePort.Next();
        var info = new ProcessStartInfo(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet")
        {
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var arg in (string[])[binary ?? HostBinary.Path, "--port", akkaPort.ToString(), "--listen", $"http://127.0.0.1:{httpPort}", .. args])
        {
            info.ArgumentList.Add(arg);
        }

        HostRuntime.ApplyTo(info);
        customize?.Invoke(info);
        var logPath = Path.Combine(logDirectory, $"{name}.log");
        var log = new StreamWriter(logPath) { AutoFlush = true };
        var process = new Process { StartInfo = info };
        process.OutputDataReceived += (_, e) => Write(log, e.Data);
        process.ErrorDataReceived += (_, e) => Write(log, e.Data);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return new Replica(name, akkaPort, httpPort, process, log, logPath);
    }

    /// <summary>SIGKILL: no coordinated shutdown, no hand-over; the others find out from the failure detector.</summary>
    public void Kill() => _process.Kill();

    /// <summary>SIGTERM, as Kubernetes stops a pod: the host leaves the Akka cluster and hands its shards over.</summary>
    public void Terminate()
    {
        using var kill = Process.Start("kill", ["-TERM", _process.Id.ToString()]);
        kill.WaitForExit();
        if (kill.ExitCode != 0)
        {
            throw new InvalidOperationException($"kill -TERM {_process.Id} failed ({kill.ExitCode})");
        }
    }

    public Task WaitForExitAsync(CancellationToken cancellationToken) => _process.WaitForExitAsync(cancellationToken);

    public Task<bool> IsReadyAsync() => AnswersReadyAsync($"http://127.0.0.1:{HttpPort}/");

    /// <summary>Whether the DirectLB process (a replica, an lb-agent) at <paramref name="root"/> answers <c>/readyz</c> with success.</summary>
    public static async Task<bool> AnswersReadyAsync(string root)
    {
        try
        {
            using var response = await Http.GetAsync($"{root}readyz");
            return response.IsSuccessStatusCode;
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
        {
            return false;
        }
    }

    /// <summary>The Services whose entities live on this replica, from its status API.</summary>
    public async Task<IReadOnlyList<OwnedService>> OwnedServicesAsync()
    {
        try
        {
            return await Http.GetFromJsonAsync<List<OwnedService>>($"http://127.0.0.1:{HttpPort}/api/services?local=true") ?? [];
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
        {
            return [];
        }
    }

    /// <summary>The member clusters' watch state as this replica's status API shows it, wherever the watchers run.</summary>
    public async Task<IReadOnlyList<WatchedCluster>> ClustersAsync()
    {
        try
        {
            return await Http.GetFromJsonAsync<List<WatchedCluster>>($"http://127.0.0.1:{HttpPort}/api/clusters") ?? [];
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
        {
            return [];
        }
    }

    /// <summary>How many members of the Akka cluster this replica sees Up.</summary>
    public async Task<int> UpMembersAsync() => (await MembersAsync()).Count(m => m.Status == "Up");

    /// <summary>The members of the Akka cluster as this replica sees them, whatever their status; none if it does not answer.</summary>
    public async Task<IReadOnlyList<ClusterMember>> MembersAsync()
    {
        try
        {
            return await Http.GetFromJsonAsync<List<ClusterMember>>($"http://127.0.0.1:{HttpPort}/api/replicas") ?? [];
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
        {
            return [];
        }
    }

    /// <summary>Everything the replica has logged so far.</summary>
    public string ReadLog()
    {
        using var reader = new StreamReader(new FileStream(LogPath, FileMode.Open, FileAccess.Read, FileShare.ReadWrite));
        return reader.ReadToEnd();
    }

    /// <summary>The end of the replica's log, for a failure message.</summary>
    public string Tail(int lines = 40)
    {
        var all = ReadLog().Split('\n');
        return $"--- {Name} (exited: {HasExited}) ---\n" + string.Join('\n', all.TakeLast(lines));
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }

        _process.Dispose();
        await _log.DisposeAsync();
    }

    private static void Write(StreamWriter log, string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (log)
        {
            log.WriteLine(line);
        }
    }
}

/// <summary>A member cluster's watcher as a replica's status API shows it.</summary>
public sealed record WatchedCluster(string ClusterId, bool Synced);

/// <summary>A member of the Akka cluster as a replica's status API lists it.</summary>
public sealed record ClusterMember(string Address, string Status);

/// <summary>A Service as a replica's status API lists it; with several load balancer nodes, each node's copy of its load balancer.</summary>
public sealed record OwnedService(string Key, bool InSync, int Serving, string? LastError, IReadOnlyList<NodeCopy>? Nodes = null);

/// <summary>One load balancer node's state for a Service, as the status API shows it.</summary>
public sealed record NodeCopy(string Node, string State, string? Detail);
