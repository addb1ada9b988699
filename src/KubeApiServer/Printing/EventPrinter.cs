using System.Text.Json.Nodes;

namespace DirectLB.KubeApiServer.Printing;

/// <summary>
/// Events as the real server prints them: LAST SEEN, TYPE, REASON, OBJECT, MESSAGE, and SUBOBJECT, SOURCE, FIRST SEEN,
/// COUNT, NAME (wide). Core <c>v1</c> Events and <c>events.k8s.io/v1</c> Events (whose fields are named
/// <c>regarding</c>, <c>note</c>, <c>deprecated*</c>) print alike, as the server converts both to one internal Event.
/// </summary>
public static class EventPrinter
{
    public static ResourcePrinter Instance { get; } = new(
        [
            new("Last Seen", "string", "The time at which the most recent occurrence of this event was recorded."),
            new("Type", "string", "Type of this event (Normal, Warning)."),
            new("Reason", "string", "Why the action was taken."),
            new("Object", "string", "The object that this event is about."),
            new("Subobject", "string", "The part of the object this event is about, if any.", Priority: 1),
            new("Source", "string", "The component reporting this event.", Priority: 1),
            new("Message", "string", "A human-readable description of the status of this operation."),
            new("First Seen", "string", "The time at which the event was first recorded.", Priority: 1),
            new("Count", "string", "The number of times this event has occurred.", Priority: 1),
            new("Name", "string", "Name must be unique within a namespace.", Priority: 1, Format: "name"),
        ],
        Cells);

    private static JsonNode?[] Cells(JsonObject e, DateTimeOffset now)
    {
        var first = e.Time("firstTimestamp") ?? e.Time("deprecatedFirstTimestamp");
        var firstSeen = first is not null ? HumanDuration.Since(first, now) : HumanDuration.Since(e.Time("eventTime"), now);
        var last = e.Time("lastTimestamp") ?? e.Time("deprecatedLastTimestamp");
        var lastSeen = last is not null ? HumanDuration.Since(last, now) : firstSeen;
        var count = e.Number("count") is > 0 and var c ? c : e.Number("deprecatedCount");
        if (e["series"] is JsonObject series)
        {
            lastSeen = HumanDuration.Since(series.Time("lastObservedTime"), now);
            count = series.Number("count");
        }
        else if (count == 0)
        {
            count = 1; // a singleton event of the new API has no count
        }

        var involved = e["involvedObject"] as JsonObject ?? e["regarding"] as JsonObject;
        var kind = (involved.Text("kind") ?? "").ToLowerInvariant();
        var target = involved.Text("name") is { } name ? $"{kind}/{name}" : kind;
        var source = e["source"] as JsonObject ?? e["deprecatedSource"] as JsonObject;
        var component = source.Text("component") ?? e.Text("reportingComponent") ?? e.Text("reportingController") ?? "";
        var instance = source.Text("host") ?? e.Text("reportingInstance");
        return
        [
            lastSeen,
            e.Text("type") ?? "",
            e.Text("reason") ?? "",
            target,
            involved.Text("fieldPath") ?? "",
            instance is null ? component : $"{component}, {instance}",
            (e.Text("message") ?? e.Text("note") ?? "").Trim(),
            firstSeen,
            count,
            e.Text("metadata", "name"),
        ];
    }
}
