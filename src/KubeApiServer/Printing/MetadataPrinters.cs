namespace DirectLB.KubeApiServer.Printing;

/// <summary>The kinds whose table is little more than their metadata: Namespaces and Secrets.</summary>
public static class MetadataPrinters
{
    /// <summary>NAME, STATUS (the phase), AGE.</summary>
    public static ResourcePrinter Namespace { get; } = new(
        [TableColumn.Name_, new("Status", "string", "The status of the namespace"), TableColumn.Age],
        (ns, now) => [ns.Text("metadata", "name"), ns.Text("status", "phase") ?? "", HumanDuration.Since(ns.Time("metadata", "creationTimestamp"), now)]);

    /// <summary>NAME, TYPE, DATA (how many keys), AGE.</summary>
    public static ResourcePrinter Secret { get; } = new(
        [
            TableColumn.Name_,
            new("Type", "string", "Used to facilitate programmatic handling of secret data."),
            new("Data", "string", "The number of keys the secret holds."),
            TableColumn.Age,
        ],
        (secret, now) =>
        [
            secret.Text("metadata", "name"),
            secret.Text("type") ?? "",
            (secret["data"] as System.Text.Json.Nodes.JsonObject)?.Count ?? 0,
            HumanDuration.Since(secret.Time("metadata", "creationTimestamp"), now),
        ]);
}
