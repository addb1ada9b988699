using System.Data.Common;
using DirectLB.Host.Configuration;
using Microsoft.Data.Sqlite;
using Npgsql;

namespace DirectLB.Host.Web;

/// <summary>
/// Whether the journal's database answers, for the readiness probe: a replica that cannot journal cannot act
/// (its entities never call the provider without a journaled intent), so it should not count as ready. The
/// answer is kept for a moment, so probes and scrapes do not open a connection each.
/// </summary>
public sealed class JournalProbe(DirectLbOptions options, TimeProvider clock)
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(2);
    private static readonly TimeSpan KeepFor = TimeSpan.FromSeconds(2);
    private readonly SemaphoreSlim _gate = new(1, 1);
    private (DateTimeOffset At, string? Problem)? _last;

    /// <summary>Null when the journal answers; otherwise why not.</summary>
    public async Task<string?> ProblemAsync()
    {
        await _gate.WaitAsync();
        try
        {
            if (_last is { } last && clock.GetUtcNow() - last.At < KeepFor)
            {
                return last.Problem;
            }

            var problem = await ProbeAsync();
            _last = (clock.GetUtcNow(), problem);
            return problem;
        }
        finally
        {
            _gate.Release();
        }
    }

    private async Task<string?> ProbeAsync()
    {
        DbProviderFactory factory = options.Journal.Provider == "postgresql" ? NpgsqlFactory.Instance : SqliteFactory.Instance;
        using var timeout = new CancellationTokenSource(Timeout);
        try
        {
            await using var connection = factory.CreateConnection()!;
            connection.ConnectionString = options.Journal.ConnectionString;
            await connection.OpenAsync(timeout.Token);
            await using var command = connection.CreateCommand();
            command.CommandText = "SELECT 1";
            await command.ExecuteScalarAsync(timeout.Token);
            return null;
        }
        catch (Exception ex) when (ex is DbException or OperationCanceledException or TimeoutException or InvalidOperationException)
        {
            // Driver messages name the server at most, never the connection string, which may hold a password.
            return $"the {options.Journal.Provider} journal does not answer: {ex.Message}";
        }
    }
}
