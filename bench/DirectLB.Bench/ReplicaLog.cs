using System.Globalization;
using System.Text.Json;

namespace DirectLB.Bench;

/// <summary>
/// Finds when a replica logged something, in its compact JSON log (<c>--log-format json</c>): each line carries its
/// timestamp (<c>@t</c>, to the tick) and the message template with its values, which is what is matched.
/// </summary>
public static class ReplicaLog
{
    /// <summary>
    /// The timestamp of the first line logged at or after <paramref name="since"/> that contains every one of
    /// <paramref name="fragments"/> (compared as raw JSON text); null when no line does.
    /// </summary>
    public static DateTimeOffset? FirstLine(string log, DateTimeOffset since, params string[] fragments)
    {
        foreach (var line in log.Split('\n'))
        {
            // Anything not JSON (the runtime's own output before logging starts) is not a log event.
            if (!line.StartsWith('{') || !fragments.All(f => line.Contains(f, StringComparison.Ordinal)))
            {
                continue;
            }

            using var json = JsonDocument.Parse(line);
            var at = DateTimeOffset.Parse(json.RootElement.GetProperty("@t").GetString()!, CultureInfo.InvariantCulture);
            if (at >= since)
            {
                return at;
            }
        }

        return null;
    }

    /// <summary>The earliest such line over several replicas' logs.</summary>
    public static DateTimeOffset? FirstLine(IEnumerable<string> logs, DateTimeOffset since, params string[] fragments) =>
        logs.Select(log => FirstLine(log, since, fragments)).Where(at => at is not null).Min();
}
