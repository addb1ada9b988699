namespace DirectLB.KubeApiServer.Printing;

/// <summary>Endpoints as the real server prints them: NAME, ENDPOINTS (the first three ready <c>ip:port</c>), AGE.</summary>
public static class EndpointsPrinter
{
    public static ResourcePrinter Instance { get; } = new(
        [TableColumn.Name_, new("Endpoints", "string", "The set of ready addresses and ports of the endpoints."), TableColumn.Age],
        (endpoints, now) =>
        [
            endpoints.Text("metadata", "name"),
            Format(endpoints),
            HumanDuration.Since(endpoints.Time("metadata", "creationTimestamp"), now),
        ]);

    private static string Format(System.Text.Json.Nodes.JsonObject endpoints)
    {
        var subsets = endpoints.Objects("subsets").ToList();
        if (subsets.Count == 0)
        {
            return "<none>";
        }

        // Each port of each subset with each of its ready addresses; a subset without ports lists bare addresses.
        return EndpointSlicePrinter.FirstFew(
            subsets.SelectMany(subset =>
            {
                var addresses = subset.Objects("addresses").Select(a => a.Text("ip") ?? "").ToList();
                var ports = subset.Objects("ports").ToList();
                return ports.Count == 0
                    ? addresses
                    : ports.SelectMany(p => addresses.Select(ip => ip.Contains(':', StringComparison.Ordinal) ? $"[{ip}]:{p.Number("port")}" : $"{ip}:{p.Number("port")}"));
            }),
            none: "");
    }
}
