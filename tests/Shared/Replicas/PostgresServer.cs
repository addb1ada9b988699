using System.Diagnostics;
using DirectLB.EndToEnd.Tests.Support;
using Npgsql;

namespace DirectLB.Tests.Shared.Replicas;

/// <summary>
/// A private PostgreSQL cluster (the Debian package's binaries) in a temporary directory, on a free loopback
/// port, started as the postgres user when the tests run as root. Gone with its data when disposed.
/// </summary>
public sealed class PostgresServer : IAsyncDisposable
{
    private static readonly object LogGate = new();
    private readonly string _directory;
    private readonly ProcessStartInfo _postmasterInfo;
    private Process _postmaster = null!;

    private PostgresServer(string directory, ProcessStartInfo postmasterInfo, int port)
    {
        _directory = directory;
        _postmasterInfo = postmasterInfo;
        ConnectionString = $"Host=127.0.0.1;Port={port};Username=postgres;Database=postgres;Pooling=true;Timeout=5";
    }

    public string ConnectionString { get; }

    public static async Task<PostgresServer> StartAsync()
    {
        var bin = BinDirectory();
        var directory = Directory.CreateTempSubdirectory("directlb-pg-").FullName;
        var data = Path.Combine(directory, "data");
        if (Environment.UserName == "root")
        {
            await RunToEndAsync("chown", ["postgres:postgres", directory], asPostgres: false);
        }

        await RunToEndAsync(Path.Combine(bin, "initdb"), ["-D", data, "-A", "trust", "-U", "postgres", "-E", "UTF8", "--no-sync"], asPostgres: true);

        var port = FreePort.Next();
        var info = StartInfo(
            Path.Combine(bin, "postgres"),
            ["-D", data, "-p", port.ToString(), "-k", directory, "-c", "listen_addresses=127.0.0.1", "-c", "fsync=off", "-c", "max_connections=200"],
            asPostgres: true);
        info.RedirectStandardOutput = true;
        info.RedirectStandardError = true;
        var server = new PostgresServer(directory, info, port);
        await server.StartAgainAsync();
        return server;
    }

    /// <summary>Starts the server on its data directory and port, and waits until it accepts connections.</summary>
    public async Task StartAgainAsync()
    {
        _postmaster = new Process { StartInfo = _postmasterInfo };
        var log = Path.Combine(_directory, "postgres.log");
        _postmaster.ErrorDataReceived += (_, e) => Append(log, e.Data);
        _postmaster.OutputDataReceived += (_, e) => Append(log, e.Data);
        _postmaster.Start();
        _postmaster.BeginOutputReadLine();
        _postmaster.BeginErrorReadLine();
        await Eventually.Until(AnswersAsync, $"PostgreSQL accepts connections (its log: {log})", TimeSpan.FromSeconds(60));
    }

    /// <summary>
    /// A fast shutdown (SIGINT to the postmaster, whose pid is in postmaster.pid, under runuser): every client
    /// connection is cut, as in an outage, and the data stays for <see cref="StartAgainAsync"/>.
    /// </summary>
    public async Task StopAsync()
    {
        if (!_postmaster.HasExited)
        {
            var pid = File.ReadLines(Path.Combine(_directory, "data", "postmaster.pid")).First();
            await RunToEndAsync("kill", ["-INT", pid], asPostgres: false);
            await _postmaster.WaitForExitAsync();
        }

        _postmaster.Dispose();
        NpgsqlConnection.ClearAllPools();
    }

    private static void Append(string path, string? line)
    {
        if (line is not null)
        {
            lock (LogGate)
            {
                File.AppendAllLines(path, [line]);
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        Directory.Delete(_directory, recursive: true);
    }

    private async Task<bool> AnswersAsync()
    {
        try
        {
            await using var connection = new NpgsqlConnection(ConnectionString);
            await connection.OpenAsync();
            return true;
        }
        catch (NpgsqlException)
        {
            return false;
        }
    }

    /// <summary>The newest installed server version's binaries (Debian keeps them out of PATH); throws when there are none.</summary>
    public static string BinDirectory() =>
        (Directory.Exists("/usr/lib/postgresql") ? Directory.GetDirectories("/usr/lib/postgresql") : [])
            .Select(d => Path.Combine(d, "bin"))
            .Where(d => File.Exists(Path.Combine(d, "postgres")))
            .OrderByDescending(d => int.TryParse(Path.GetFileName(Path.GetDirectoryName(d)), out var v) ? v : 0)
            .FirstOrDefault()
        ?? throw new InvalidOperationException("PostgreSQL is not installed: apt-get install postgresql (scripts/test.sh does it)");

    private static async Task RunToEndAsync(string file, string[] args, bool asPostgres)
    {
        var info = StartInfo(file, args, asPostgres);
        info.RedirectStandardOutput = true;
        info.RedirectStandardError = true;
        using var process = Process.Start(info)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var errors = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{file} failed ({process.ExitCode}): {await output}{await errors}");
        }
    }

    /// <summary>PostgreSQL refuses to run as root; as root, run it as the postgres user.</summary>
    private static ProcessStartInfo StartInfo(string file, string[] args, bool asPostgres)
    {
        var asRoot = Environment.UserName == "root";
        var info = new ProcessStartInfo(asPostgres && asRoot ? "runuser" : file) { UseShellExecute = false };
        if (asPostgres && asRoot)
        {
            foreach (var arg in new[] { "-u", "postgres", "--", file })
            {
                info.ArgumentList.Add(arg);
            }
        }

        foreach (var arg in args)
        {
            info.ArgumentList.Add(arg);
        }

        return info;
    }
}
