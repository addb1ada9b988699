using System.Globalization;

namespace DirectLB.Providers.HAProxy;

/// <summary>One server as the running HAProxy reports it in <c>show servers state</c>.</summary>
internal sealed record RuntimeServer(string Backend, string Name, int AdminState, int UserWeight)
{
    // Administrative state bits from the management guide ("show servers state", srv_admin_state).
    private const int ForcedMaintenance = 0x01;
    private const int ForcedDrain = 0x08;

    public bool InMaintenance => (AdminState & ForcedMaintenance) != 0;

    public bool Draining => (AdminState & ForcedDrain) != 0;

    /// <summary>
    /// Parses the version 1 dump. Columns are found by their header names, not positions, so a newer HAProxy
    /// that appends columns still parses.
    /// </summary>
    /// <exception cref="ProviderException">The answer is not a version 1 server state dump.</exception>
    public static IReadOnlyList<RuntimeServer> ParseAll(string answer)
    {
        var lines = answer.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        if (lines.Length < 2 || lines[0] != "1" || !lines[1].StartsWith('#'))
        {
            throw new ProviderException($"'show servers state' answered something other than a version 1 dump: {RuntimeApiClient.OneLine(answer)}");
        }

        var columns = lines[1].TrimStart('#').Split(' ', StringSplitOptions.RemoveEmptyEntries);
        int Column(string name) => Array.IndexOf(columns, name) is var index and >= 0
            ? index
            : throw new ProviderException($"'show servers state' has no column {name}: {lines[1]}");

        var (backend, name, admin, weight) = (Column("be_name"), Column("srv_name"), Column("srv_admin_state"), Column("srv_uweight"));
        var servers = new List<RuntimeServer>();
        foreach (var line in lines.Skip(2).Where(l => !l.StartsWith('#')))
        {
            var fields = line.Split(' ');
            servers.Add(new RuntimeServer(
                fields[backend],
                fields[name],
                int.Parse(fields[admin], CultureInfo.InvariantCulture),
                int.Parse(fields[weight], CultureInfo.InvariantCulture)));
        }

        return servers;
    }
}
