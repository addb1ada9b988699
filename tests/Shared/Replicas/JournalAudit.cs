using System.Text.Json;
using Npgsql;

namespace DirectLB.Tests.Shared.Replicas;

/// <summary>
/// Reads the entities' journal in PostgreSQL and checks that every intent (<c>operation-started.v1</c>) was either
/// completed (its outcome is the next event) or safely redone: an intent left without outcome by a crash must be
/// followed by a read-back of the load balancer (<c>observe-lb</c>), which the new owner does before anything else,
/// and which itself completes. The last event of an entity is never an open intent.
/// </summary>
public static class JournalAudit
{
    private const string Started = "operation-started.v1";

    public static async Task<JournalAuditResult> RunAsync(string connectionString)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var query = new NpgsqlCommand(
            "SELECT persistence_id, sequence_number, manifest, message FROM journal WHERE persistence_id LIKE 'ServiceLoadBalancer-%' ORDER BY persistence_id, sequence_number",
            connection);
        await using var reader = await query.ExecuteReaderAsync();
        var problems = new List<string>();
        var events = 0;
        var redone = 0;
        string? id = null;
        (long Sequence, string Manifest)? previous = null;
        while (await reader.ReadAsync())
        {
            events++;
            var (pid, sequence, manifest) = (reader.GetString(0), reader.GetInt64(1), reader.GetString(2));
            if (pid != id)
            {
                CheckLast(id, previous, problems);
                (id, previous) = (pid, null);
            }
            else if (previous is { Manifest: Started } open && manifest == Started)
            {
                if (OperationOf((byte[])reader[3]) == "observe-lb")
                {
                    redone++;
                }
                else
                {
                    problems.Add($"{pid}: intent #{open.Sequence} has no outcome, and #{sequence} acted without reading the load balancer back");
                }
            }

            previous = (sequence, manifest);
        }

        CheckLast(id, previous, problems);
        return new JournalAuditResult(events, redone, problems);
    }

    private static string? OperationOf(byte[] payload)
    {
        using var json = JsonDocument.Parse(payload);
        return json.RootElement.GetProperty("operation").GetProperty("op").GetString();
    }

    private static void CheckLast(string? id, (long Sequence, string Manifest)? last, List<string> problems)
    {
        if (id is not null && last is { Manifest: Started } open)
        {
            problems.Add($"{id}: intent #{open.Sequence} has no outcome");
        }
    }
}

/// <summary>How many events were read, how many in-doubt intents were redone by a read-back, and what is wrong.</summary>
public sealed record JournalAuditResult(int Events, int RedoneIntents, IReadOnlyList<string> Problems);
