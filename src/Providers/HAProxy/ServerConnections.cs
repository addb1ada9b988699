using System.Globalization;

namespace DirectLB.Providers.HAProxy;

/// <summary>Reads the current sessions of each server of one backend from the runtime API's <c>show stat</c> CSV.</summary>
internal static class ServerConnections
{
    /// <summary><c>show stat -1 4 -1</c>: every proxy, servers only (type 4), every server.</summary>
    public const string Command = "show stat -1 4 -1";

    /// <summary>Server name → current sessions (<c>scur</c>) for the servers of <paramref name="backend"/>.</summary>
    public static IReadOnlyDictionary<string, int> Parse(string csv, string backend)
    {
        var lines = csv.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        if (lines.Length == 0 || !lines[0].StartsWith("# ", StringComparison.Ordinal))
        {
            throw new ProviderException($"'{Command}' answered something other than CSV statistics: {RuntimeApiClient.OneLine(csv)}");
        }

        var header = lines[0][2..].Split(',');
        int Column(string name) => Array.IndexOf(header, name) is var at and >= 0
            ? at
            : throw new ProviderException($"'{Command}' has no column {name}");
        var (proxy, server, sessions) = (Column("pxname"), Column("svname"), Column("scur"));
        var result = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var fields in lines.Skip(1).Select(l => l.Split(',')))
        {
            if (fields.Length > sessions && fields[proxy] == backend && int.TryParse(fields[sessions], NumberStyles.None, CultureInfo.InvariantCulture, out var count))
            {
                result[fields[server]] = count;
            }
        }

        return result;
    }
}
