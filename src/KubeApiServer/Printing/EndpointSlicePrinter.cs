namespace DirectLB.KubeApiServer.Printing;

/// <summary>EndpointSlices as the real server prints them: NAME, ADDRESSTYPE, PORTS, ENDPOINTS, AGE.</summary>
public static class EndpointSlicePrinter
{
    private const int Shown = 3;

    public static ResourcePrinter Instance { get; } = new(
        [
            TableColumn.Name_,
            new("AddressType", "string", "addressType specifies the type of address carried by this EndpointSlice."),
            new("Ports", "string", "ports specifies the list of network ports exposed by each endpoint in this slice."),
            new("Endpoints", "string", "endpoints is a list of unique endpoints in this slice."),
            TableColumn.Age,
        ],
        (slice, now) =>
        [
            slice.Text("metadata", "name"),
            slice.Text("addressType") ?? "",
            FirstFew(slice.Objects("ports").Select(p => p.At("port") is not null ? p.Number("port").ToString(System.Globalization.CultureInfo.InvariantCulture) : p.Text("name") ?? "*")),
            FirstFew(slice.Objects("endpoints").SelectMany(e => e.Texts("addresses"))),
            HumanDuration.Since(slice.Time("metadata", "creationTimestamp"), now),
        ]);

    /// <summary>The first three, then " + N more...", or <paramref name="none"/> for none (kubectl's <c>listWithMoreString</c>).</summary>
    internal static string FirstFew(IEnumerable<string> items, string none = "<unset>")
    {
        var all = items.ToList();
        var shown = string.Join(',', all.Take(Shown));
        return all.Count > Shown ? $"{shown} + {all.Count - Shown} more..." : all.Count == 0 ? none : shown;
    }
}
