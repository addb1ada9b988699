using System.Text.Json.Nodes;

namespace DirectLB.KubeApiServer.Printing;

/// <summary>
/// How the real kube-apiserver prints one kind as a table (its <c>pkg/printers/internalversion/printers.go</c>):
/// the columns, and the cells of one object's row. The server always prints the wide form; kubectl hides the
/// priority-1 columns unless asked for <c>-o wide</c>.
/// </summary>
public sealed record ResourcePrinter(IReadOnlyList<TableColumn> Columns, Func<JsonObject, DateTimeOffset, JsonNode?[]> Cells)
{
    /// <summary>What the real server prints for a kind without a printer of its own: the name and when it was created.</summary>
    public static ResourcePrinter Default { get; } = new(
        [TableColumn.Name_, new TableColumn("Created At", "date", "CreationTimestamp: when the object was created.")],
        (obj, _) => [obj.Text("metadata", "name"), obj.Text("metadata", "creationTimestamp")]);
}
