using System.Globalization;

namespace DirectLB.Providers.HAProxy;

/// <summary>The master's <c>show proc</c>: its pid and reload counters, and the current workers' pids.</summary>
internal sealed record ProcessTable(int MasterPid, int Reloads, int FailedReloads, IReadOnlyList<int> Workers)
{
    /// <exception cref="ProviderException">The answer has no master line.</exception>
    public static ProcessTable Parse(string answer)
    {
        int? masterPid = null;
        int reloads = 0, failed = 0;
        var workers = new List<int>();
        var section = "";
        foreach (var line in answer.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            if (line.StartsWith('#'))
            {
                section = line;
                continue;
            }

            // "<pid> master <reloads> [failed: <n>] <uptime> <version>" or "<pid> worker <reloads> <uptime> <version>"
            var fields = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (fields.Length >= 3 && fields[1] == "master")
            {
                masterPid = int.Parse(fields[0], CultureInfo.InvariantCulture);
                reloads = int.Parse(fields[2], CultureInfo.InvariantCulture);
                failed = fields.Length >= 5 && fields[3] == "[failed:" ? int.Parse(fields[4].TrimEnd(']'), CultureInfo.InvariantCulture) : 0;
            }
            else if (section == "# workers" && fields.Length >= 2 && fields[1] == "worker")
            {
                workers.Add(int.Parse(fields[0], CultureInfo.InvariantCulture));
            }
        }

        return masterPid is { } pid
            ? new ProcessTable(pid, reloads, failed, workers)
            : throw new ProviderException($"'show proc' has no master line: {RuntimeApiClient.OneLine(answer)}");
    }
}
