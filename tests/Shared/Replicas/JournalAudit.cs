using System.Text.Json;
using Npgsql;

namespace DirectLB.Tests.Shared.Replicas;

/// <summary>
/// Reads the entities' journal in PostgreSQL and checks that every intent (<c>operation-started.v1</c>) was either
/// completed (its outcome is the next event), confirmed by the next intent (a targets change, whose success the next
/// intent carries as <c>confirms</c>), or safely redone: an intent left without outcome by a crash must be followed by
/// a read-back of the load balancer (<c>lb-observed.v1</c>, or <c>observe-lb</c> before 2026-11-25), which the new
/// owner does before anything else, or covered by a snapshot (its row is marked deleted). The last event of an entity
/// is never an open intent, but for a targets change, which stays open until the next intent confirms it (a restart
/// reads it back).
/// </summary>
public static class JournalAudit
{
    private const string Started = "operation-started.v1";
    private const string Observed = "lb-observed.v1";
    private const string ChangeTargets = "change-targets";

    public static async Task<JournalAuditResult> RunAsync(string connectionString)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var query = new NpgsqlCommand(
            "SELECT persistence_id, sequence_number, manifest, message, deleted FROM journal WHERE persistence_id LIKE 'ServiceLoadBalancer-%' ORDER BY persistence_id, sequence_number",
            connection);
        await using var reader = await query.ExecuteReaderAsync();
        var problems = new List<string>();
        var events = 0;
        var redone = 0;
        string? id = null;
        OpenIntent? previous = null;
        while (await reader.ReadAsync())
        {
            events++;
            var (pid, sequence, manifest) = (reader.GetString(0), reader.GetInt64(1), reader.GetString(2));
            var intent = manifest == Started ? IntentOf(sequence, (byte[])reader[3], reader.GetBoolean(4)) : null;
            if (pid != id)
            {
                CheckLast(id, previous, problems);
                id = pid;
            }
            else if (previous is { } open && (intent is not null || manifest == Observed))
            {
                if (manifest == Observed || intent!.Operation == "observe-lb")
                {
                    redone++;
                }
                else if (!open.Snapshotted && !(open.Operation == ChangeTargets && intent.Confirms == open.OperationSequence))
                {
                    problems.Add($"{pid}: intent #{open.Sequence} ({open.Operation}) has no outcome, and #{sequence} ({intent.Operation}, confirms {intent.Confirms?.ToString() ?? "nothing"}) acted without reading the load balancer back");
                }
            }

            previous = intent;
        }

        CheckLast(id, previous, problems);
        return new JournalAuditResult(events, redone, problems);
    }

    private static OpenIntent IntentOf(long sequence, byte[] payload, bool deleted)
    {
        using var json = JsonDocument.Parse(payload);
        var root = json.RootElement;
        var confirms = root.TryGetProperty("confirms", out var c) ? c.GetInt64() : (long?)null;
        return new OpenIntent(sequence, root.GetProperty("sequence").GetInt64(), root.GetProperty("operation").GetProperty("op").GetString(), confirms, deleted);
    }

    private static void CheckLast(string? id, OpenIntent? last, List<string> problems)
    {
        if (id is not null && last is { } open && open.Operation != ChangeTargets)
        {
            problems.Add($"{id}: intent #{open.Sequence} has no outcome");
        }
    }

    /// <param name="Sequence">Its sequence number in the journal.</param>
    /// <param name="OperationSequence">The entity's own count of its operations, which <c>confirms</c> names.</param>
    /// <param name="Snapshotted">
    /// Deleted after a snapshot at or after it: the entity snapshots only with no call in flight, so its outcome was
    /// known then and the snapshot holds it (a targets change confirmed by no intent, as the last one before a snapshot).
    /// </param>
    private sealed record OpenIntent(long Sequence, long OperationSequence, string? Operation, long? Confirms, bool Snapshotted);
}

/// <summary>How many events were read, how many in-doubt intents were redone by a read-back, and what is wrong.</summary>
public sealed record JournalAuditResult(int Events, int RedoneIntents, IReadOnlyList<string> Problems);
