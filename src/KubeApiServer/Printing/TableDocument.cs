using System.Text.Json.Nodes;
using DirectLB.KubeApiServer.Resources;

namespace DirectLB.KubeApiServer.Printing;

/// <summary>What a table row carries besides its cells (<c>?includeObject=</c>): nothing, the object's metadata, or the object.</summary>
public enum IncludeObject
{
    None,
    Metadata,
    Object,
}

/// <summary>
/// A <c>meta.k8s.io</c> <c>Table</c>, the answer to a client that asks for one in its Accept header
/// (<c>application/json;as=Table;v=v1;g=meta.k8s.io</c>), as kubectl does for <c>get</c>.
/// </summary>
public static class TableDocument
{
    public static JsonObject For(
        ResourceKind kind, IEnumerable<JsonObject> items, string apiVersion, IncludeObject include, JsonObject metadata, DateTimeOffset now)
    {
        var printer = kind.Printer ?? ResourcePrinter.Default;
        var columns = new JsonArray(printer.Columns.Select(c => (JsonNode)new JsonObject
        {
            ["name"] = c.Name,
            ["type"] = c.Type,
            ["format"] = c.Format,
            ["description"] = c.Description,
            ["priority"] = c.Priority,
        }).ToArray());
        var rows = new JsonArray(items.Select(item => (JsonNode)Row(printer, item, apiVersion, include, now)).ToArray());
        return new JsonObject
        {
            ["kind"] = "Table",
            ["apiVersion"] = apiVersion,
            ["metadata"] = metadata,
            ["columnDefinitions"] = columns,
            ["rows"] = rows,
        };
    }

    private static JsonObject Row(ResourcePrinter printer, JsonObject item, string apiVersion, IncludeObject include, DateTimeOffset now)
    {
        var row = new JsonObject { ["cells"] = new JsonArray(printer.Cells(item, now).Select(c => c?.DeepClone()).ToArray()) };
        switch (include)
        {
            case IncludeObject.Object:
                row["object"] = item.DeepClone();
                break;
            case IncludeObject.Metadata:
                row["object"] = new JsonObject
                {
                    ["kind"] = "PartialObjectMetadata",
                    ["apiVersion"] = apiVersion,
                    ["metadata"] = item["metadata"]?.DeepClone(),
                };
                break;
        }

        return row;
    }
}
