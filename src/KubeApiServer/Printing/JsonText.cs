using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace DirectLB.KubeApiServer.Printing;

/// <summary>Reads the fields a printer needs from untyped JSON objects; a missing field is null (or empty).</summary>
internal static class JsonText
{
    public static JsonNode? At(this JsonNode? node, params string[] path)
    {
        foreach (var segment in path)
        {
            node = node is JsonObject o ? o[segment] : null;
        }

        return node;
    }

    /// <summary>The string at <paramref name="path"/>, or null when it is missing or empty.</summary>
    public static string? Text(this JsonNode? node, params string[] path) =>
        node.At(path) is JsonValue value && value.GetValueKind() == JsonValueKind.String && value.GetValue<string>() is { Length: > 0 } s ? s : null;

    public static long Number(this JsonNode? node, params string[] path) =>
        node.At(path) is JsonValue value && value.GetValueKind() == JsonValueKind.Number
            ? long.Parse(value.ToJsonString(), NumberStyles.Integer, CultureInfo.InvariantCulture)
            : 0;

    public static bool Flag(this JsonNode? node, params string[] path) =>
        node.At(path) is JsonValue value && value.GetValueKind() == JsonValueKind.True;

    public static IEnumerable<JsonObject> Objects(this JsonNode? node, params string[] path) =>
        node.At(path) is JsonArray array ? array.OfType<JsonObject>() : [];

    public static IEnumerable<string> Texts(this JsonNode? node, params string[] path) =>
        node.At(path) is JsonArray array ? array.Select(n => n.Text()).OfType<string>() : [];

    public static DateTimeOffset? Time(this JsonNode? node, params string[] path) =>
        node.Text(path) is { } text && DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var time)
            ? time
            : null;
}
