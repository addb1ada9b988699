using System.Globalization;
using DirectLB.Providers.Model;

namespace DirectLB.Providers.HAProxy;

/// <summary>One server as the running HAProxy reports it in <c>show servers state</c>.</summary>
internal sealed record RuntimeServer(
    string Backend,
    string Name,
    string Address,
    int Port,
    int OperationalState,
    int AdminState,
    int UserWeight,
    int CheckResult,
    int CheckState,
    int Id)
{
    // Administrative state bits from the management guide ("show servers state", srv_admin_state).
    private const int ForcedMaintenance = 0x01;
    private const int InheritedMaintenance = 0x02;
    private const int ForcedDrain = 0x08;

    // srv_op_state: SRV_ST_STOPPED, SRV_ST_STARTING, SRV_ST_RUNNING, SRV_ST_STOPPING.
    private const int Stopped = 0;
    private const int Stopping = 3;

    // srv_check_state bit CHK_ST_ENABLED, and srv_check_result CHK_RES_FAILED (the last check failed).
    private const int CheckEnabled = 0x04;
    private const int CheckFailed = 2;

    public bool InMaintenance => (AdminState & (ForcedMaintenance | InheritedMaintenance)) != 0;

    public bool Draining => (AdminState & ForcedDrain) != 0;

    /// <summary>
    /// What HAProxy's own view says of the server: down while its checks rise (none failed last) is
    /// <see cref="TargetHealth.Initial"/>, down after a failed check <see cref="TargetHealth.Unhealthy"/>; up (or
    /// starting, in slow start) is healthy; a server in maintenance is out of rotation, so its health is unknown.
    /// </summary>
    public TargetHealth Health =>
        InMaintenance ? TargetHealth.Unknown
        : Draining ? TargetHealth.Draining
        : OperationalState is Stopped or Stopping && (CheckState & CheckEnabled) != 0 && CheckResult != CheckFailed ? TargetHealth.Initial
        : OperationalState is Stopped or Stopping ? TargetHealth.Unhealthy
        : TargetHealth.Healthy;

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

        var (backend, name, address, port) = (Column("be_name"), Column("srv_name"), Column("srv_addr"), Column("srv_port"));
        var (operational, admin, weight) = (Column("srv_op_state"), Column("srv_admin_state"), Column("srv_uweight"));
        var (checkResult, checkState, id) = (Column("srv_check_result"), Column("srv_check_state"), Column("srv_id"));
        var servers = new List<RuntimeServer>();
        foreach (var line in lines.Skip(2).Where(l => !l.StartsWith('#')))
        {
            var fields = line.Split(' ');
            int Number(int column) => int.Parse(fields[column], CultureInfo.InvariantCulture);
            servers.Add(new RuntimeServer(
                fields[backend],
                fields[name],
                fields[address],
                Number(port),
                Number(operational),
                Number(admin),
                Number(weight),
                Number(checkResult),
                Number(checkState),
                Number(id)));
        }

        return servers;
    }
}
