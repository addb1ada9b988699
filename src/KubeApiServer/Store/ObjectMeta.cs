using System.Globalization;
using System.Text.Json.Nodes;

namespace DirectLB.KubeApiServer.Store;

/// <summary>Typed access to the <c>metadata</c> fields the store reasons about, on untyped JSON objects.</summary>
internal static class ObjectMeta
{
    public static JsonObject Metadata(JsonObject obj)
    {
        if (obj["metadata"] is JsonObject meta)
        {
            return meta;
        }
        meta = new JsonObject();
        obj["metadata"] = meta;
        return meta;
    }

    public static string? GetString(JsonObject obj, string field) =>
        obj["metadata"] is JsonObject meta && meta[field] is JsonValue value && value.TryGetValue(out string? s) ? s : null;

    public static string? Name(JsonObject obj) => GetString(obj, "name");

    public static string? Namespace(JsonObject obj) => GetString(obj, "namespace");

    public static string? ResourceVersion(JsonObject obj) => GetString(obj, "resourceVersion");

    public static bool IsDeleting(JsonObject obj) => GetString(obj, "deletionTimestamp") is not null;

    // Values set by the store are JsonValue<int|long>, parsed ones are JsonElement-backed; read all of them.
    public static long Generation(JsonObject obj) =>
        obj["metadata"] is JsonObject meta && meta["generation"] is JsonValue v
            && long.TryParse(v.ToJsonString(), NumberStyles.Integer, CultureInfo.InvariantCulture, out var g)
                ? g
                : 0;

    public static IReadOnlyList<string> Finalizers(JsonObject obj) =>
        obj["metadata"] is JsonObject meta && meta["finalizers"] is JsonArray array
            ? array.Select(f => f?.GetValue<string>() ?? "").ToList()
            : [];

    public static IReadOnlyDictionary<string, string> Labels(JsonObject obj) =>
        obj["metadata"] is JsonObject meta && meta["labels"] is JsonObject labels
            ? labels.ToDictionary(p => p.Key, p => p.Value?.GetValue<string>() ?? "")
            : new Dictionary<string, string>();

    /// <summary>RFC 3339 with second precision, the format of <c>metav1.Time</c>.</summary>
    public static string Timestamp(DateTimeOffset time) =>
        time.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);

    /// <summary>Store key; sorts like the etcd key space (namespace, then name), which list pagination relies on.</summary>
    public static string Key(string? ns, string name) => $"{ns}/{name}";
}
